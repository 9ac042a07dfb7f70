// One endpoint's delivery log, newest first, a page at a time with "More": what was sent, how
// it went (attempts, last answer, latency, next try) and a Redeliver button. While a delivery is
// about to be tried, the newest page reads itself again just after its attempt is due.
import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors, useRereadOn } from "../../ui/More";
import { formatLatency, refreshDelay } from "./webhooks";

// The API has no single-endpoint query: `first: 1` after the edge before the endpoint reads
// just that one (see `cursorBefore`).
const DeliveriesQuery = graphql(`
  query WebhookDeliveries($org: String!, $project: String!, $endpointAfter: String, $after: String) {
    project(org: $org, slug: $project) {
      id
      webhookEndpoints(first: 1, after: $endpointAfter) {
        nodes {
          id
          deliveries(first: 20, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes { id eventId event status attempts nextAttemptAt lastAttemptAt responseCode latencyMs error createdAt }
          }
        }
      }
    }
  }
`);
const Redeliver = graphql(`
  mutation RedeliverWebhook($org: String!, $project: String!, $id: ID!) {
    redeliverWebhook(org: $org, project: $project, id: $id) { id status }
  }
`);

const COLUMNS = ["Event", "Status", "Attempts", "Last response", "Latency", "Next try", "Created", "Redeliver"];
const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");

function DeliveriesChunk(props: {
  endpointId: string;
  endpointAfter: string | null;
  after: string | null;
  last: boolean;
  /** Changes when the log should be read again (a test event sent, a redelivery, Refresh). */
  signal: number;
  onMore: (cursor: string | null | undefined) => void;
  onRedelivered: () => void;
  /** Runs when a read of the newest page shows other attempts than the last read did. */
  onAttempted: () => void;
}) {
  const { endpointId, endpointAfter, after, last, signal, onMore, onRedelivered, onAttempted } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeliveriesQuery, variables: { org, project, endpointAfter, after } });
  const [, redeliver] = useMutation(Redeliver);
  const [problem, setProblem] = useState<Problem | null>(null);
  useRereadOn(signal, refetch);
  // A refused read arrives as a project without the field, beside the error.
  const node = data?.project.webhookEndpoints?.nodes[0];
  const page = node?.id === endpointId ? node.deliveries : null;
  // Only the newest page follows pending deliveries; older ones have settled.
  useEffect(() => {
    if (after !== null || !page) return;
    const delay = refreshDelay(page.nodes, new Date());
    if (delay === null) return;
    const timer = setTimeout(() => refetch({ requestPolicy: "network-only" }), delay);
    return () => clearTimeout(timer);
  }, [after, page, refetch]);
  // An attempt changes the endpoint too (failing since, or healthy again): each read of the
  // newest page that shows attempts other than the last read did (the first read included,
  // since the attempt may come before it) tells the list to read the endpoint again.
  const attempts = after === null && page ? page.nodes.map((d) => `${d.id}:${d.status}:${d.attempts}`).join() : null;
  const previous = useRef<string | null>(null);
  useEffect(() => {
    if (attempts === null || previous.current === attempts) return;
    previous.current = attempts;
    onAttempted();
  }, [attempts, onAttempted]);
  const span = COLUMNS.length;
  if (fetching && !page) return <tbody><tr><td colSpan={span}><Loading what="deliveries" /></td></tr></tbody>;
  if (!data?.project.webhookEndpoints || (error && !page)) return <tbody><tr><td colSpan={span}><ErrorNotice error={error} /></td></tr></tbody>;
  if (!page) {
    return (
      <tbody>
        <tr><td colSpan={span}>The endpoint list changed since it was read; reload the page.</td></tr>
      </tbody>
    );
  }
  return (
    <tbody>
      {after === null && page.nodes.length === 0 ? <tr><td colSpan={span}>No deliveries yet. Send a test event to try the endpoint.</td></tr> : null}
      {page.nodes.map((d) => (
        <tr key={d.id}>
          <td>
            <span className="code">{d.event}</span>
            <br />
            <small className="muted code" title="The webhook-id header, the same for every redelivery">{d.eventId}</small>
          </td>
          <td>
            <span className={`badge delivery-${d.status}`}>{d.status}</span>
            {d.error ? <><br /><small className="muted">{d.error}</small></> : null}
          </td>
          <td>{d.attempts}</td>
          <td>
            {d.responseCode ?? "—"}
            {d.lastAttemptAt ? <><br /><small className="muted">{time(d.lastAttemptAt)}</small></> : null}
          </td>
          <td>{formatLatency(d.latencyMs)}</td>
          <td>{d.status === "pending" ? time(d.nextAttemptAt) : "—"}</td>
          <td>{time(d.createdAt)}</td>
          <td>
            <button
              type="button"
              onClick={async () => {
                const r = await redeliver({ org, project, id: d.id });
                setProblem(r.error ? describeError(r.error) : null);
                if (!r.error) onRedelivered();
              }}
            >
              Redeliver
            </button>
          </td>
        </tr>
      ))}
      {problem ? <tr><td colSpan={span}><ErrorNotice problem={problem} /></td></tr> : null}
      {last && page.pageInfo.hasNextPage ? (
        <tr><td colSpan={span}><MoreButton hasNextPage what="deliveries" onMore={() => onMore(page.pageInfo.endCursor)} /></td></tr>
      ) : null}
    </tbody>
  );
}

/** The delivery log of endpoint `endpointId`; `endpointAfter` is its `cursorBefore`. */
export function Deliveries(props: { endpointId: string; endpointAfter: string | null; url: string; signal: number; onAttempted: () => void }) {
  const { endpointId, endpointAfter, url, signal, onAttempted } = props;
  const [own, setOwn] = useState(0);
  // Refresh (or a redelivery, which adds the newest row) starts again from the newest page.
  const { cursors, more } = usePageCursors(`${endpointAfter ?? ""}|${signal}|${own}`);
  return (
    <div>
      <p>
        <button type="button" onClick={() => setOwn(own + 1)}>
          Refresh deliveries
        </button>
      </p>
      <table aria-label={`Deliveries to ${url}`}>
        <thead>
          <tr>{COLUMNS.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
        </thead>
        {cursors.map((after, i) => (
          <DeliveriesChunk
            key={after ?? "first"}
            endpointId={endpointId}
            endpointAfter={endpointAfter}
            after={after}
            last={i === cursors.length - 1}
            signal={signal + own}
            onMore={more}
            onRedelivered={() => setOwn(own + 1)}
            onAttempted={onAttempted}
          />
        ))}
      </table>
    </div>
  );
}

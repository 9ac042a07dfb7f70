// Webhooks: the project's endpoints (a page at a time with "More"), adding one (its signing
// secret shown once, with a copy button) and each endpoint's settings and delivery log. Only
// owners and admins manage webhooks; anyone else who reaches the page sees the API's FORBIDDEN.
import { useCallback, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors, useRereadOn } from "../../ui/More";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { EMPTY_ENDPOINT, EndpointForm, type EndpointValues } from "./EndpointForm";
import { EndpointCard } from "./EndpointCard";
import { cursorBefore } from "./webhooks";

const EndpointsQuery = graphql(`
  query WebhookEndpoints($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      webhookEndpoints(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node { id url description events enabled disabledReason disabledAt failingSince previousSecretUntil createdAt updatedAt }
        }
      }
    }
  }
`);
const CreateEndpoint = graphql(`
  mutation CreateWebhookEndpoint($org: String!, $project: String!, $input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(org: $org, project: $project, input: $input) { secret endpoint { id url } }
  }
`);

function EndpointsChunk(props: { after: string | null; last: boolean; reload: number; onMore: (cursor: string | null | undefined) => void; onChanged: () => void }) {
  const { after, last, reload, onMore, onChanged } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: EndpointsQuery, variables: { org, project, after } });
  useRereadOn(reload, refetch);
  // A refused list (FORBIDDEN) arrives as a project without the field, beside the error.
  const page = data?.project.webhookEndpoints;
  if (fetching && !page) return <Loading what="webhook endpoints" />;
  if (!page) return <ErrorNotice error={error} />;
  return (
    <>
      {after === null && page.edges.length === 0 ? <p>No endpoints yet.</p> : null}
      {page.edges.map(({ node }) => (
        <EndpointCard key={node.id} endpoint={node} endpointAfter={cursorBefore(page.edges, node.id, after) ?? null} onChanged={onChanged} />
      ))}
      {last ? <MoreButton hasNextPage={page.pageInfo.hasNextPage} what="endpoints" onMore={() => onMore(page.pageInfo.endCursor)} /> : null}
    </>
  );
}

function AddEndpoint({ onCreated }: { onCreated: () => void }) {
  const { org, project } = useProject();
  const [, create] = useMutation(CreateEndpoint);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const submit = async (input: EndpointValues) => {
    const r = await create({ org, project, input });
    if (r.error || !r.data) {
      setProblem(r.error ? describeError(r.error) : null);
      return false;
    }
    setProblem(null);
    setCreated({ url: r.data.createWebhookEndpoint.endpoint.url, secret: r.data.createWebhookEndpoint.secret });
    onCreated();
    return true;
  };
  return (
    <section aria-labelledby="add-endpoint">
      <h3 id="add-endpoint">Add an endpoint</h3>
      <EndpointForm name="Add a webhook endpoint" initial={EMPTY_ENDPOINT} submitLabel="Add endpoint" problem={problem} onSubmit={submit} clearOnSuccess />
      {created ? (
        <OneTimeSecret secret={created.secret} label="New endpoint's signing secret" onDone={() => setCreated(null)}>
          <p>
            The signing secret of <span className="code">{created.url}</span> is shown once; store it now. The receiver
            verifies each delivery's <span className="code">webhook-signature</span> with it.
          </p>
        </OneTimeSecret>
      ) : null}
    </section>
  );
}

export function WebhooksPage() {
  const { role } = useProject();
  const [reload, setReload] = useState(0);
  const { cursors, more } = usePageCursors();
  const changed = useCallback(() => setReload((n) => n + 1), []);
  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        Endpoints receive this project's release and environment events as signed POSTs (Standard Webhooks), retried for a
        day until they answer 2xx.
      </p>
      {can(role, "project:manage_webhooks") ? <AddEndpoint onCreated={changed} /> : null}
      <h3>Endpoints</h3>
      {cursors.map((after, i) => (
        <EndpointsChunk key={after ?? "first"} after={after} last={i === cursors.length - 1} reload={reload} onMore={more} onChanged={changed} />
      ))}
    </section>
  );
}

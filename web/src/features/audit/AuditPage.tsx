// The audit log, newest first, a page at a time, filterable by action and actor.
import { useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { ErrorNotice, Loading } from "../../ui/Status";

const AuditQuery = graphql(`
  query AuditLog($org: String!, $project: String!, $after: String) {
    auditLog(org: $org, project: $project, first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId }
    }
  }
`);

export function AuditPage() {
  const { org, project } = useProject();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const [{ data, fetching, error }] = useQuery({ query: AuditQuery, variables: { org, project, after } });
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const events = (data?.auditLog.nodes ?? []).filter(
    (e) => e.action.includes(action.trim()) && (e.actorUser?.subject ?? e.actor).includes(actor.trim()),
  );
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p className="muted">
        The chain of these events is verified by <code>slipway audit verify --project {org}/{project}</code>.
      </p>
      <div className="inline">
        <div className="field">
          <label htmlFor="audit-action">Action contains</label>
          <input id="audit-action" value={action} onChange={(e) => setAction(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor contains</label>
          <input id="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        </div>
      </div>
      {fetching ? <Loading what="audit events" /> : null}
      <ErrorNotice error={error} />
      <table>
        <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th></tr></thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{e.sequence}</td>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actorUser?.name ?? e.actorUser?.subject ?? e.actor}</td>
              <td className="code">{e.action}</td>
              <td>{e.targetKind} <span className="muted code">{e.targetId}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="inline">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
        <button type="button" disabled={!data?.auditLog.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, data?.auditLog.pageInfo.endCursor ?? null])}>Older</button>
      </div>
    </section>
  );
}

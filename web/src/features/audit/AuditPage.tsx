// The audit log, newest first, filtered on the server (action kind, exact action, actor,
// environment), with "More" for older events and the hash chain's verification status.
import { useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { AuditEnvironmentsQuery, AuditLogFilterInput } from "../../gql/graphql";
import { useEveryPage } from "../../lib/everyPage";
import { useProject } from "../../app/projectContext";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors } from "../../ui/More";

const AuditQuery = graphql(`
  query AuditLog($org: String!, $project: String!, $after: String, $filter: AuditLogFilterInput) {
    auditLog(org: $org, project: $project, first: 50, after: $after, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId }
    }
  }
`);

const ChainQuery = graphql(`
  query AuditChain($org: String!, $project: String!) {
    auditChain(org: $org, project: $project) { verified verifiedEvents brokenAt problem }
  }
`);
const EnvironmentsQuery = graphql(`
  query AuditEnvironments($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id slug name } }
    }
  }
`);
// Every environment: the filter offers all of them.
const environmentsOf = (data: AuditEnvironmentsQuery) => data.project.environments;

function ChainStatus({ org, project }: { org: string; project: string }) {
  const [{ data, fetching, error }] = useQuery({ query: ChainQuery, variables: { org, project } });
  if (fetching && !data) return <Loading what="the chain's verification" />;
  if (!data) return <ErrorNotice error={error} />;
  const chain = data.auditChain;
  return chain.verified ? (
    <p role="status" className="ok">
      Chain verified: all {chain.verifiedEvents} events.
    </p>
  ) : (
    <p role="alert" className="error">
      Chain broken{chain.brokenAt ? ` at event #${chain.brokenAt}` : ""}: {chain.problem}
    </p>
  );
}

function EventsPage(props: {
  org: string;
  project: string;
  filter: AuditLogFilterInput;
  after: string | null;
  last: boolean;
  onMore: (cursor: string | null | undefined) => void;
}) {
  const { org, project, filter, after, last, onMore } = props;
  const [{ data, fetching, error }] = useQuery({ query: AuditQuery, variables: { org, project, after, filter } });
  if (fetching && !data) return <tbody><tr><td colSpan={5}><Loading what="audit events" /></td></tr></tbody>;
  if (!data) return <tbody><tr><td colSpan={5}><ErrorNotice error={error} /></td></tr></tbody>;
  const page = data.auditLog;
  return (
    <tbody>
      {after === null && page.nodes.length === 0 ? <tr><td colSpan={5}>No events match.</td></tr> : null}
      {page.nodes.map((e) => (
        <tr key={e.id}>
          <td>{e.sequence}</td>
          <td>{new Date(e.at).toLocaleString()}</td>
          <td>{e.actorUser?.name ?? e.actorUser?.subject ?? e.actor}</td>
          <td className="code">{e.action}</td>
          <td>{e.targetKind} <span className="muted code">{e.targetId}</span></td>
        </tr>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <tr>
          <td colSpan={5}>
            <MoreButton hasNextPage what="events" onMore={() => onMore(page.pageInfo.endCursor)} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

const KINDS = ["", "release", "environment", "policy", "prompt", "routing_rule", "provider", "version", "member", "api_key", "credential"];

export function AuditPage() {
  const { org, project } = useProject();
  const { nodes: environments } = useEveryPage(EnvironmentsQuery, { org, project }, environmentsOf);
  const [kind, setKind] = useState("");
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [environment, setEnvironment] = useState("");
  const filter: AuditLogFilterInput = {
    actionKind: kind || null,
    action: action.trim() || null,
    actor: actor.trim() || null,
    environment: environment || null,
  };
  const { cursors, more } = usePageCursors(JSON.stringify(filter));
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <ChainStatus org={org} project={project} />
      <form className="inline" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-kind">Kind</label>
          <select id="audit-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map((k) => <option key={k} value={k}>{k === "" ? "any" : k}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action (exact, e.g. release.approve)</label>
          <input id="audit-action" value={action} onChange={(e) => setAction(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor (e.g. user:…, system)</label>
          <input id="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-environment">Environment</label>
          <select id="audit-environment" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
            <option value="">any</option>
            {(environments ?? []).map((env) => <option key={env.id} value={env.slug}>{env.name}</option>)}
          </select>
        </div>
      </form>
      <table>
        <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th></tr></thead>
        {cursors.map((after, i) => (
          <EventsPage key={after ?? "first"} org={org} project={project} filter={filter} after={after} last={i === cursors.length - 1} onMore={more} />
        ))}
      </table>
    </section>
  );
}

// A project's releases, newest first, filterable by state, a page at a time with "More".
import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import type { ReleaseState } from "../../gql/graphql";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors } from "../../ui/More";

const ReleasesQuery = graphql(`
  query ProjectReleases($org: String!, $project: String!, $states: [ReleaseState!]!, $after: String) {
    project(org: $org, slug: $project) {
      id
      releases(states: $states, first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id state origin createdAt author { subject } targetEnvironment { slug } changes { resource { key } toVersion { number } } }
      }
    }
  }
`);

const STATES: ReleaseState[] = ["PENDING", "APPROVED", "DEPLOYED", "REJECTED", "CANCELLED", "SUPERSEDED", "EXPIRED"];

function ReleasesChunk(props: { states: ReleaseState[]; after: string | null; last: boolean; onMore: (cursor: string | null | undefined) => void }) {
  const { states, after, last, onMore } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }] = useQuery({ query: ReleasesQuery, variables: { org, project, states, after } });
  if (fetching && !data) return <tbody><tr><td colSpan={5}><Loading what="releases" /></td></tr></tbody>;
  if (!data) return <tbody><tr><td colSpan={5}><ErrorNotice error={error} /></td></tr></tbody>;
  const page = data.project.releases;
  return (
    <tbody>
      {page.nodes.map((r) => (
        <tr key={r.id}>
          <td><Link to={`/orgs/${org}/projects/${project}/releases/${r.id}`}>{r.origin.toLowerCase()}: {r.changes.map((c) => `${c.resource?.key} → v${c.toVersion?.number ?? "none"}`).join(", ")}</Link></td>
          <td>{r.targetEnvironment?.slug}</td>
          <td><span className={`badge state-${r.state}`}>{r.state.toLowerCase()}</span></td>
          <td>{r.author?.subject}</td>
          <td>{new Date(r.createdAt).toLocaleString()}</td>
        </tr>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <tr><td colSpan={5}><MoreButton hasNextPage what="releases" onMore={() => onMore(page.pageInfo.endCursor)} /></td></tr>
      ) : null}
    </tbody>
  );
}

export function ReleasesPage() {
  const [states, setStates] = useState<ReleaseState[]>([]);
  const { cursors, more } = usePageCursors(states.join(","));
  return (
    <section aria-labelledby="releases-title">
      <h2 id="releases-title">Releases</h2>
      <div className="field">
        <label htmlFor="state-filter">State</label>
        <select id="state-filter" value={states[0] ?? ""} onChange={(e) => setStates(e.target.value ? [e.target.value as ReleaseState] : [])}>
          <option value="">any</option>
          {STATES.map((s) => <option key={s} value={s}>{s.toLowerCase()}</option>)}
        </select>
      </div>
      <table>
        <thead><tr><th scope="col">Release</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Author</th><th scope="col">Created</th></tr></thead>
        {cursors.map((after, i) => (
          <ReleasesChunk key={after ?? "first"} states={states} after={after} last={i === cursors.length - 1} onMore={more} />
        ))}
      </table>
    </section>
  );
}

// A project's releases, newest first, filterable by state.
import { useState } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import type { ReleaseState } from "../../gql/graphql";
import { ErrorNotice, Loading } from "../../ui/Status";

const ReleasesQuery = graphql(`
  query ProjectReleases($org: String!, $project: String!, $states: [ReleaseState!]!) {
    project(org: $org, slug: $project) {
      id
      releases(states: $states, first: 100) {
        nodes { id state origin createdAt author { subject } targetEnvironment { slug } changes { resource { key } toVersion { number } } }
      }
    }
  }
`);

const STATES: ReleaseState[] = ["PENDING", "APPROVED", "DEPLOYED", "REJECTED", "CANCELLED", "SUPERSEDED", "EXPIRED"];

export function ReleasesPage() {
  const { org, project } = useProject();
  const [states, setStates] = useState<ReleaseState[]>([]);
  const [{ data, fetching, error }] = useQuery({ query: ReleasesQuery, variables: { org, project, states } });
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
      {fetching && !data ? <Loading what="releases" /> : null}
      <ErrorNotice error={error} />
      <table>
        <thead><tr><th scope="col">Release</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Author</th><th scope="col">Created</th></tr></thead>
        <tbody>
          {data?.project.releases.nodes.map((r) => (
            <tr key={r.id}>
              <td><Link to={`/orgs/${org}/projects/${project}/releases/${r.id}`}>{r.origin.toLowerCase()}: {r.changes.map((c) => `${c.resource?.key} → v${c.toVersion?.number ?? "none"}`).join(", ")}</Link></td>
              <td>{r.targetEnvironment?.slug}</td>
              <td><span className={`badge state-${r.state}`}>{r.state.toLowerCase()}</span></td>
              <td>{r.author?.subject}</td>
              <td>{new Date(r.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

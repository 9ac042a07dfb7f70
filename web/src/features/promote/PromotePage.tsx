// Promote: pick a source and a target, see what would change (`diffEnvironments`), promote.
import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice, Loading } from "../../ui/Status";
import { useEveryPage } from "../../lib/everyPage";
import type { PromoteEnvironmentsQuery } from "../../gql/graphql";

// Every environment: the source and target pickers offer all of them.
const environmentsOf = (data: PromoteEnvironmentsQuery) => data.project.environments;

const EnvironmentsQuery = graphql(`
  query PromoteEnvironments($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id slug name } }
    }
  }
`);
const DiffQuery = graphql(`
  query PromoteDiff($org: String!, $project: String!, $left: String!, $right: String!) {
    diffEnvironments(org: $org, project: $project, left: $left, right: $right) {
      resource { id kind key } left { number } right { number }
    }
  }
`);
const Promote = graphql(`
  mutation Promote($org: String!, $project: String!, $source: String!, $target: String!, $message: String!) {
    promote(org: $org, project: $project, source: $source, target: $target, message: $message) { id state }
  }
`);

export function PromotePage() {
  const { org, project, role } = useProject();
  const { nodes: envs, error } = useEveryPage(EnvironmentsQuery, { org, project }, environmentsOf);
  const [source, setSource] = useState("staging");
  const [target, setTarget] = useState("prod");
  const [message, setMessage] = useState("");
  const [diff] = useQuery({ query: DiffQuery, variables: { org, project, left: source, right: target }, pause: source === target });
  const [state, promote] = useMutation(Promote);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [release, setRelease] = useState<{ id: string; state: string } | null>(null);
  if (!envs) return error ? <ErrorNotice error={error} /> : <Loading what="environments" />;
  const changes = diff.data?.diffEnvironments ?? [];
  return (
    <section aria-labelledby="promote-title">
      <h2 id="promote-title">Promote</h2>
      <div className="inline">
        <div className="field">
          <label htmlFor="source">From</label>
          <select id="source" value={source} onChange={(e) => setSource(e.target.value)}>
            {envs.map((e) => <option key={e.id} value={e.slug}>{e.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="target">To</label>
          <select id="target" value={target} onChange={(e) => setTarget(e.target.value)}>
            {envs.map((e) => <option key={e.id} value={e.slug}>{e.name}</option>)}
          </select>
        </div>
      </div>
      <h3>What will change in {target}</h3>
      {source === target ? <p>Pick two different environments.</p> : null}
      {diff.fetching ? <Loading what="the difference" /> : null}
      <ErrorNotice error={diff.error} />
      {diff.data && changes.length === 0 ? <p>{target} already serves what {source} serves.</p> : null}
      {changes.length > 0 ? (
        <table aria-label="Changes">
          <thead>
            <tr><th scope="col">Resource</th><th scope="col">{target} now</th><th scope="col">after (from {source})</th></tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.resource.id}>
                <td>{c.resource.kind.toLowerCase()} {c.resource.key}</td>
                <td>{c.right ? `v${c.right.number}` : "—"}</td>
                <td>{c.left ? `v${c.left.number}` : "removed"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {can(role, "release:create") ? (
        <form onSubmit={async (e) => {
          e.preventDefault();
          const result = await promote({ org, project, source, target, message });
          if (result.error || !result.data) return setProblem(result.error ? describeError(result.error) : null);
          setProblem(null);
          setRelease(result.data.promote);
        }}>
          <div className="field">
            <label htmlFor="promote-message">Message</label>
            <input id="promote-message" value={message} onChange={(e) => setMessage(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={state.fetching || changes.length === 0}>
            Promote {source} to {target}
          </button>
        </form>
      ) : <p className="muted">Your role cannot promote.</p>}
      <ErrorNotice problem={problem} />
      {release ? (
        <p role="status">
          Release <Link to={`/orgs/${org}/projects/${project}/releases/${release.id}`}>{release.state.toLowerCase()}</Link>.
        </p>
      ) : null}
    </section>
  );
}

// An environment's deployments as a timeline (who, when, which release), with a rollback to
// any entry.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice, Loading } from "../../ui/Status";

const DeploymentsQuery = graphql(`
  query EnvironmentDeployments($org: String!, $project: String!, $environment: String!) {
    environment(org: $org, project: $project, slug: $environment) {
      id name slug
      deployments(first: 50) {
        nodes {
          id sequence deployedAt
          deployedBy { subject name }
          release { id origin }
          changes { resource { key } fromVersion { number } toVersion { number } }
        }
      }
    }
  }
`);
const Rollback = graphql(`
  mutation Rollback($org: String!, $project: String!, $environment: String!, $deployment: ID!) {
    rollback(org: $org, project: $project, environment: $environment, deployment: $deployment) { id state }
  }
`);

export function DeploymentsPage() {
  const { org, project, role } = useProject();
  const { environment = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeploymentsQuery, variables: { org, project, environment } });
  const [, rollback] = useMutation(Rollback);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<{ id: string; state: string } | null>(null);
  if (fetching && !data) return <Loading what="deployments" />;
  if (!data) return <ErrorNotice error={error} />;
  const env = data.environment;
  const entries = env.deployments.nodes;
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Deployments of {env.name}</h2>
      {entries.length === 0 ? <p>Nothing has been deployed here yet.</p> : null}
      <ol reversed aria-label="Timeline">
        {entries.map((d, index) => (
          <li key={d.id}>
            <strong>#{d.sequence}</strong> {new Date(d.deployedAt).toLocaleString()} by {d.deployedBy?.name ?? d.deployedBy?.subject ?? "unknown"}
            {d.release ? <> · <Link to={`/orgs/${org}/projects/${project}/releases/${d.release.id}`}>{d.release.origin.toLowerCase()} release</Link></> : null}
            <ul>
              {d.changes.map((c, i) => (
                <li key={i}>
                  {c.resource?.key}: {c.fromVersion ? `v${c.fromVersion.number}` : "—"} → {c.toVersion ? `v${c.toVersion.number}` : "removed"}
                </li>
              ))}
            </ul>
            {can(role, "release:create") && index > 0 ? (
              <button type="button" onClick={async () => {
                const r = await rollback({ org, project, environment, deployment: d.id });
                if (r.error || !r.data) return setProblem(r.error ? describeError(r.error) : null);
                setProblem(null);
                setResult(r.data.rollback);
                refetch({ requestPolicy: "network-only" });
              }}>
                Roll back to #{d.sequence}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <ErrorNotice problem={problem} />
      {result ? <p role="status">Rollback release <Link to={`/orgs/${org}/projects/${project}/releases/${result.id}`}>{result.state.toLowerCase()}</Link>.</p> : null}
    </section>
  );
}

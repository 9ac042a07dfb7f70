// An environment's deployments as a timeline (who, when, which release), a page at a time with
// "More", with a rollback to any entry but the newest; a deployment made anywhere (the
// `environmentChanged` subscription) shows at the top without a reload.
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, type Problem } from "../../lib/errors";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePagedList, useRereadOn } from "../../ui/More";

const EnvironmentQuery = graphql(`
  query DeploymentsEnvironment($org: String!, $project: String!, $environment: String!) {
    environment(org: $org, project: $project, slug: $environment) { id name slug }
  }
`);
const DeploymentsQuery = graphql(`
  query EnvironmentDeployments($org: String!, $project: String!, $environment: String!, $after: String) {
    environment(org: $org, project: $project, slug: $environment) {
      id
      deployments(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
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
const DeploymentMade = graphql(`
  subscription TimelineEnvironmentChanged($org: String!, $project: String!) {
    environmentChanged(org: $org, project: $project) { environment { id slug } deployment { id } }
  }
`);
const Rollback = graphql(`
  mutation Rollback($org: String!, $project: String!, $environment: String!, $deployment: ID!) {
    rollback(org: $org, project: $project, environment: $environment, deployment: $deployment) { id state }
  }
`);

interface ChunkProps {
  environment: string;
  after: string | null;
  last: boolean;
  reload: number;
  onMore: (cursor: string | null | undefined) => void;
  onRollback: (deployment: string) => void;
}

function DeploymentsChunk({ environment, after, last, reload, onMore, onRollback }: ChunkProps) {
  const { org, project, role } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeploymentsQuery, variables: { org, project, environment, after } });
  useRereadOn(reload, refetch);
  if (fetching && !data) return <li><Loading what="deployments" /></li>;
  if (!data) return <li><ErrorNotice error={error} /></li>;
  const page = data.environment.deployments;
  if (after === null && page.nodes.length === 0) return <li>Nothing has been deployed here yet.</li>;
  return (
    <>
      {page.nodes.map((d, index) => (
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
          {/* The newest entry is what the environment serves now: nothing to roll back to. */}
          {can(role, "release:create") && (after !== null || index > 0) ? (
            <button type="button" onClick={() => onRollback(d.id)}>
              Roll back to #{d.sequence}
            </button>
          ) : null}
        </li>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <li className="plain"><MoreButton hasNextPage what="deployments" onMore={() => onMore(page.pageInfo.endCursor)} /></li>
      ) : null}
    </>
  );
}

export function DeploymentsPage() {
  const { org, project } = useProject();
  const { environment = "" } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: EnvironmentQuery, variables: { org, project, environment } });
  const [, rollback] = useMutation(Rollback);
  const { cursors, more, reload, restart } = usePagedList(environment);
  // The number of deployments to this environment seen live; each heads the timeline, so the
  // list starts again from the newest page.
  const [made] = useSubscription({ query: DeploymentMade, variables: { org, project } }, (seen: number | undefined, event) =>
    event.environmentChanged.deployment && event.environmentChanged.environment.slug === environment ? (seen ?? 0) + 1 : (seen ?? 0),
  );
  useEffect(() => {
    if (made.data) restart();
  }, [made.data, restart]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<{ id: string; state: string } | null>(null);
  if (fetching && !data) return <Loading what="deployments" />;
  if (!data) return <ErrorNotice error={error} />;
  const env = data.environment;
  const rollBack = async (deployment: string) => {
    const r = await rollback({ org, project, environment, deployment });
    if (r.error || !r.data) return setProblem(r.error ? describeError(r.error) : null);
    setProblem(null);
    setResult(r.data.rollback);
    // The rollback's deployment heads the timeline: start again from the newest page (the
    // subscription says so too, but a rollback waiting for approval deploys nothing yet).
    restart();
  };
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Deployments of {env.name}</h2>
      <p className="muted" aria-live="polite">{made.error ? "Live updates are off (reload to retry)." : "Updates live."}</p>
      <ol reversed aria-label="Timeline">
        {cursors.map((after, i) => (
          <DeploymentsChunk key={after ?? "first"} environment={environment} after={after} last={i === cursors.length - 1} reload={reload} onMore={more} onRollback={(d) => void rollBack(d)} />
        ))}
      </ol>
      <ErrorNotice problem={problem} />
      {result ? <p role="status">Rollback release <Link to={`/orgs/${org}/projects/${project}/releases/${result.id}`}>{result.state.toLowerCase()}</Link>.</p> : null}
    </section>
  );
}

// The project overview: one card per environment in order, with its roles, what it serves
// and its pending releases, kept live by the `environmentChanged` and `releaseUpdated`
// subscriptions (re-reads in place, so nothing jumps).
import { useCallback, useEffect } from "react";
import { Link } from "react-router";
import { useQuery, useSubscription } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { ErrorNotice, Loading } from "../../ui/Status";
import { UseApi } from "./UseApi";

const OverviewQuery = graphql(`
  query ProjectOverview($org: String!, $project: String!) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100) {
        nodes {
          id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback
        }
      }
      releases(states: [PENDING, APPROVED], first: 50) {
        nodes {
          id state origin
          targetEnvironment { slug }
          changes { resource { kind key } toVersion { number } }
        }
      }
    }
  }
`);

const ServesQuery = graphql(`
  query EnvironmentServes($org: String!, $project: String!, $environment: String!) {
    resolve(org: $org, project: $project, environment: $environment) {
      etag
      resources { fellBack servedFrom { slug } resource { id kind key } version { number } }
    }
  }
`);

const EnvironmentChanged = graphql(`
  subscription OverviewEnvironmentChanged($org: String!, $project: String!) {
    environmentChanged(org: $org, project: $project) { environment { id slug } }
  }
`);

const ReleaseUpdated = graphql(`
  subscription OverviewReleaseUpdated($org: String!, $project: String!) {
    releaseUpdated(org: $org, project: $project) { id state }
  }
`);

function Serves({ environment, tick }: { environment: string; tick: number }) {
  const { org, project } = useProject();
  const [{ data, error }, refetch] = useQuery({ query: ServesQuery, variables: { org, project, environment } });
  useEffect(() => {
    if (tick > 0) refetch({ requestPolicy: "network-only" });
  }, [tick, refetch]);
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading what="what it serves" />;
  if (data.resolve.resources.length === 0) return <p className="muted">Serves nothing yet.</p>;
  return (
    <ul aria-label={`${environment} serves`}>
      {data.resolve.resources.map((r) => (
        <li key={r.resource.id}>
          {r.resource.kind.toLowerCase().replace("_", " ")} <strong>{r.resource.key}</strong> → v{r.version.number}
          {r.fellBack ? <span className="badge"> fallback from {r.servedFrom.slug}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function ProjectOverview() {
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: OverviewQuery, variables: { org, project } });
  // Each subscription's value is the number of events seen; every new one re-reads in place.
  const count = (seen: number | undefined) => (seen ?? 0) + 1;
  const [changed] = useSubscription({ query: EnvironmentChanged, variables: { org, project } }, count);
  const [released] = useSubscription({ query: ReleaseUpdated, variables: { org, project } }, count);
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const tick = (changed.data ?? 0) + (released.data ?? 0);
  useEffect(() => {
    if (tick > 0) reload();
  }, [tick, reload]);
  if (fetching && !data) return <Loading what="environments" />;
  if (!data) return <ErrorNotice error={error} />;
  const pending = data.project.releases.nodes;
  const base = `/orgs/${org}/projects/${project}`;
  return (
    <>
      <ErrorNotice error={error} />
      <p className="muted" aria-live="polite">
        {changed.error || released.error ? "Live updates are off (reload to retry)." : "Updates live."}
      </p>
      <div className="cards">
        {data.project.environments.nodes.map((env) => (
          <article key={env.id} className="card" style={{ borderTopColor: env.color }} aria-labelledby={`env-${env.id}`}>
            <h2 id={`env-${env.id}`}>
              {env.name} <span className="muted code">{env.slug}</span>
            </h2>
            <p>
              {env.isDefaultPublishTarget ? <span className="badge">default publish target</span> : null}
              {env.isProduction ? <span className="badge prod">production</span> : null}
              {env.isGatewayFallback ? <span className="badge">gateway fallback</span> : null}
              {env.isSystem ? <span className="badge">system</span> : null}
            </p>
            {env.description ? <p>{env.description}</p> : null}
            <Serves environment={env.slug} tick={tick} />
            <h3>Pending releases</h3>
            {pending.some((r) => r.targetEnvironment?.slug === env.slug) ? null : <p className="muted">None.</p>}
            <ul aria-label={`Pending releases to ${env.slug}`}>
              {pending
                .filter((r) => r.targetEnvironment?.slug === env.slug)
                .map((r) => (
                  <li key={r.id}>
                    <Link to={`/orgs/${org}/projects/${project}/releases/${r.id}`}>
                      {r.origin.toLowerCase()}: {r.changes.map((c) => `${c.resource?.key ?? "?"} → v${c.toVersion?.number ?? "none"}`).join(", ")}
                    </Link>{" "}
                    <span className={`badge state-${r.state}`}>{r.state.toLowerCase()}</span>
                  </li>
                ))}
            </ul>
            <p>
              <Link to={`${base}/environments/${env.slug}/deployments`}>Deployments of {env.name}</Link>
            </p>
            <UseApi environment={env.slug} />
          </article>
        ))}
      </div>
    </>
  );
}

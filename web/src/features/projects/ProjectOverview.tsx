// The project overview: one card per environment in order, with its roles, what it serves
// and its pending releases, kept live by the `environmentChanged` and `releaseUpdated`
// subscriptions (re-reads in place, so nothing jumps). Environments and each card's pending
// releases come a page at a time with "More".
import { useEffect } from "react";
import { Link } from "react-router";
import { useQuery, useSubscription } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors } from "../../ui/More";
import { UseApi } from "./UseApi";

const OverviewQuery = graphql(`
  query ProjectOverview($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback
        }
      }
    }
  }
`);

const PendingQuery = graphql(`
  query EnvironmentPending($org: String!, $project: String!, $environment: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      releases(environment: $environment, states: [PENDING, APPROVED], first: 10, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id state origin
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

/** Re-reads (network-only) each time a live event bumps `tick`. */
function useLive(tick: number, refetch: (options: { requestPolicy: "network-only" }) => void) {
  useEffect(() => {
    if (tick > 0) refetch({ requestPolicy: "network-only" });
  }, [tick, refetch]);
}

function Serves({ environment, tick }: { environment: string; tick: number }) {
  const { org, project } = useProject();
  const [{ data, error }, refetch] = useQuery({ query: ServesQuery, variables: { org, project, environment } });
  useLive(tick, refetch);
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

function PendingChunk(props: { environment: string; after: string | null; last: boolean; tick: number; onMore: (cursor: string | null | undefined) => void }) {
  const { environment, after, last, tick, onMore } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: PendingQuery, variables: { org, project, environment, after } });
  useLive(tick, refetch);
  if (fetching && !data) return <li><Loading what="pending releases" /></li>;
  if (!data) return <li><ErrorNotice error={error} /></li>;
  const page = data.project.releases;
  return (
    <>
      {page.nodes.map((r) => (
        <li key={r.id}>
          <Link to={`/orgs/${org}/projects/${project}/releases/${r.id}`}>
            {r.origin.toLowerCase()}: {r.changes.map((c) => `${c.resource?.key ?? "?"} → v${c.toVersion?.number ?? "none"}`).join(", ")}
          </Link>{" "}
          <span className={`badge state-${r.state}`}>{r.state.toLowerCase()}</span>
        </li>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <li className="plain"><MoreButton hasNextPage what={`pending releases to ${environment}`} onMore={() => onMore(page.pageInfo.endCursor)} /></li>
      ) : null}
    </>
  );
}

function Pending({ environment, tick }: { environment: string; tick: number }) {
  const { org, project } = useProject();
  const { cursors, more } = usePageCursors();
  // The same operation as the first page's (shared, not sent twice), to say "None." beside the list.
  const [{ data }] = useQuery({ query: PendingQuery, variables: { org, project, environment, after: null } });
  return (
    <>
      {data?.project.releases.nodes.length === 0 ? <p className="muted">None.</p> : null}
      <ul aria-label={`Pending releases to ${environment}`}>
        {cursors.map((after, i) => (
          <PendingChunk key={after ?? "first"} environment={environment} after={after} last={i === cursors.length - 1} tick={tick} onMore={more} />
        ))}
      </ul>
    </>
  );
}

function EnvironmentCards(props: { after: string | null; last: boolean; tick: number; onMore: (cursor: string | null | undefined) => void }) {
  const { after, last, tick, onMore } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: OverviewQuery, variables: { org, project, after } });
  useLive(tick, refetch);
  if (fetching && !data) return <Loading what="environments" />;
  if (!data) return <ErrorNotice error={error} />;
  const page = data.project.environments;
  const base = `/orgs/${org}/projects/${project}`;
  return (
    <>
      {page.nodes.map((env) => (
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
          <Pending environment={env.slug} tick={tick} />
          <p>
            <Link to={`${base}/environments/${env.slug}/deployments`}>Deployments of {env.name}</Link>
          </p>
          <UseApi environment={env.slug} />
        </article>
      ))}
      {last ? <MoreButton hasNextPage={page.pageInfo.hasNextPage} what="environments" onMore={() => onMore(page.pageInfo.endCursor)} /> : null}
    </>
  );
}

export function ProjectOverview() {
  const { org, project } = useProject();
  // Each subscription's value is the number of events seen; every new one re-reads in place.
  const count = (seen: number | undefined) => (seen ?? 0) + 1;
  const [changed] = useSubscription({ query: EnvironmentChanged, variables: { org, project } }, count);
  const [released] = useSubscription({ query: ReleaseUpdated, variables: { org, project } }, count);
  const { cursors, more } = usePageCursors();
  const tick = (changed.data ?? 0) + (released.data ?? 0);
  return (
    <>
      <p className="muted" aria-live="polite">
        {changed.error || released.error ? "Live updates are off (reload to retry)." : "Updates live."}
      </p>
      <div className="cards">
        {cursors.map((after, i) => (
          <EnvironmentCards key={after ?? "first"} after={after} last={i === cursors.length - 1} tick={tick} onMore={more} />
        ))}
      </div>
    </>
  );
}

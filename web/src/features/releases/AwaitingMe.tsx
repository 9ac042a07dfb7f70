// "Waiting for my approval": pending releases, across every project the person may approve in,
// that someone else wrote and that the person has not approved yet. The projects are listed
// first; each project's pending releases are then read on their own (one nested query over
// every project would exceed the API's complexity budget).
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { Session } from "../../lib/session";
import { can } from "../../lib/permissions";
import { ErrorNotice, Loading } from "../../ui/Status";

const ApproverProjects = graphql(`
  query ApproverProjects {
    viewer { organizations(first: 20) { nodes { slug projects(first: 50) { nodes { id slug name viewerRole } } } } }
  }
`);

const PendingReleases = graphql(`
  query PendingReleases($org: String!, $project: String!) {
    project(org: $org, slug: $project) {
      id
      releases(states: [PENDING], first: 50) {
        nodes { id origin createdAt author { subject name } targetEnvironment { slug } approvals { user { subject } } changes { resource { key } toVersion { number } } }
      }
    }
  }
`);

function ProjectPending({ org, project, name, session }: { org: string; project: string; name: string; session: Session }) {
  const [{ data, error }] = useQuery({ query: PendingReleases, variables: { org, project }, requestPolicy: "cache-and-network" });
  if (error) return <li><ErrorNotice error={error} /></li>;
  const waiting = (data?.project.releases.nodes ?? []).filter(
    (r) => r.author?.subject !== session.subject && !r.approvals.some((a) => a.user?.subject === session.subject),
  );
  return (
    <>
      {waiting.map((release) => (
        <li key={release.id}>
          <Link to={`/orgs/${org}/projects/${project}/releases/${release.id}`}>
            {org}/{project}: {release.origin.toLowerCase()} to {release.targetEnvironment?.slug} ({release.changes.map((c) => `${c.resource?.key} → v${c.toVersion?.number ?? "none"}`).join(", ")})
          </Link>{" "}
          <span className="muted">in {name}, by {release.author?.name ?? release.author?.subject}</span>
        </li>
      ))}
    </>
  );
}

export function AwaitingMe({ session }: { session: Session }) {
  const [{ data, fetching, error }] = useQuery({ query: ApproverProjects, requestPolicy: "cache-and-network" });
  if (fetching && !data) return <Loading what="your projects" />;
  if (!data) return <ErrorNotice error={error} />;
  const projects = data.viewer.organizations.nodes.flatMap((org) =>
    org.projects.nodes.filter((p) => can(p.viewerRole, "release:approve")).map((p) => ({ org: org.slug, ...p })),
  );
  return (
    <section aria-labelledby="awaiting-title">
      <h1 id="awaiting-title">Waiting for my approval</h1>
      {projects.length === 0 ? <p>You may approve releases in no project.</p> : null}
      <ul aria-label="Releases waiting for my approval">
        {projects.map((p) => (
          <ProjectPending key={p.id} org={p.org} project={p.slug} name={p.name} session={session} />
        ))}
      </ul>
    </section>
  );
}

// "Waiting for my approval": pending releases, across every project the person may approve in,
// that someone else wrote and that the person has not approved yet.
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { Session } from "../../lib/session";
import { can } from "../../lib/permissions";
import { ErrorNotice, Loading } from "../../ui/Status";

const AwaitingQuery = graphql(`
  query AwaitingMyApproval {
    viewer {
      organizations(first: 50) {
        nodes {
          slug
          projects(first: 50) {
            nodes {
              id slug name viewerRole
              releases(states: [PENDING], first: 50) {
                nodes { id origin createdAt author { subject name } targetEnvironment { slug } approvals { user { subject } } changes { resource { key } toVersion { number } } }
              }
            }
          }
        }
      }
    }
  }
`);

export function AwaitingMe({ session }: { session: Session }) {
  const [{ data, fetching, error }] = useQuery({ query: AwaitingQuery, requestPolicy: "cache-and-network" });
  if (fetching && !data) return <Loading what="releases waiting for you" />;
  if (!data) return <ErrorNotice error={error} />;
  const rows = data.viewer.organizations.nodes.flatMap((org) =>
    org.projects.nodes
      .filter((p) => can(p.viewerRole, "release:approve"))
      .flatMap((p) =>
        p.releases.nodes
          .filter((r) => r.author?.subject !== session.subject && !r.approvals.some((a) => a.user?.subject === session.subject))
          .map((r) => ({ org: org.slug, project: p, release: r })),
      ),
  );
  return (
    <section aria-labelledby="awaiting-title">
      <h1 id="awaiting-title">Waiting for my approval</h1>
      <ErrorNotice error={error} />
      {rows.length === 0 ? <p>Nothing is waiting for you.</p> : null}
      <ul>
        {rows.map(({ org, project, release }) => (
          <li key={release.id}>
            <Link to={`/releases/${release.id}`}>
              {org}/{project.slug}: {release.origin.toLowerCase()} to {release.targetEnvironment?.slug} ({release.changes.map((c) => `${c.resource?.key} → v${c.toVersion?.number ?? "none"}`).join(", ")})
            </Link>{" "}
            <span className="muted">by {release.author?.name ?? release.author?.subject}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

// "Waiting for my approval": the pending releases, across every project of the signed-in
// person, whose quorum their approval would count toward — as the server decides it
// (`releasesAwaitingMyApproval`: a counting role, not yet approved, not their own where
// self-approval is prevented). A page at a time, with "More".
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../../gql";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors } from "../../ui/More";

const AwaitingMyApproval = graphql(`
  query AwaitingMyApproval($after: String) {
    releasesAwaitingMyApproval(first: 20, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id origin createdAt organizationSlug projectSlug
        author { subject name }
        targetEnvironment { slug }
        approvalStatus { counted required }
        changes { resource { key } toVersion { number } }
      }
    }
  }
`);

function InboxPage({ after, last, onMore }: { after: string | null; last: boolean; onMore: (cursor: string | null | undefined) => void }) {
  const [{ data, fetching, error }] = useQuery({ query: AwaitingMyApproval, variables: { after }, requestPolicy: "cache-and-network" });
  if (fetching && !data) return <li><Loading what="releases waiting for you" /></li>;
  if (!data) return <li><ErrorNotice error={error} /></li>;
  const page = data.releasesAwaitingMyApproval;
  if (after === null && page.nodes.length === 0) return <li>Nothing waits for your approval.</li>;
  return (
    <>
      {page.nodes.map((r) => (
        <li key={r.id}>
          <Link to={`/orgs/${r.organizationSlug}/projects/${r.projectSlug}/releases/${r.id}`}>
            {r.organizationSlug}/{r.projectSlug}: {r.origin.toLowerCase()} to {r.targetEnvironment?.slug} (
            {r.changes.map((c) => `${c.resource?.key} → v${c.toVersion?.number ?? "none"}`).join(", ")})
          </Link>{" "}
          <span className="muted">
            by {r.author?.name ?? r.author?.subject} · {r.approvalStatus.counted} of {r.approvalStatus.required} approvals
          </span>
        </li>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <li>
          <MoreButton hasNextPage what="releases" onMore={() => onMore(page.pageInfo.endCursor)} />
        </li>
      ) : null}
    </>
  );
}

export function AwaitingMe() {
  const { cursors, more } = usePageCursors();
  return (
    <section aria-labelledby="awaiting-title">
      <h1 id="awaiting-title">Waiting for my approval</h1>
      <ul aria-label="Releases waiting for my approval">
        {cursors.map((after, i) => (
          <InboxPage key={after ?? "first"} after={after} last={i === cursors.length - 1} onMore={more} />
        ))}
      </ul>
    </section>
  );
}

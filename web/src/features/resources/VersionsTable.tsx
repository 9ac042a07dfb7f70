// A resource's versions, newest first, a page at a time with "More".
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { ResourceKind } from "../../gql/graphql";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePageCursors } from "../../ui/More";

const VersionsPage = graphql(`
  query VersionsPage($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      resource(kind: $kind, key: $key) {
        id
        versions(first: 20, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { id number contentHash message createdAt author { subject name } }
        }
      }
    }
  }
`);

interface Scope { org: string; project: string; kind: ResourceKind; resourceKey: string; revision: number }

function Page({ scope, after, last, onMore }: { scope: Scope; after: string | null; last: boolean; onMore: (cursor: string | null | undefined) => void }) {
  const { org, project, kind, resourceKey } = scope;
  const [{ data, fetching, error }] = useQuery({ query: VersionsPage, variables: { org, project, kind, key: resourceKey, after }, requestPolicy: "cache-and-network" });
  if (fetching && !data) return <tbody><tr><td colSpan={5}><Loading what="versions" /></td></tr></tbody>;
  if (!data) return <tbody><tr><td colSpan={5}><ErrorNotice error={error} /></td></tr></tbody>;
  const page = data.project.resource.versions;
  return (
    <tbody>
      {page.nodes.map((v) => (
        <tr key={v.id}>
          <td>v{v.number}</td>
          <td>{v.message}</td>
          <td>{v.author?.name ?? v.author?.subject ?? "unknown"}</td>
          <td>{new Date(v.createdAt).toLocaleString()}</td>
          <td className="code muted">{v.contentHash.slice(0, 12)}</td>
        </tr>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <tr><td colSpan={5}><MoreButton hasNextPage what="versions" onMore={() => onMore(page.pageInfo.endCursor)} /></td></tr>
      ) : null}
    </tbody>
  );
}

/** `revision` (the newest version's number) starts the list again when a version is added. */
export function VersionsTable(scope: Scope) {
  const { cursors, more } = usePageCursors(String(scope.revision));
  return (
    <table>
      <thead><tr><th scope="col">Version</th><th scope="col">Message</th><th scope="col">Author</th><th scope="col">Created</th><th scope="col">Hash</th></tr></thead>
      {cursors.map((after, i) => (
        <Page key={`${scope.revision}-${after ?? "first"}`} scope={scope} after={after} last={i === cursors.length - 1} onMore={more} />
      ))}
    </table>
  );
}

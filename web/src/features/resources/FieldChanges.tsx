// What changed between two versions of a resource, field by field, as the server compares
// them (`Resource.diff`): any two version numbers, loaded or not.
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { ResourceKind } from "../../gql/graphql";
import { ErrorNotice, Loading } from "../../ui/Status";

const VersionDiff = graphql(`
  query VersionDiff($org: String!, $project: String!, $kind: ResourceKind!, $key: String!, $from: Int!, $to: Int!) {
    project(org: $org, slug: $project) {
      id
      resource(kind: $kind, key: $key) { id diff(from: $from, to: $to) { path kind before after } }
    }
  }
`);

const SAID = { ADDED: "added", REMOVED: "removed", CHANGED: "changed" } as const;

function shown(value: unknown): string {
  return value === null || value === undefined ? "—" : JSON.stringify(value);
}

export function FieldChanges(props: { org: string; project: string; kind: ResourceKind; resourceKey: string; from: number; to: number }) {
  const { org, project, kind, resourceKey, from, to } = props;
  const [{ data, fetching, error }] = useQuery({ query: VersionDiff, variables: { org, project, kind, key: resourceKey, from, to } });
  if (fetching && !data) return <Loading what="the changes" />;
  if (!data) return <ErrorNotice error={error} />;
  const changes = data.project.resource.diff;
  return (
    <table aria-label={`Changed fields from v${from} to v${to}`}>
      <caption>{changes.length === 0 ? "No field changed." : `${changes.length} field${changes.length === 1 ? "" : "s"} changed from v${from} to v${to}.`}</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Change</th><th scope="col">v{from}</th><th scope="col">v{to}</th></tr></thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path} data-kind={c.kind}>
            <td className="code">{c.path || "(whole document)"}</td>
            <td>{SAID[c.kind]}</td>
            <td className="code removed">{shown(c.before)}</td>
            <td className="code added">{shown(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

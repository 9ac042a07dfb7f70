// A project's resources — prompts, routing rules, providers — with their latest version (a page
// at a time with "More"), and a form to create one.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import type { ResourceKind } from "../../gql/graphql";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePagedList, useRereadOn } from "../../ui/More";

const ResourcesQuery = graphql(`
  query Resources($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      resources(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id kind key createdAt latestVersion { number message createdAt } }
      }
    }
  }
`);
const CreatePromptResource = graphql(`
  mutation CreatePromptResource($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { id } }
`);
const CreateRoutingRule = graphql(`
  mutation CreateRoutingRule($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { id } }
`);
const CreateProvider = graphql(`
  mutation CreateProvider($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { id } }
`);

/** The path segment of a kind (`routing-rule`) and back. */
export const KIND_PATH: Record<ResourceKind, string> = { PROMPT: "prompt", ROUTING_RULE: "routing-rule", PROVIDER: "provider" };
/** A kind as people read it. */
export const KIND_LABEL: Record<ResourceKind, string> = { PROMPT: "Prompt", ROUTING_RULE: "Routing rule", PROVIDER: "Provider" };

function ResourcesChunk(props: { after: string | null; last: boolean; reload: number; onMore: (cursor: string | null | undefined) => void }) {
  const { after, last, reload, onMore } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ResourcesQuery, variables: { org, project, after } });
  useRereadOn(reload, refetch);
  if (fetching && !data) return <tbody><tr><td colSpan={3}><Loading what="resources" /></td></tr></tbody>;
  if (!data) return <tbody><tr><td colSpan={3}><ErrorNotice error={error} /></td></tr></tbody>;
  const page = data.project.resources;
  const base = `/orgs/${org}/projects/${project}/resources`;
  return (
    <tbody>
      {after === null && page.nodes.length === 0 ? <tr><td colSpan={3}>No resources yet.</td></tr> : null}
      {page.nodes.map((r) => (
        <tr key={r.id}>
          <td>{KIND_LABEL[r.kind]}</td>
          <td><Link to={`${base}/${KIND_PATH[r.kind]}/${r.key}`}>{r.key}</Link></td>
          <td>{r.latestVersion ? `v${r.latestVersion.number} ${r.latestVersion.message ? `— ${r.latestVersion.message}` : ""}` : "none yet"}</td>
        </tr>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <tr><td colSpan={3}><MoreButton hasNextPage what="resources" onMore={() => onMore(page.pageInfo.endCursor)} /></td></tr>
      ) : null}
    </tbody>
  );
}

export function ResourcesPage() {
  const { org, project, role } = useProject();
  const { cursors, more, reload, restart } = usePagedList();
  const [, createPrompt] = useMutation(CreatePromptResource);
  const [, createRule] = useMutation(CreateRoutingRule);
  const [, createProvider] = useMutation(CreateProvider);
  const [kind, setKind] = useState<ResourceKind>("PROMPT");
  const [key, setKey] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const run = kind === "PROMPT" ? createPrompt : kind === "ROUTING_RULE" ? createRule : createProvider;
    const result = await run({ org, project, key });
    if (result.error) return setProblem(describeError(result.error));
    setProblem(null);
    setKey("");
    restart();
  };
  return (
    <section aria-labelledby="resources-title">
      <h2 id="resources-title">Resources</h2>
      <table>
        <thead><tr><th scope="col">Kind</th><th scope="col">Key</th><th scope="col">Latest version</th></tr></thead>
        {cursors.map((after, i) => (
          <ResourcesChunk key={after ?? "first"} after={after} last={i === cursors.length - 1} reload={reload} onMore={more} />
        ))}
      </table>
      {can(role, "resource:write") ? (
        <form className="inline" onSubmit={submit} aria-label="New resource">
          <div className="field">
            <label htmlFor="new-kind">Kind</label>
            <select id="new-kind" value={kind} onChange={(e) => setKind(e.target.value as ResourceKind)}>
              {(Object.keys(KIND_LABEL) as ResourceKind[]).map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
            </select>
          </div>
          <Field label="Key" value={key} onChange={(e) => setKey(e.target.value)} error={fieldMessage(problem, "key")} required />
          <button type="submit" className="primary">Create resource</button>
        </form>
      ) : null}
      {problem && !fieldMessage(problem, "key") ? <ErrorNotice problem={problem} /> : null}
    </section>
  );
}

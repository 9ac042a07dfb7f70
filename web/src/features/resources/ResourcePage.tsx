// One resource: its versions (content, message, author, time), a side-by-side diff of any two,
// a new version in a JSON editor (VALIDATION errors shown at the field) published to the
// environments picked, and for a provider a write-only credential.
import { useState, type FormEvent } from "react";
import { useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import { pretty } from "../../lib/diff";
import type { PublishTargetsQuery, ResourceKind } from "../../gql/graphql";
import { useEveryPage } from "../../lib/everyPage";
import { ErrorNotice, Loading } from "../../ui/Status";
import { DiffView } from "./DiffView";
import { FieldChanges } from "./FieldChanges";
import { VersionsTable } from "./VersionsTable";
import { KIND_LABEL, KIND_PATH } from "./ResourcesPage";
import { CredentialForm } from "./CredentialForm";

const ResourceQuery = graphql(`
  query ResourceVersions($org: String!, $project: String!, $kind: ResourceKind!, $key: String!) {
    project(org: $org, slug: $project) {
      id
      resource(kind: $kind, key: $key) {
        id kind key
        versions(first: 50) { nodes { id number content contentHash message createdAt author { subject name } } }
      }
    }
  }
`);
const TargetsQuery = graphql(`
  query PublishTargets($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id slug name } }
    }
  }
`);
// Every environment: a new version may be published to any of them.
const targetsOf = (data: PublishTargetsQuery) => data.project.environments;
const NewPromptVersion = graphql(`
  mutation NewPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {
    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }
  }
`);
const NewRoutingRuleRelease = graphql(`
  mutation NewRoutingRuleRelease($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {
    createRoutingRuleRelease(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }
  }
`);
const NewProviderActivation = graphql(`
  mutation NewProviderActivation($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {
    createProviderActivation(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) { created version { number } }
  }
`);

function kindOf(path: string): ResourceKind | null {
  const found = (Object.entries(KIND_PATH) as [ResourceKind, string][]).find(([, p]) => p === path);
  return found ? found[0] : null;
}

export function ResourcePage() {
  const { org, project, role } = useProject();
  const { kind: kindPath = "", key = "" } = useParams();
  const kind = kindOf(kindPath);
  const [{ data, fetching, error }, refetch] = useQuery({ query: ResourceQuery, variables: { org, project, kind: kind ?? "PROMPT", key }, pause: !kind });
  const publishTargets = useEveryPage(TargetsQuery, { org, project }, targetsOf);
  const [, newPrompt] = useMutation(NewPromptVersion);
  const [, newRule] = useMutation(NewRoutingRuleRelease);
  const [, newActivation] = useMutation(NewProviderActivation);
  const [left, setLeft] = useState<number | null>(null);
  const [right, setRight] = useState<number | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const [targets, setTargets] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  if (!kind) return <p>There is no resource kind “{kindPath}”.</p>;
  if (fetching && !data) return <Loading what="versions" />;
  if (!data) return <ErrorNotice error={error} />;
  const resource = data.project.resource;
  const versions = resource.versions.nodes;
  const newest = versions.reduce<(typeof versions)[number] | null>((best, v) => (!best || v.number > best.number ? v : best), null);
  // Version numbers run 1…newest; the side-by-side view needs both contents loaded (the newest
  // 50), the field changes come from the server for any two.
  const numbers = Array.from({ length: newest?.number ?? 0 }, (_, i) => (newest?.number ?? 0) - i);
  const leftNumber = left ?? (newest && newest.number > 1 ? newest.number - 1 : null);
  const rightNumber = right ?? newest?.number ?? null;
  const leftVersion = versions.find((v) => v.number === leftNumber);
  const rightVersion = versions.find((v) => v.number === rightNumber);
  const editor = draft ?? (newest ? pretty(newest.content) : "{}");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let content: unknown;
    try {
      content = JSON.parse(editor);
    } catch (e) {
      return setProblem({ message: `content: not JSON (${(e as Error).message})`, code: "VALIDATION", field: "content", rule: null });
    }
    const variables = { org, project, key, content, message, publishTo: targets };
    const result = kind === "PROMPT" ? await newPrompt(variables) : kind === "ROUTING_RULE" ? await newRule(variables) : await newActivation(variables);
    if (result.error || !result.data) return setProblem(result.error ? describeError(result.error) : null);
    setProblem(null);
    const made = "createPromptVersion" in result.data ? result.data.createPromptVersion : "createRoutingRuleRelease" in result.data ? result.data.createRoutingRuleRelease : result.data.createProviderActivation;
    setCreated(made.created ? `Version ${made.version.number} created.` : `Identical to version ${made.version.number}; nothing new was created.`);
    setDraft(null);
    setMessage("");
    refetch({ requestPolicy: "network-only" });
  };
  const contentError = fieldMessage(problem, "content");
  return (
    <article aria-labelledby="resource-title">
      <h2 id="resource-title">
        {KIND_LABEL[kind]} <span className="code">{resource.key}</span>
      </h2>
      <section aria-labelledby="versions-title">
        <h3 id="versions-title">Versions</h3>
        {versions.length === 0 ? <p>No versions yet.</p> : null}
        <VersionsTable org={org} project={project} kind={kind} resourceKey={key} revision={newest?.number ?? 0} />
      </section>
      {versions.length > 0 ? (
        <section aria-labelledby="compare-title">
          <h3 id="compare-title">Compare</h3>
          <div className="inline">
            {([["Left", leftNumber, setLeft], ["Right", rightNumber, setRight]] as const).map(([label, chosen, set]) => (
              <div className="field" key={label}>
                <label htmlFor={`compare-${label}`}>{label}</label>
                <select id={`compare-${label}`} value={chosen ?? ""} onChange={(e) => set(Number(e.target.value))}>
                  <option value="" disabled>pick a version</option>
                  {numbers.map((n) => <option key={n} value={n}>v{n}</option>)}
                </select>
              </div>
            ))}
          </div>
          {leftNumber !== null && rightNumber !== null ? (
            <FieldChanges org={org} project={project} kind={kind} resourceKey={key} from={leftNumber} to={rightNumber} />
          ) : <p className="muted">Pick two versions to compare.</p>}
          {leftVersion && rightVersion ? (
            <DiffView leftLabel={`v${leftVersion.number}`} rightLabel={`v${rightVersion.number}`} left={leftVersion.content} right={rightVersion.content} />
          ) : null}
        </section>
      ) : null}
      {can(role, "resource:write") ? (
        <form onSubmit={submit} aria-labelledby="new-version-title">
          <h3 id="new-version-title">New version</h3>
          <div className="field">
            <label htmlFor="version-content">Content (JSON)</label>
            <textarea id="version-content" rows={14} cols={80} spellCheck={false} value={editor} onChange={(e) => setDraft(e.target.value)} aria-invalid={contentError ? true : undefined} aria-describedby="version-content-error" />
            <small id="version-content-error" className="field-error">{contentError ?? ""}</small>
          </div>
          <div className="field">
            <label htmlFor="version-message">Message</label>
            <input id="version-message" value={message} onChange={(e) => setMessage(e.target.value)} />
          </div>
          <fieldset>
            <legend>Publish to (none: create only)</legend>
            {publishTargets.error ? <ErrorNotice error={publishTargets.error} /> : null}
            {(publishTargets.nodes ?? []).map((env) => (
              <label key={env.id}>
                <input type="checkbox" checked={targets.includes(env.slug)} onChange={(e) => setTargets(e.target.checked ? [...targets, env.slug] : targets.filter((t) => t !== env.slug))} /> {env.name}{" "}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="primary">Create version</button>
          {problem && !contentError ? <ErrorNotice problem={problem} /> : null}
          {created ? <p role="status">{created}</p> : null}
        </form>
      ) : null}
      {kind === "PROVIDER" && can(role, "provider:manage_credentials") ? <CredentialForm provider={resource.key} /> : null}
    </article>
  );
}

// Deploy: a new prompt version to several environments at once, showing before submitting
// which targets deploy now, which wait for approval and which the policy refuses.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";
import { DeployExisting } from "./DeployExisting";
import { forecast } from "./forecast";
import { useEveryPage } from "../../lib/everyPage";
import type { DeployResourcesQuery, DeployTargetsQuery } from "../../gql/graphql";

const TargetsQuery = graphql(`
  query DeployTargets($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id slug name isDefaultPublishTarget policy { allowDirect requiredApprovals freezeWindows { start end } } }
      }
    }
  }
`);
const ResourcesQuery = graphql(`
  query DeployResources($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      resources(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id kind key latestVersion { number } }
      }
    }
  }
`);
const CreatePrompt = graphql(`
  mutation CreatePrompt($org: String!, $project: String!, $key: String!) {
    createPrompt(org: $org, project: $project, key: $key) { id key }
  }
`);
const PublishPrompt = graphql(`
  mutation PublishPromptVersion($org: String!, $project: String!, $key: String!, $content: JSON!, $message: String!, $publishTo: [String!]) {
    createPromptVersion(org: $org, project: $project, key: $key, content: $content, message: $message, publishTo: $publishTo) {
      created version { number } releases { id state targetEnvironment { slug } }
    }
  }
`);

const EXAMPLE = JSON.stringify(
  { model: "gpt-4o-mini", messages: [{ role: "system", content: "Greet {{name}} warmly." }], parameters: { temperature: 0.3 }, variables: ["name"] },
  null,
  2,
);

// Every target and every resource: the checkboxes and pickers offer all of them.
const targetsOf = (data: DeployTargetsQuery) => data.project.environments;
const resourcesOf = (data: DeployResourcesQuery) => data.project.resources;

export function DeployPage() {
  const { org, project, role } = useProject();
  const targetList = useEveryPage(TargetsQuery, { org, project }, targetsOf);
  const resourceList = useEveryPage(ResourcesQuery, { org, project }, resourcesOf);
  const [, createPrompt] = useMutation(CreatePrompt);
  const [state, publish] = useMutation(PublishPrompt);
  const [key, setKey] = useState("");
  const [content, setContent] = useState(EXAMPLE);
  const [message, setMessage] = useState("");
  const [targets, setTargets] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [outcome, setOutcome] = useState<{ number: number; releases: { id: string; state: string; target: string }[] } | null>(null);
  const envs = targetList.nodes;
  const resources = resourceList.nodes;
  if (!envs || !resources) {
    const error = targetList.error ?? resourceList.error;
    return error ? <ErrorNotice error={error} /> : <Loading what="environments" />;
  }
  if (!can(role, "resource:write")) return <p>Your role cannot create versions or deploy them.</p>;
  const prompts = resources.filter((r) => r.kind === "PROMPT");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (e) {
      return setProblem({ message: `content: not JSON (${(e as Error).message})`, code: "VALIDATION", field: "content", rule: null });
    }
    if (!prompts.some((p) => p.key === key)) {
      const created = await createPrompt({ org, project, key });
      if (created.error) return setProblem(describeError(created.error));
    }
    const result = await publish({ org, project, key, content: parsed, message, publishTo: targets });
    if (result.error || !result.data) return setProblem(result.error ? describeError(result.error) : null);
    setProblem(null);
    const v = result.data.createPromptVersion;
    setOutcome({ number: v.version.number, releases: v.releases.map((r) => ({ id: r.id, state: r.state, target: r.targetEnvironment?.slug ?? "?" })) });
    resourceList.reread();
  };
  const now = new Date();
  return (
    <>
    <form onSubmit={submit} aria-labelledby="deploy-title">
      <h2 id="deploy-title">Publish a prompt version</h2>
      <Field label="Prompt key" list="prompt-keys" value={key} onChange={(e) => setKey(e.target.value)} error={fieldMessage(problem, "key")} hint="An existing prompt, or a new key to create it" required />
      <datalist id="prompt-keys">
        {prompts.map((p) => (
          <option key={p.id} value={p.key} />
        ))}
      </datalist>
      <div className="field">
        <label htmlFor="content">Content (JSON)</label>
        <textarea id="content" rows={10} cols={80} value={content} onChange={(e) => setContent(e.target.value)} aria-invalid={fieldMessage(problem, "content") ? true : undefined} aria-describedby="content-error" spellCheck={false} />
        <small id="content-error" className="field-error">
          {fieldMessage(problem, "content") ?? ""}
        </small>
      </div>
      <Field label="Message" value={message} onChange={(e) => setMessage(e.target.value)} error={fieldMessage(problem, "message")} />
      <fieldset>
        <legend>Publish to</legend>
        {envs.map((env) => (
          <div key={env.id}>
            <label>
              <input type="checkbox" checked={targets.includes(env.slug)} onChange={(e) => setTargets(e.target.checked ? [...targets, env.slug] : targets.filter((t) => t !== env.slug))} /> {env.name}
            </label>{" "}
            <span className="muted" data-testid={`forecast-${env.slug}`}>
              {targets.includes(env.slug) ? forecast(env.policy, now) : ""}
            </span>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={state.fetching || targets.length === 0}>
        Publish to {targets.length} environment{targets.length === 1 ? "" : "s"}
      </button>
      {problem && !fieldMessage(problem, "content") && !fieldMessage(problem, "key") && !fieldMessage(problem, "message") ? <ErrorNotice problem={problem} /> : null}
      {outcome ? (
        <div role="status">
          <p>Version {outcome.number} published.</p>
          <ul>
            {outcome.releases.map((r) => (
              <li key={r.id}>
                {r.target}: <Link to={`/orgs/${org}/projects/${project}/releases/${r.id}`}>{r.state.toLowerCase()}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
    <DeployExisting resources={resources} environments={envs} />
    </>
  );
}

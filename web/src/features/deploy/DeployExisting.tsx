// Deploy an existing version of any resource to several environments at once: one `deploy`
// per target (each under its own policy), with the forecast shown before and each target's
// outcome after.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { describeError } from "../../lib/errors";
import type { ResourceKind } from "../../gql/graphql";
import { forecast } from "./forecast";

const Deploy = graphql(`
  mutation DeployVersion($org: String!, $project: String!, $environment: String!, $changes: [DeployChangeInput!]!, $message: String!) {
    deploy(org: $org, project: $project, environment: $environment, changes: $changes, message: $message) { id state }
  }
`);

interface Target {
  slug: string;
  name: string;
  policy: Parameters<typeof forecast>[0];
}

interface Outcome {
  target: string;
  release?: { id: string; state: string };
  error?: string;
}

export function DeployExisting({ resources, environments }: { resources: { id: string; kind: ResourceKind; key: string; latestVersion?: { number: number } | null }[]; environments: Target[] }) {
  const { org, project } = useProject();
  const [, deploy] = useMutation(Deploy);
  const [resourceId, setResourceId] = useState("");
  const [version, setVersion] = useState("");
  const [message, setMessage] = useState("");
  const [targets, setTargets] = useState<string[]>([]);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [busy, setBusy] = useState(false);
  const resource = resources.find((r) => r.id === resourceId);
  const now = new Date();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!resource) return;
    setBusy(true);
    const results: Outcome[] = [];
    for (const target of targets) {
      const changes = [{ kind: resource.kind, key: resource.key, version: Number(version) }];
      const result = await deploy({ org, project, environment: target, changes, message });
      results.push(result.error || !result.data ? { target, error: result.error ? describeError(result.error).message : "failed" } : { target, release: result.data.deploy });
    }
    setOutcomes(results);
    setBusy(false);
  };
  return (
    <form onSubmit={submit} aria-labelledby="deploy-existing-title">
      <h2 id="deploy-existing-title">Deploy an existing version</h2>
      <div className="inline">
        <div className="field">
          <label htmlFor="deploy-resource">Resource</label>
          <select id="deploy-resource" value={resourceId} onChange={(e) => { setResourceId(e.target.value); setVersion(String(resources.find((r) => r.id === e.target.value)?.latestVersion?.number ?? "")); }}>
            <option value="">pick a resource</option>
            {resources.filter((r) => r.latestVersion).map((r) => <option key={r.id} value={r.id}>{r.kind.toLowerCase()} {r.key}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="deploy-version">Version</label>
          <input id="deploy-version" type="number" min={1} max={resource?.latestVersion?.number} value={version} onChange={(e) => setVersion(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="deploy-message">Message</label>
          <input id="deploy-message" value={message} onChange={(e) => setMessage(e.target.value)} />
        </div>
      </div>
      <fieldset>
        <legend>Deploy to</legend>
        {environments.map((env) => (
          <div key={env.slug}>
            <label>
              <input type="checkbox" checked={targets.includes(env.slug)} onChange={(e) => setTargets(e.target.checked ? [...targets, env.slug] : targets.filter((t) => t !== env.slug))} /> {env.name}
            </label>{" "}
            <span className="muted">{targets.includes(env.slug) ? forecast(env.policy, now) : ""}</span>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={busy || !resource || targets.length === 0 || version === ""}>
        Deploy to {targets.length} environment{targets.length === 1 ? "" : "s"}
      </button>
      {outcomes.length > 0 ? (
        <div role="status">
        <ul aria-label="Deploy outcomes">
          {outcomes.map((o) => (
            <li key={o.target}>
              {o.target}: {o.release ? <Link to={`/orgs/${org}/projects/${project}/releases/${o.release.id}`}>{o.release.state.toLowerCase()}</Link> : <span className="field-error">{o.error}</span>}
            </li>
          ))}
        </ul>
        </div>
      ) : null}
    </form>
  );
}

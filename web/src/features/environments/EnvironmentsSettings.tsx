// Settings → Environments: add one; edit name, color and description; reorder; move the roles;
// delete (refused with the reason for system environments and role holders); each one's policy.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";
import { EnvironmentOrder } from "./EnvironmentOrder";
import { PolicyEditor } from "./PolicyEditor";
import type { EnvironmentSettingsQuery, PromotionPolicyInput } from "../../gql/graphql";
import { useEveryPage } from "../../lib/everyPage";

const SettingsQuery = graphql(`
  query EnvironmentSettings($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id slug name description color position isSystem isProduction isDefaultPublishTarget isGatewayFallback
          policy {
            revision allowedSources allowDirect requiredApprovals explicitApproverRoles preventSelfApproval
            minSoakSeconds autoApply expiresAfterSeconds freezeWindows { start end reason }
          }
        }
      }
    }
  }
`);

const CreateEnvironment = graphql(`
  mutation CreateEnvironment($org: String!, $project: String!, $input: CreateEnvironmentInput!) {
    createEnvironment(org: $org, project: $project, input: $input) { id slug }
  }
`);
const UpdateEnvironment = graphql(`
  mutation UpdateEnvironment($org: String!, $project: String!, $slug: String!, $input: UpdateEnvironmentInput!) {
    updateEnvironment(org: $org, project: $project, slug: $slug, input: $input) { id name color description }
  }
`);
const ReorderEnvironments = graphql(`
  mutation ReorderEnvironments($org: String!, $project: String!, $order: [String!]!) {
    reorderEnvironments(org: $org, project: $project, order: $order) { id position }
  }
`);
const SetRoles = graphql(`
  mutation SetEnvironmentRoles($org: String!, $project: String!, $input: SetEnvironmentRolesInput!) {
    setEnvironmentRoles(org: $org, project: $project, input: $input) { id isProduction isDefaultPublishTarget isGatewayFallback }
  }
`);
const DeleteEnvironment = graphql(`
  mutation DeleteEnvironment($org: String!, $project: String!, $slug: String!) {
    deleteEnvironment(org: $org, project: $project, slug: $slug) { id }
  }
`);
const SetPolicy = graphql(`
  mutation SetPromotionPolicy($org: String!, $project: String!, $environment: String!, $input: PromotionPolicyInput!) {
    setPromotionPolicy(org: $org, project: $project, environment: $environment, input: $input) { id policy { revision } }
  }
`);

const environmentsOf = (data: EnvironmentSettingsQuery) => data.project.environments;

/** Why an environment cannot be deleted, or `null` when it can. */
export function deleteBlocker(env: { isSystem: boolean; isDefaultPublishTarget: boolean; isGatewayFallback: boolean }): string | null {
  if (env.isSystem) return "System environments cannot be deleted.";
  if (env.isDefaultPublishTarget) return "Move the default publish target elsewhere first.";
  if (env.isGatewayFallback) return "Move the gateway fallback elsewhere first.";
  return null;
}

const ROLE_FORBIDDEN =
  "Moving the default publish target or the gateway fallback needs project:manage_default_environment, which only owners hold.";

export function EnvironmentsSettings() {
  const { org, project, role } = useProject();
  // Reordering saves the whole order and the role radios choose among all: every page, always.
  const { nodes: envs, error, reread: reload } = useEveryPage(SettingsQuery, { org, project }, environmentsOf);
  const [problem, setProblem] = useState<{ where: string; problem: Problem } | null>(null);
  const [, create] = useMutation(CreateEnvironment);
  const [, update] = useMutation(UpdateEnvironment);
  const [, reorder] = useMutation(ReorderEnvironments);
  const [, setRoles] = useMutation(SetRoles);
  const [, remove] = useMutation(DeleteEnvironment);
  const [, setPolicy] = useMutation(SetPolicy);
  const [draft, setDraft] = useState({ slug: "", name: "", color: "#6b7280", description: "" });
  const manage = can(role, "project:manage_environments");
  const policies = can(role, "project:manage_policies");
  const run = async (where: string, result: Promise<{ error?: import("urql").CombinedError }>) => {
    const { error } = await result;
    if (error) {
      setProblem({ where, problem: describeError(error) });
      return false;
    }
    setProblem(null);
    reload();
    return true;
  };
  const at = (where: string) => (problem?.where === where ? problem.problem : null);

  if (!envs) return error ? <ErrorNotice error={error} /> : <Loading what="environments" />;

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run("create", create({ org, project, input: { slug: draft.slug, name: draft.name, color: draft.color, description: draft.description } }));
    if (ok) setDraft({ slug: "", name: "", color: "#6b7280", description: "" });
  };

  return (
    <>
      <h2>Environments</h2>
      <ErrorNotice error={error ?? undefined} />
      {!manage ? <p className="muted">Your role can view environments but not change them.</p> : null}
      {manage ? (
        <section aria-labelledby="add-env">
          <h3 id="add-env">Add an environment</h3>
          <form className="inline" onSubmit={add}>
            <Field label="Slug" value={draft.slug} onChange={(e) => setDraft({ ...draft, slug: e.target.value })} error={fieldMessage(at("create"), "slug") ?? fieldMessage(at("create"), "input.slug")} required />
            <Field label="Name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} error={fieldMessage(at("create"), "name") ?? fieldMessage(at("create"), "input.name")} required />
            <Field label="Color" type="color" value={draft.color} onChange={(e) => setDraft({ ...draft, color: e.target.value })} />
            <Field label="Description" value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
            <button type="submit" className="primary">
              Add environment
            </button>
          </form>
          {at("create") && at("create")?.code !== "VALIDATION" ? <ErrorNotice problem={at("create")} /> : null}
        </section>
      ) : null}

      <EnvironmentOrder key={envs.map((e) => e.slug).join()} items={envs} disabled={!manage} onSave={(order) => void run("order", reorder({ org, project, order }))} />
      <ErrorNotice problem={at("order")} />

      <section aria-labelledby="roles-title">
        <h3 id="roles-title">Roles</h3>
        <ErrorNotice problem={at("roles")} />
        {at("roles")?.code === "FORBIDDEN" ? <p className="muted">{ROLE_FORBIDDEN}</p> : null}
        <table>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Default publish target</th>
              <th scope="col">Gateway fallback</th>
              <th scope="col">Production</th>
            </tr>
          </thead>
          <tbody>
            {envs.map((env) => (
              <tr key={env.id}>
                <th scope="row">{env.name}</th>
                <td>
                  <input type="radio" name="default-publish" aria-label={`${env.name} is the default publish target`} checked={env.isDefaultPublishTarget} disabled={!manage} onChange={() => void run("roles", setRoles({ org, project, input: { defaultPublishTarget: env.slug } }))} />
                </td>
                <td>
                  <input type="radio" name="gateway-fallback" aria-label={`${env.name} is the gateway fallback`} checked={env.isGatewayFallback} disabled={!manage} onChange={() => void run("roles", setRoles({ org, project, input: { gatewayFallback: env.slug } }))} />
                </td>
                <td>
                  <input type="checkbox" aria-label={`${env.name} is production`} checked={env.isProduction} disabled={!manage} onChange={(e) => void run("roles", setRoles({ org, project, input: { production: [{ environment: env.slug, isProduction: e.target.checked }] } }))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {envs.map((env) => (
        <section key={env.id} aria-labelledby={`edit-${env.id}`} className="card" style={{ borderTopColor: env.color }}>
          <h3 id={`edit-${env.id}`}>
            {env.name} <span className="muted code">{env.slug}</span>
          </h3>
          <EditEnvironment env={env} disabled={!manage} problem={at(`edit-${env.slug}`)} onSave={(input) => void run(`edit-${env.slug}`, update({ org, project, slug: env.slug, input }))} />
          <PolicyEditor
            key={env.policy.revision}
            environment={env.slug}
            sources={envs.filter((e) => e.slug !== env.slug).map((e) => e.slug)}
            initial={{ ...env.policy, freezeWindows: env.policy.freezeWindows.map((w) => ({ ...w })) }}
            disabled={!policies}
            problem={at(`policy-${env.slug}`)}
            onSave={(input: PromotionPolicyInput) => void run(`policy-${env.slug}`, setPolicy({ org, project, environment: env.slug, input }))}
          />
          {manage ? (
            <p>
              <button type="button" className="danger" disabled={deleteBlocker(env) !== null} aria-describedby={`delete-why-${env.id}`} onClick={() => {
                if (window.confirm(`Delete ${env.name}? Its pointers go with it.`)) void run(`delete-${env.slug}`, remove({ org, project, slug: env.slug }));
              }}>
                Delete {env.name}
              </button>{" "}
              <small id={`delete-why-${env.id}`} className="muted">
                {deleteBlocker(env) ?? ""}
              </small>
            </p>
          ) : null}
          <ErrorNotice problem={at(`delete-${env.slug}`)} />
        </section>
      ))}
    </>
  );
}

function EditEnvironment({ env, disabled, problem, onSave }: {
  env: { name: string; color: string; description: string; slug: string };
  disabled: boolean;
  problem: Problem | null;
  onSave: (input: { name: string; color: string; description: string }) => void;
}) {
  const [name, setName] = useState(env.name);
  const [color, setColor] = useState(env.color);
  const [description, setDescription] = useState(env.description);
  return (
    <form className="inline" aria-label={`Edit ${env.slug}`} onSubmit={(e) => { e.preventDefault(); onSave({ name, color, description }); }}>
      <fieldset disabled={disabled} className="inline">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fieldMessage(problem, "name") ?? fieldMessage(problem, "input.name")} />
        <Field label="Color" type="color" value={color} onChange={(e) => setColor(e.target.value)} error={fieldMessage(problem, "color") ?? fieldMessage(problem, "input.color")} />
        <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={fieldMessage(problem, "description") ?? fieldMessage(problem, "input.description")} />
        <button type="submit">Save {env.slug}</button>
      </fieldset>
      {problem && problem.code !== "VALIDATION" ? <ErrorNotice problem={problem} /> : null}
    </form>
  );
}

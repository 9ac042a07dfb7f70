// Members (add, change role, remove) and gateway API keys (create — secret shown once, with a
// copy button — scoped to environments, revoke).
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import type { Role } from "../../gql/graphql";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { SourceNote } from "./SourceNote";

const MembersQuery = graphql(`
  query Members($org: String!, $project: String!) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100) { nodes { id slug } }
      members(first: 100) { nodes { role source since user { id subject name } } }
    }
  }
`);
const KeysQuery = graphql(`
  query ApiKeys($org: String!, $project: String!) {
    project(org: $org, slug: $project) { id apiKeys(first: 100) { nodes { id name prefix environments createdAt revokedAt expiresAt lastUsedAt } } }
  }
`);
const AddMember = graphql(`
  mutation AddMember($org: String!, $project: String!, $subject: String!, $role: Role!) {
    addMember(org: $org, project: $project, subject: $subject, role: $role) { role }
  }
`);
const RemoveMember = graphql(`
  mutation RemoveMember($org: String!, $project: String!, $subject: String!) {
    removeMember(org: $org, project: $project, subject: $subject)
  }
`);
const CreateKey = graphql(`
  mutation CreateApiKey($org: String!, $project: String!, $name: String!, $environments: [String!]!, $expiresAt: DateTime) {
    createApiKey(org: $org, project: $project, name: $name, environments: $environments, expiresAt: $expiresAt) { secret apiKey { id } }
  }
`);
const RevokeKey = graphql(`
  mutation RevokeApiKey($org: String!, $project: String!, $id: ID!) {
    revokeApiKey(org: $org, project: $project, id: $id) { id revokedAt }
  }
`);

const ROLES: Role[] = ["OWNER", "ADMIN", "DEVELOPER", "APPROVER", "VIEWER"];

export function MembersPage() {
  const { org, project, role } = useProject();
  const manage = can(role, "project:manage_members");
  const [{ data, error }, refetch] = useQuery({ query: MembersQuery, variables: { org, project } });
  const [, add] = useMutation(AddMember);
  const [, remove] = useMutation(RemoveMember);
  const [subject, setSubject] = useState("");
  const [newRole, setNewRole] = useState<Role>("DEVELOPER");
  const [problem, setProblem] = useState<Problem | null>(null);
  const reload = () => refetch({ requestPolicy: "network-only" });
  const run = async (result: Promise<{ error?: import("urql").CombinedError }>) => {
    const { error } = await result;
    setProblem(error ? describeError(error) : null);
    if (!error) reload();
    return !error;
  };
  if (!data) return error ? <ErrorNotice error={error} /> : <Loading what="members" />;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(add({ org, project, subject, role: newRole }))) setSubject("");
  };
  return (
    <>
      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <table>
          <thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Since</th>{manage ? <th scope="col">Remove</th> : null}</tr></thead>
          <tbody>
            {data.project.members.nodes.map((m) => (
              <tr key={m.user?.id ?? m.since}>
                <td>{m.user?.name ?? m.user?.subject} <span className="muted">({m.user?.subject})</span></td>
                <td>
                  {manage && m.user ? (
                    <select aria-label={`Role of ${m.user.subject}`} value={m.role} onChange={(e) => void run(add({ org, project, subject: m.user?.subject ?? "", role: e.target.value as Role }))}>
                      {ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
                    </select>
                  ) : m.role.toLowerCase()}
                  <SourceNote source={m.source} />
                </td>
                <td>{new Date(m.since).toLocaleDateString()}</td>
                {manage ? <td><button type="button" className="danger" onClick={() => void run(remove({ org, project, subject: m.user?.subject ?? "" }))}>Remove {m.user?.subject}</button></td> : null}
              </tr>
            ))}
          </tbody>
        </table>
        {manage ? (
          <form className="inline" onSubmit={submit} aria-label="Add a member">
            <Field label="Subject (the person's token sub)" value={subject} onChange={(e) => setSubject(e.target.value)} error={fieldMessage(problem, "subject")} required />
            <div className="field">
              <label htmlFor="member-role">Role</label>
              <select id="member-role" value={newRole} onChange={(e) => setNewRole(e.target.value as Role)}>
                {ROLES.map((r) => <option key={r} value={r}>{r.toLowerCase()}</option>)}
              </select>
            </div>
            <button type="submit" className="primary">Add member</button>
          </form>
        ) : null}
        {problem && !fieldMessage(problem, "subject") ? <ErrorNotice problem={problem} /> : null}
      </section>
      {manage ? <ApiKeys environments={data.project.environments.nodes.map((e) => e.slug)} /> : null}
    </>
  );
}

function ApiKeys({ environments }: { environments: string[] }) {
  const { org, project } = useProject();
  const [{ data, error }, refetch] = useQuery({ query: KeysQuery, variables: { org, project } });
  const [, create] = useMutation(CreateKey);
  const [, revoke] = useMutation(RevokeKey);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<string[]>([]);
  const [expires, setExpires] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // A date input gives the local day; the key expires at that day's end, local time.
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    const r = await create({ org, project, name, environments: scope, expiresAt });
    if (r.error || !r.data) return setProblem(r.error ? describeError(r.error) : null);
    setProblem(null);
    setSecret(r.data.createApiKey.secret);
    setName("");
    setExpires("");
    refetch({ requestPolicy: "network-only" });
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <ErrorNotice error={error} />
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Environments</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
        <tbody>
          {data?.project.apiKeys?.nodes.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td className="code">{k.prefix}…</td>
              <td>{k.environments.length ? k.environments.join(", ") : "all"}</td>
              <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}</td>
              <td>
                {k.revokedAt ? `revoked ${new Date(k.revokedAt).toLocaleString()}` : k.expiresAt && new Date(k.expiresAt) <= new Date() ? `expired ${new Date(k.expiresAt).toLocaleString()}` : (
                  <>
                  {k.expiresAt ? <span className="muted">expires {new Date(k.expiresAt).toLocaleString()} </span> : null}
                  <button type="button" className="danger" onClick={async () => {
                    const r = await revoke({ org, project, id: k.id });
                    setProblem(r.error ? describeError(r.error) : null);
                    refetch({ requestPolicy: "network-only" });
                  }}>Revoke {k.name}</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={submit} aria-label="Create an API key">
        <Field label="Key name" value={name} onChange={(e) => setName(e.target.value)} error={fieldMessage(problem, "name")} required />
        <Field label="Expires on (optional)" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} error={fieldMessage(problem, "expiresAt")} />
        <fieldset>
          <legend>May read (none checked: every environment)</legend>
          {environments.map((e) => (
            <label key={e}>
              <input type="checkbox" checked={scope.includes(e)} onChange={(ev) => setScope(ev.target.checked ? [...scope, e] : scope.filter((s) => s !== e))} /> {e}{" "}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary">Create API key</button>
      </form>
      {problem && !fieldMessage(problem, "name") && !fieldMessage(problem, "expiresAt") ? <ErrorNotice problem={problem} /> : null}
      {secret ? (
        <OneTimeSecret secret={secret} label="New API key secret" onDone={() => setSecret(null)}>
          <p>This key's secret is shown once; store it now.</p>
        </OneTimeSecret>
      ) : null}
    </section>
  );
}

// Members (add, change role, remove) and gateway API keys (create — secret shown once, with a
// copy button — scoped to environments, revoke), each list a page at a time with "More".
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { useProject } from "../../app/projectContext";
import { can } from "../../lib/permissions";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import type { KeyScopesQuery, Role } from "../../gql/graphql";
import { useEveryPage } from "../../lib/everyPage";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { MoreButton, usePagedList, useRereadOn } from "../../ui/More";
import { SourceNote } from "./SourceNote";

const EnvironmentsQuery = graphql(`
  query KeyScopes($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      environments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id slug } }
    }
  }
`);
// Every environment: a key may be scoped to any of them.
const scopesOf = (data: KeyScopesQuery) => data.project.environments;
const MembersQuery = graphql(`
  query Members($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      members(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { role source since user { id subject name } }
      }
    }
  }
`);
const KeysQuery = graphql(`
  query ApiKeys($org: String!, $project: String!, $after: String) {
    project(org: $org, slug: $project) {
      id
      apiKeys(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id name prefix environments createdAt revokedAt expiresAt lastUsedAt }
      }
    }
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

/** Runs a mutation, shows its error; on success re-reads in place or, with `restart`, from page one. */
type Run = (result: Promise<{ error?: import("urql").CombinedError }>, restart?: boolean) => Promise<boolean>;

function MembersChunk(props: { after: string | null; last: boolean; reload: number; manage: boolean; run: Run; onMore: (cursor: string | null | undefined) => void }) {
  const { after, last, reload, manage, run, onMore } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MembersQuery, variables: { org, project, after } });
  const [, add] = useMutation(AddMember);
  const [, remove] = useMutation(RemoveMember);
  useRereadOn(reload, refetch);
  const columns = manage ? 4 : 3;
  if (fetching && !data) return <tbody><tr><td colSpan={columns}><Loading what="members" /></td></tr></tbody>;
  if (!data) return <tbody><tr><td colSpan={columns}><ErrorNotice error={error} /></td></tr></tbody>;
  const page = data.project.members;
  return (
    <tbody>
      {page.nodes.map((m) => (
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
          {manage ? <td><button type="button" className="danger" onClick={() => void run(remove({ org, project, subject: m.user?.subject ?? "" }), true)}>Remove {m.user?.subject}</button></td> : null}
        </tr>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <tr><td colSpan={columns}><MoreButton hasNextPage what="members" onMore={() => onMore(page.pageInfo.endCursor)} /></td></tr>
      ) : null}
    </tbody>
  );
}

export function MembersPage() {
  const { org, project, role } = useProject();
  const manage = can(role, "project:manage_members");
  const [, add] = useMutation(AddMember);
  const { cursors, more, reload, reread, restart } = usePagedList();
  const [subject, setSubject] = useState("");
  const [newRole, setNewRole] = useState<Role>("DEVELOPER");
  const [problem, setProblem] = useState<Problem | null>(null);
  const run: Run = async (result, restarts = false) => {
    const { error } = await result;
    setProblem(error ? describeError(error) : null);
    if (!error) (restarts ? restart : reread)();
    return !error;
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(add({ org, project, subject, role: newRole }), true)) setSubject("");
  };
  return (
    <>
      <section aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <table>
          <thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Since</th>{manage ? <th scope="col">Remove</th> : null}</tr></thead>
          {cursors.map((after, i) => (
            <MembersChunk key={after ?? "first"} after={after} last={i === cursors.length - 1} reload={reload} manage={manage} run={run} onMore={more} />
          ))}
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
      {manage ? <ApiKeys /> : null}
    </>
  );
}

function KeysChunk(props: { after: string | null; last: boolean; reload: number; onRevoke: (id: string) => void; onMore: (cursor: string | null | undefined) => void }) {
  const { after, last, reload, onRevoke, onMore } = props;
  const { org, project } = useProject();
  const [{ data, fetching, error }, refetch] = useQuery({ query: KeysQuery, variables: { org, project, after } });
  useRereadOn(reload, refetch);
  // A refused list (FORBIDDEN) arrives as a project without the field, beside the error.
  const page = data?.project.apiKeys;
  if (fetching && !page) return <tbody><tr><td colSpan={5}><Loading what="API keys" /></td></tr></tbody>;
  if (!page) return <tbody><tr><td colSpan={5}><ErrorNotice error={error} /></td></tr></tbody>;
  return (
    <tbody>
      {after === null && page.nodes.length === 0 ? <tr><td colSpan={5}>No API keys yet.</td></tr> : null}
      {page.nodes.map((k) => (
        <tr key={k.id}>
          <td>{k.name}</td>
          <td className="code">{k.prefix}…</td>
          <td>{k.environments.length ? k.environments.join(", ") : "all"}</td>
          <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}</td>
          <td>
            {k.revokedAt ? `revoked ${new Date(k.revokedAt).toLocaleString()}` : k.expiresAt && new Date(k.expiresAt) <= new Date() ? `expired ${new Date(k.expiresAt).toLocaleString()}` : (
              <>
              {k.expiresAt ? <span className="muted">expires {new Date(k.expiresAt).toLocaleString()} </span> : null}
              <button type="button" className="danger" onClick={() => onRevoke(k.id)}>Revoke {k.name}</button>
              </>
            )}
          </td>
        </tr>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <tr><td colSpan={5}><MoreButton hasNextPage what="API keys" onMore={() => onMore(page.pageInfo.endCursor)} /></td></tr>
      ) : null}
    </tbody>
  );
}

function ApiKeys() {
  const { org, project } = useProject();
  const scopes = useEveryPage(EnvironmentsQuery, { org, project }, scopesOf);
  const environments = scopes.nodes?.map((e) => e.slug) ?? [];
  const { cursors, more, reload, reread, restart } = usePagedList();
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
    restart();
  };
  const revokeKey = async (id: string) => {
    const r = await revoke({ org, project, id });
    setProblem(r.error ? describeError(r.error) : null);
    reread();
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Environments</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
        {cursors.map((after, i) => (
          <KeysChunk key={after ?? "first"} after={after} last={i === cursors.length - 1} reload={reload} onRevoke={(id) => void revokeKey(id)} onMore={more} />
        ))}
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

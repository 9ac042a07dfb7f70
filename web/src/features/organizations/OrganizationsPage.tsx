// Organizations and their projects: the list, and forms to create either (with the
// environment quota shown where one applies).
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";

const OrganizationsQuery = graphql(`
  query Organizations {
    viewer {
      user { subject name }
      organizations(first: 20) {
        nodes {
          id slug name environmentQuota
          projects(first: 50) { nodes { id slug name viewerRole } }
        }
      }
    }
  }
`);

const CreateOrganization = graphql(`
  mutation CreateOrganization($slug: String!, $name: String!) {
    createOrganization(slug: $slug, name: $name) { id slug }
  }
`);

const CreateProject = graphql(`
  mutation CreateProject($org: String!, $slug: String!, $name: String!) {
    createProject(org: $org, slug: $slug, name: $name) { id slug }
  }
`);

function CreateOrganizationForm({ onDone }: { onDone: () => void }) {
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [state, create] = useMutation(CreateOrganization);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ slug, name });
    if (result.error) return setProblem(describeError(result.error));
    setProblem(null);
    setSlug("");
    setName("");
    onDone();
  };
  return (
    <form className="inline" onSubmit={submit} aria-label="New organization">
      <Field label="Organization slug" value={slug} onChange={(e) => setSlug(e.target.value)} error={fieldMessage(problem, "slug")} required />
      <Field label="Organization name" value={name} onChange={(e) => setName(e.target.value)} error={fieldMessage(problem, "name")} required />
      <button type="submit" className="primary" disabled={state.fetching}>
        Create organization
      </button>
      {problem && problem.code !== "VALIDATION" ? <ErrorNotice problem={problem} /> : null}
    </form>
  );
}

function CreateProjectForm({ org, onDone }: { org: string; onDone: () => void }) {
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [state, create] = useMutation(CreateProject);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ org, slug, name });
    if (result.error) return setProblem(describeError(result.error));
    setProblem(null);
    setSlug("");
    setName("");
    onDone();
  };
  return (
    <form className="inline" onSubmit={submit} aria-label={`New project in ${org}`}>
      <Field label="Project slug" value={slug} onChange={(e) => setSlug(e.target.value)} error={fieldMessage(problem, "slug")} required />
      <Field label="Project name" value={name} onChange={(e) => setName(e.target.value)} error={fieldMessage(problem, "name")} required />
      <button type="submit" disabled={state.fetching}>
        Create project
      </button>
      {problem && problem.code !== "VALIDATION" ? <ErrorNotice problem={problem} /> : null}
    </form>
  );
}

export function OrganizationsPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrganizationsQuery });
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <h1>Organizations</h1>
      {fetching && !data ? <Loading what="organizations" /> : null}
      <ErrorNotice error={error} />
      {data?.viewer.organizations.nodes.length === 0 ? <p>You belong to no organization yet; create one.</p> : null}
      {data?.viewer.organizations.nodes.map((org) => (
        <section key={org.id} aria-labelledby={`org-${org.id}`}>
          <h2 id={`org-${org.id}`}>
            {org.name} <span className="muted code">{org.slug}</span>
          </h2>
          <p className="muted">
            {org.environmentQuota == null
              ? "Environments per project: unlimited"
              : `Environments per project: at most ${org.environmentQuota}`}
          </p>
          {org.projects.nodes.length === 0 ? <p>No projects yet.</p> : null}
          <ul>
            {org.projects.nodes.map((p) => (
              <li key={p.id}>
                <Link to={`/orgs/${org.slug}/projects/${p.slug}`}>{p.name}</Link>{" "}
                <span className="muted">
                  {p.slug} · {p.viewerRole.toLowerCase()}
                </span>
              </li>
            ))}
          </ul>
          <CreateProjectForm org={org.slug} onDone={reload} />
        </section>
      ))}
      <section aria-labelledby="new-org">
        <h2 id="new-org">New organization</h2>
        <CreateOrganizationForm onDone={reload} />
      </section>
    </>
  );
}

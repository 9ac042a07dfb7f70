// Organizations and their projects: the lists (each a page at a time with "More"), and forms to
// create either (with the environment quota shown where one applies).
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../../gql";
import { describeError, fieldMessage, type Problem } from "../../lib/errors";
import { Field } from "../../ui/Field";
import { ErrorNotice, Loading } from "../../ui/Status";
import { MoreButton, usePagedList, useRereadOn } from "../../ui/More";

const OrganizationsQuery = graphql(`
  query Organizations($after: String) {
    viewer {
      organizations(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id slug name environmentQuota }
      }
    }
  }
`);
const ProjectsQuery = graphql(`
  query OrganizationProjects($org: String!, $after: String) {
    organization(slug: $org) {
      id
      projects(first: 20, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id slug name viewerRole }
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

function ProjectsChunk(props: { org: string; after: string | null; last: boolean; reload: number; onMore: (cursor: string | null | undefined) => void }) {
  const { org, after, last, reload, onMore } = props;
  const [{ data, fetching, error }, refetch] = useQuery({ query: ProjectsQuery, variables: { org, after } });
  useRereadOn(reload, refetch);
  if (fetching && !data) return <li><Loading what="projects" /></li>;
  if (!data) return <li><ErrorNotice error={error} /></li>;
  const page = data.organization.projects;
  return (
    <>
      {after === null && page.nodes.length === 0 ? <li>No projects yet.</li> : null}
      {page.nodes.map((p) => (
        <li key={p.id}>
          <Link to={`/orgs/${org}/projects/${p.slug}`}>{p.name}</Link>{" "}
          <span className="muted">
            {p.slug} · {p.viewerRole.toLowerCase()}
          </span>
        </li>
      ))}
      {last && page.pageInfo.hasNextPage ? (
        <li className="plain"><MoreButton hasNextPage what={`projects of ${org}`} onMore={() => onMore(page.pageInfo.endCursor)} /></li>
      ) : null}
    </>
  );
}

function Organization({ org }: { org: { id: string; slug: string; name: string; environmentQuota?: number | null } }) {
  const { cursors, more, reload, restart } = usePagedList();
  return (
    <section aria-labelledby={`org-${org.id}`}>
      <h2 id={`org-${org.id}`}>
        {org.name} <span className="muted code">{org.slug}</span>
      </h2>
      <p className="muted">
        {org.environmentQuota == null
          ? "Environments per project: unlimited"
          : `Environments per project: at most ${org.environmentQuota}`}
      </p>
      <ul aria-label={`Projects of ${org.name}`}>
        {cursors.map((after, i) => (
          <ProjectsChunk key={after ?? "first"} org={org.slug} after={after} last={i === cursors.length - 1} reload={reload} onMore={more} />
        ))}
      </ul>
      <CreateProjectForm org={org.slug} onDone={restart} />
    </section>
  );
}

function OrganizationsChunk(props: { after: string | null; last: boolean; reload: number; onMore: (cursor: string | null | undefined) => void }) {
  const { after, last, reload, onMore } = props;
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrganizationsQuery, variables: { after } });
  useRereadOn(reload, refetch);
  if (fetching && !data) return <Loading what="organizations" />;
  if (!data) return <ErrorNotice error={error} />;
  const page = data.viewer.organizations;
  return (
    <>
      {after === null && page.nodes.length === 0 ? <p>You belong to no organization yet; create one.</p> : null}
      {page.nodes.map((org) => <Organization key={org.id} org={org} />)}
      {last ? <MoreButton hasNextPage={page.pageInfo.hasNextPage} what="organizations" onMore={() => onMore(page.pageInfo.endCursor)} /> : null}
    </>
  );
}

export function OrganizationsPage() {
  const { cursors, more, reload, restart } = usePagedList();
  return (
    <>
      <h1>Organizations</h1>
      {cursors.map((after, i) => (
        <OrganizationsChunk key={after ?? "first"} after={after} last={i === cursors.length - 1} reload={reload} onMore={more} />
      ))}
      <section aria-labelledby="new-org">
        <h2 id="new-org">New organization</h2>
        <CreateOrganizationForm onDone={restart} />
      </section>
    </>
  );
}

// One project's pages under /orgs/:org/projects/:project: its tabs and their routes.
import { Link, NavLink, Route, Routes, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { Session } from "../lib/session";
import { ErrorNotice, Loading } from "../ui/Status";
import { ProjectContext } from "./projectContext";
import { ProjectOverview } from "../features/projects/ProjectOverview";
import { EnvironmentsSettings } from "../features/environments/EnvironmentsSettings";
import { DeployPage } from "../features/deploy/DeployPage";
import { PromotePage } from "../features/promote/PromotePage";
import { ReleasesPage } from "../features/releases/ReleasesPage";
import { DeploymentsPage } from "../features/deployments/DeploymentsPage";
import { AuditPage } from "../features/audit/AuditPage";
import { MembersPage } from "../features/members/MembersPage";
import { ReleasePage } from "../features/releases/ReleasePage";
import { ResourcesPage } from "../features/resources/ResourcesPage";
import { ResourcePage } from "../features/resources/ResourcePage";
import { WebhooksPage } from "../features/webhooks/WebhooksPage";
import { can, type Permission } from "../lib/permissions";

const ProjectQuery = graphql(`
  query ProjectShell($org: String!, $project: String!) {
    project(org: $org, slug: $project) { id slug name viewerRole organization { slug name } }
  }
`);

// A tab with a permission is shown only to roles that hold it; its page still answers anyone who
// reaches the address, with the API's FORBIDDEN and what it means.
const TABS: [string, string, Permission?][] = [
  ["", "Overview"],
  ["settings/environments", "Environments"],
  ["resources", "Resources"],
  ["deploy", "Deploy"],
  ["promote", "Promote"],
  ["releases", "Releases"],
  ["audit", "Audit log"],
  ["members", "Members and API keys"],
  ["webhooks", "Webhooks", "project:manage_webhooks"],
];

export function ProjectRoutes({ session }: { session: Session }) {
  const { org = "", project = "" } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: ProjectQuery, variables: { org, project } });
  if (fetching && !data) return <Loading what="the project" />;
  if (error || !data) return <ErrorNotice error={error} />;
  const base = `/orgs/${org}/projects/${project}`;
  return (
    <ProjectContext.Provider value={{ org, project, role: data.project.viewerRole, subject: session.subject }}>
      <nav aria-label="Breadcrumb" className="muted">
        <Link to="/">Organizations</Link> / {data.project.organization.name}
      </nav>
      <h1>{data.project.name}</h1>
      <nav className="tabs" aria-label="Project">
        {TABS.filter(([, , permission]) => !permission || can(data.project.viewerRole, permission)).map(([path, label]) => (
          <NavLink key={path} to={path ? `${base}/${path}` : base} end>
            {label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<ProjectOverview />} />
        <Route path="settings/environments" element={<EnvironmentsSettings />} />
        <Route path="resources" element={<ResourcesPage />} />
        <Route path="resources/:kind/:key" element={<ResourcePage />} />
        <Route path="deploy" element={<DeployPage />} />
        <Route path="promote" element={<PromotePage />} />
        <Route path="releases" element={<ReleasesPage />} />
        <Route path="releases/:id" element={<ReleasePage session={session} />} />
        <Route path="environments/:environment/deployments" element={<DeploymentsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
      </Routes>
    </ProjectContext.Provider>
  );
}

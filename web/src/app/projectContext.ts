// The project a page is about and the signed-in person's role in it.
import { createContext, useContext } from "react";
import type { Role } from "../gql/graphql";

/** The open project. */
export interface ProjectScope {
  org: string;
  project: string;
  role: Role;
  subject: string;
}

export const ProjectContext = createContext<ProjectScope | null>(null);

/** The open project; only used below `ProjectRoutes`. */
export function useProject(): ProjectScope {
  const scope = useContext(ProjectContext);
  if (!scope) throw new Error("useProject outside a project page");
  return scope;
}

// Which controls a role gets, mirroring DESIGN.md §2. The server decides; this only hides
// controls that would certainly be refused (a viewer sees no write controls).
import type { Role } from "../gql/graphql";

/** The permissions the dashboard shows controls for. */
export type Permission =
  | "resource:write"
  | "release:create"
  | "release:approve"
  | "release:apply"
  | "project:manage_environments"
  | "project:manage_default_environment"
  | "project:manage_policies"
  | "project:manage_members"
  | "project:manage_webhooks"
  | "provider:manage_credentials"
  | "policy:bypass";

const GRANTS: Record<Role, readonly Permission[]> = {
  OWNER: [
    "resource:write", "release:create", "release:approve", "release:apply", "project:manage_environments",
    "project:manage_default_environment", "project:manage_policies", "project:manage_members", "project:manage_webhooks", "provider:manage_credentials",
    "policy:bypass",
  ],
  ADMIN: [
    "resource:write", "release:create", "release:approve", "release:apply", "project:manage_environments",
    "project:manage_policies", "project:manage_members", "project:manage_webhooks", "provider:manage_credentials",
  ],
  DEVELOPER: ["resource:write", "release:create", "release:apply"],
  APPROVER: ["release:approve", "release:apply"],
  VIEWER: [],
};

/** Whether `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

//! Roles and permissions: the matrix of DESIGN.md §2 as data.
//!
//! A member holds exactly one [`Role`] per project; organization owners act as owners of every
//! project of their organization. Whether a role may do something is answered by
//! [`Role::permits`], and nowhere else.

use std::fmt;
use std::str::FromStr;

use crate::ValidationError;

/// A member's role in a project (or, for `Owner`, in an organization).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Everything, including bypassing policies and moving the default roles.
    Owner,
    /// Manages environments, policies, members, keys, credentials and webhooks; approves releases.
    Admin,
    /// Writes resources and creates releases.
    Developer,
    /// Approves and applies releases.
    Approver,
    /// Sees the project and everything in it; changes nothing.
    Viewer,
}

/// Something a caller may be allowed to do inside a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// `project:view` — see the project and everything in it.
    ProjectView,
    /// `resource:write` — create resources and versions.
    ResourceWrite,
    /// `release:create` — publish, promote, roll back.
    ReleaseCreate,
    /// `release:approve` — approve or reject releases.
    ReleaseApprove,
    /// `release:apply` — apply an approved release.
    ReleaseApply,
    /// `project:manage_environments` — create, update, reorder, delete environments.
    ProjectManageEnvironments,
    /// `project:manage_default_environment` — move the gateway fallback or default publish target.
    ProjectManageDefaultEnvironment,
    /// `project:manage_policies` — set promotion policies.
    ProjectManagePolicies,
    /// `provider:manage_credentials` — store provider credentials.
    ProviderManageCredentials,
    /// `policy:bypass` — apply a release that a policy rule blocks, with a reason.
    PolicyBypass,
    /// `project:manage_members` — add and remove members, create and revoke API keys.
    ProjectManageMembers,
    /// `project:manage_webhooks` — create, change, rotate, delete and test webhook endpoints,
    /// read their delivery logs and redeliver.
    ProjectManageWebhooks,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [Role::Owner, Role::Admin, Role::Developer, Role::Approver, Role::Viewer];

    /// The wire name of the role (`owner`, `admin`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Developer => "developer",
            Role::Approver => "approver",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role grants `permission` (DESIGN.md §2).
    ///
    /// # Examples
    ///
    /// ```
    /// use slipway_domain::{Permission, Role};
    ///
    /// assert!(Role::Approver.permits(Permission::ReleaseApprove));
    /// assert!(!Role::Developer.permits(Permission::ReleaseApprove));
    /// // Only owners move the default publish target or bypass a policy.
    /// assert!(!Role::Admin.permits(Permission::PolicyBypass));
    /// assert!(Role::Owner.permits(Permission::PolicyBypass));
    /// ```
    pub const fn permits(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Owner => true,
            Role::Admin => !matches!(permission, P::ProjectManageDefaultEnvironment | P::PolicyBypass),
            Role::Developer => matches!(
                permission,
                P::ProjectView | P::ResourceWrite | P::ReleaseCreate | P::ReleaseApply
            ),
            Role::Approver => {
                matches!(permission, P::ProjectView | P::ReleaseApprove | P::ReleaseApply)
            }
            Role::Viewer => matches!(permission, P::ProjectView),
        }
    }

    /// The roles whose approvals count when a policy names no approver roles: those that hold
    /// `release:approve`.
    pub fn default_approver_roles() -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| r.permits(Permission::ReleaseApprove))
            .collect()
    }
}

impl Permission {
    /// Every permission, in the order of DESIGN.md §2.
    pub const ALL: [Permission; 12] = [
        Permission::ProjectView,
        Permission::ResourceWrite,
        Permission::ReleaseCreate,
        Permission::ReleaseApprove,
        Permission::ReleaseApply,
        Permission::ProjectManageEnvironments,
        Permission::ProjectManageDefaultEnvironment,
        Permission::ProjectManagePolicies,
        Permission::ProviderManageCredentials,
        Permission::PolicyBypass,
        Permission::ProjectManageMembers,
        Permission::ProjectManageWebhooks,
    ];

    /// The name used in DESIGN.md and in error messages (`release:approve`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::ProjectView => "project:view",
            Permission::ResourceWrite => "resource:write",
            Permission::ReleaseCreate => "release:create",
            Permission::ReleaseApprove => "release:approve",
            Permission::ReleaseApply => "release:apply",
            Permission::ProjectManageEnvironments => "project:manage_environments",
            Permission::ProjectManageDefaultEnvironment => "project:manage_default_environment",
            Permission::ProjectManagePolicies => "project:manage_policies",
            Permission::ProviderManageCredentials => "provider:manage_credentials",
            Permission::PolicyBypass => "policy:bypass",
            Permission::ProjectManageMembers => "project:manage_members",
            Permission::ProjectManageWebhooks => "project:manage_webhooks",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ValidationError::new("role", "must be one of owner, admin, developer, approver, viewer"))
    }
}

impl FromStr for Permission {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ValidationError::new("permission", "unknown permission"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DESIGN.md §2's table, copied verbatim: columns owner, admin, developer, approver, viewer.
    /// The test parses it, so the table in the design and the code cannot drift apart silently.
    const DESIGN_TABLE: &str = "
| project:view | ✓ | ✓ | ✓ | ✓ | ✓ |
| resource:write (create resources, versions) | ✓ | ✓ | ✓ | | |
| release:create (publish, promote, rollback) | ✓ | ✓ | ✓ | | |
| release:approve | ✓ | ✓ | | ✓ | |
| release:apply (apply an approved release) | ✓ | ✓ | ✓ | ✓ | |
| project:manage_environments | ✓ | ✓ | | | |
| project:manage_default_environment | ✓ | | | | |
| project:manage_policies | ✓ | ✓ | | | |
| provider:manage_credentials | ✓ | ✓ | | | |
| policy:bypass | ✓ | | | | |
| project:manage_members / api keys | ✓ | ✓ | | | |
| project:manage_webhooks | ✓ | ✓ | | | |
";

    fn table() -> Vec<(Permission, [bool; 5])> {
        DESIGN_TABLE
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(|line| {
                let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
                let name = cells[0].split_whitespace().next().unwrap();
                let permission: Permission = name.parse().unwrap();
                let mut grants = [false; 5];
                for (i, cell) in cells[1..].iter().enumerate() {
                    grants[i] = *cell == "✓";
                }
                (permission, grants)
            })
            .collect()
    }

    #[test]
    fn matrix_matches_design_table() {
        let rows = table();
        assert_eq!(rows.len(), Permission::ALL.len(), "every permission is in the table");
        for (permission, grants) in rows {
            for (role, granted) in Role::ALL.into_iter().zip(grants) {
                assert_eq!(role.permits(permission), granted, "{role} / {permission}");
            }
        }
    }

    #[test]
    fn default_approver_roles_are_those_that_may_approve() {
        assert_eq!(
            Role::default_approver_roles(),
            vec![Role::Owner, Role::Admin, Role::Approver]
        );
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>().unwrap(), p);
        }
        assert_eq!("root".parse::<Role>().unwrap_err().field(), "role");
    }
}

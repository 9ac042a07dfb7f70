//! Authorization as pure functions over the domain's roles and permissions (DESIGN.md §2).
//!
//! Two rules shape every answer: organization owners are owners of every project of their
//! organization, and a caller without `project:view` gets not-found, never forbidden, so that
//! the existence of a project (and of anything in it) does not leak.

use slipway_domain::organization::effective_role;
use slipway_domain::{Permission, Role};

use crate::error::AccessDenied;

/// What one caller may do in one project: their effective role, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectAccess {
    role: Option<Role>,
}

impl ProjectAccess {
    /// The access of a caller who owns the project's organization (or not) and holds
    /// `project_role` in the project (or none).
    pub fn new(is_organization_owner: bool, project_role: Option<Role>) -> Self {
        ProjectAccess {
            role: effective_role(is_organization_owner, project_role),
        }
    }

    /// The access of a caller whose effective role is already known.
    pub const fn from_role(role: Option<Role>) -> Self {
        ProjectAccess { role }
    }

    /// The effective role, if any.
    pub const fn role(self) -> Option<Role> {
        self.role
    }

    /// Whether the project exists for this caller.
    pub const fn can_view(self) -> bool {
        matches!(self.role, Some(role) if role.permits(Permission::ProjectView))
    }

    /// Whether the caller holds `permission` (never true for a caller who cannot view the
    /// project). For showing or hiding actions; use [`ProjectAccess::require`] to enforce.
    pub const fn has(self, permission: Permission) -> bool {
        self.can_view()
            && match self.role {
                Some(role) => role.permits(permission),
                None => false,
            }
    }

    /// Requires `permission`, returning the effective role.
    ///
    /// # Errors
    /// [`AccessDenied::NotFound`] when the caller cannot view the project;
    /// [`AccessDenied::Forbidden`] when they can but lack `permission`.
    pub fn require(self, permission: Permission) -> Result<Role, AccessDenied> {
        require(self.role, permission)
    }

    /// Requires every permission of `permissions`, reporting the first one missing.
    ///
    /// # Errors
    /// As [`ProjectAccess::require`].
    pub fn require_all(self, permissions: &[Permission]) -> Result<Role, AccessDenied> {
        require_all(self.role, permissions)
    }

    /// Requires `project:view` only: reading the project or anything in it.
    ///
    /// # Errors
    /// [`AccessDenied::NotFound`] when the caller cannot view the project.
    pub fn require_view(self) -> Result<Role, AccessDenied> {
        require(self.role, Permission::ProjectView)
    }
}

/// Requires that a caller with effective `role` (none: not a member) holds `permission`.
///
/// # Errors
/// [`AccessDenied::NotFound`] when there is no role or it lacks `project:view`;
/// [`AccessDenied::Forbidden`] when the role sees the project but lacks `permission`.
pub fn require(role: Option<Role>, permission: Permission) -> Result<Role, AccessDenied> {
    require_all(role, &[permission])
}

/// Requires every permission of `permissions`, reporting the first one missing.
///
/// # Errors
/// As [`require`].
pub fn require_all(role: Option<Role>, permissions: &[Permission]) -> Result<Role, AccessDenied> {
    let role = role
        .filter(|r| r.permits(Permission::ProjectView))
        .ok_or(AccessDenied::NotFound)?;
    match permissions.iter().find(|p| !role.permits(**p)) {
        Some(&permission) => Err(AccessDenied::Forbidden { permission }),
        None => Ok(role),
    }
}

/// The permissions needed to change an environment's role flags: `project:manage_environments`
/// always, plus `project:manage_default_environment` when the change moves the default publish
/// target or the gateway fallback (the production flag needs nothing more).
pub fn environment_roles_permissions(
    moves_default_publish_target: bool,
    moves_gateway_fallback: bool,
) -> &'static [Permission] {
    const PLAIN: &[Permission] = &[Permission::ProjectManageEnvironments];
    const DEFAULTS: &[Permission] = &[
        Permission::ProjectManageEnvironments,
        Permission::ProjectManageDefaultEnvironment,
    ];
    if moves_default_publish_target || moves_gateway_fallback {
        DEFAULTS
    } else {
        PLAIN
    }
}

/// Requires what [`environment_roles_permissions`] lists for the change.
///
/// # Errors
/// As [`require`].
pub fn require_environment_roles_change(
    access: ProjectAccess,
    moves_default_publish_target: bool,
    moves_gateway_fallback: bool,
) -> Result<Role, AccessDenied> {
    access.require_all(environment_roles_permissions(
        moves_default_publish_target,
        moves_gateway_fallback,
    ))
}

/// Requires that the caller may change a member's project role from `current` to `new` (`None`:
/// not a member; so adding is `None → Some`, removing is `Some → None`). Needs
/// `project:manage_members`; granting or taking away the owner role needs the caller to be an
/// owner, so that an admin can never make anyone (themselves included) an owner.
///
/// # Errors
/// As [`require`], or [`AccessDenied::Restricted`] when an admin touches an owner.
pub fn require_member_change(
    access: ProjectAccess,
    current: Option<Role>,
    new: Option<Role>,
) -> Result<Role, AccessDenied> {
    let role = access.require(Permission::ProjectManageMembers)?;
    let touches_owner = current == Some(Role::Owner) || new == Some(Role::Owner);
    if touches_owner && role != Role::Owner {
        return Err(AccessDenied::Restricted {
            rule: "only owners may grant or revoke the owner role",
        });
    }
    Ok(role)
}

/// Whether the role counts as an admin for cancelling someone else's release (the domain's
/// `Release::cancel` takes this as `is_admin`).
pub const fn is_release_admin(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Owner | Role::Admin))
}

/// Requires that the caller owns the organization, for organization-level actions (creating
/// projects, adding organization owners). `can_see_organization` says whether the organization
/// exists for the caller (they are an owner or a member of one of its projects).
///
/// # Errors
/// [`AccessDenied::NotFound`] when the caller cannot see the organization;
/// [`AccessDenied::Restricted`] when they can but do not own it.
pub fn require_organization_owner(is_organization_owner: bool, can_see_organization: bool) -> Result<(), AccessDenied> {
    if is_organization_owner {
        Ok(())
    } else if can_see_organization {
        Err(AccessDenied::Restricted {
            rule: "only organization owners may do this",
        })
    } else {
        Err(AccessDenied::NotFound)
    }
}

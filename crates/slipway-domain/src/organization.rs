//! Organizations, projects, users and memberships.

use chrono::{DateTime, Utc};

use crate::access::Role;
use crate::slug::{OrganizationSlug, ProjectSlug};
use crate::text::Name;
use crate::{OrganizationId, ProjectId, UserId};

/// A tenant: owns projects and has members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Generated at creation; stable across renames.
    pub id: OrganizationId,
    /// Unique among organizations; part of every project's address (`org/project`).
    pub slug: OrganizationSlug,
    /// The name people see (renamable).
    pub name: Name,
    /// The most environments a project of this organization may have (a plan limit);
    /// `None` is unlimited, the default.
    pub environment_quota: Option<u32>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A project: owns environments, resources, releases and the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Generated at creation; stable across renames.
    pub id: ProjectId,
    /// The owning organization.
    pub organization_id: OrganizationId,
    /// Slug, unique inside the organization.
    pub slug: ProjectSlug,
    /// The name people see (renamable).
    pub name: Name,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A person or tool known by the subject of their JWT; created on first sight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Generated on first sight of the JWT subject.
    pub id: UserId,
    /// The JWT `sub`.
    pub subject: String,
    /// Display name from the token, if any.
    pub name: Option<String>,
    /// Email from the token, if any.
    pub email: Option<String>,
    /// When Slipway first saw this user.
    pub created_at: DateTime<Utc>,
}

/// Where a membership applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipScope {
    /// Organization-wide: only [`Role::Owner`] is held at this level, and it makes the user an
    /// owner of every project of the organization.
    Organization(OrganizationId),
    /// One project of the organization only.
    Project(ProjectId),
}

/// A user's role somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The user who holds the role.
    pub user_id: UserId,
    /// The whole organization or one of its projects.
    pub scope: MembershipScope,
    /// With which role.
    pub role: Role,
    /// Who manages it: Slipway (`addMember`) or the identity provider's group mapping.
    pub source: MembershipSource,
    /// When the member was added (the role may have changed since).
    pub created_at: DateTime<Utc>,
}

/// Who manages a membership. A membership managed in Slipway is never changed by the identity
/// provider's group mapping; one the mapping granted follows the user's groups, sign-in after
/// sign-in, until an admin takes it over with `addMember` (which makes it Slipway's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipSource {
    /// Added by `addMember` (or by creating the organization).
    Slipway,
    /// Granted by the identity provider's group mapping (`oidc_group_roles`).
    IdentityProvider,
}

impl MembershipSource {
    /// The stored and wire name (`slipway`, `identity_provider`).
    pub const fn as_str(self) -> &'static str {
        match self {
            MembershipSource::Slipway => "slipway",
            MembershipSource::IdentityProvider => "identity_provider",
        }
    }

    /// The source named `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        [MembershipSource::Slipway, MembershipSource::IdentityProvider]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// The role a user effectively holds in a project: organization owners are owners of every
/// project; otherwise the project membership's role, if any.
pub fn effective_role(is_organization_owner: bool, project_role: Option<Role>) -> Option<Role> {
    if is_organization_owner {
        Some(Role::Owner)
    } else {
        project_role
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_owners_own_every_project() {
        assert_eq!(effective_role(true, None), Some(Role::Owner));
        assert_eq!(effective_role(true, Some(Role::Viewer)), Some(Role::Owner));
        assert_eq!(effective_role(false, Some(Role::Viewer)), Some(Role::Viewer));
        assert_eq!(effective_role(false, None), None);
    }
}

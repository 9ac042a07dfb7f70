//! Users, organizations, projects and memberships.

use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::slug::{OrganizationSlug, ProjectSlug};
use slipway_domain::text::Name;
use slipway_domain::{Organization, OrganizationId, Project, ProjectId, Role, User, UserId};

use crate::convert::{micros, to_i64, to_u32};
use crate::entities::{organization, organization_membership, project, project_membership, user};
use crate::error::{StoreError, corrupt};

/// A user row into a [`User`].
pub(crate) fn user_from_row(row: user::Model) -> User {
    User {
        id: UserId::from_uuid(row.id),
        subject: row.subject,
        name: row.name,
        email: row.email,
        created_at: row.created_at,
    }
}

/// A [`User`] into a row.
pub(crate) fn user_to_row(user: &User) -> user::Model {
    user::Model {
        id: user.id.as_uuid(),
        subject: user.subject.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        created_at: micros(user.created_at),
    }
}

/// An organization row into an [`Organization`].
pub(crate) fn organization_from_row(row: organization::Model) -> Result<Organization, StoreError> {
    let bad = |e: slipway_domain::ValidationError| corrupt("organizations", row.id, e);
    Ok(Organization {
        id: OrganizationId::from_uuid(row.id),
        slug: OrganizationSlug::parse(&row.slug).map_err(bad)?,
        name: Name::from_stored(&row.name).map_err(bad)?,
        environment_quota: row
            .environment_quota
            .map(|q| to_u32("organizations", row.id, "environment_quota", q))
            .transpose()?,
        created_at: row.created_at,
    })
}

/// An [`Organization`] into a row.
pub(crate) fn organization_to_row(org: &Organization) -> organization::Model {
    organization::Model {
        id: org.id.as_uuid(),
        slug: org.slug.as_str().to_owned(),
        name: org.name.as_str().to_owned(),
        environment_quota: org.environment_quota.map(i64::from),
        created_at: micros(org.created_at),
    }
}

/// A project row into a [`Project`].
pub(crate) fn project_from_row(row: project::Model) -> Result<Project, StoreError> {
    let bad = |e: slipway_domain::ValidationError| corrupt("projects", row.id, e);
    Ok(Project {
        id: ProjectId::from_uuid(row.id),
        organization_id: OrganizationId::from_uuid(row.organization_id),
        slug: ProjectSlug::parse(&row.slug).map_err(bad)?,
        name: Name::from_stored(&row.name).map_err(bad)?,
        created_at: row.created_at,
    })
}

/// A [`Project`] into a row, at serving revision `serving_revision`.
pub(crate) fn project_to_row(project: &Project, serving_revision: u64) -> Result<project::Model, StoreError> {
    Ok(project::Model {
        id: project.id.as_uuid(),
        organization_id: project.organization_id.as_uuid(),
        slug: project.slug.as_str().to_owned(),
        name: project.name.as_str().to_owned(),
        serving_revision: to_i64(serving_revision)?,
        created_at: micros(project.created_at),
    })
}

/// Parses a stored role.
pub(crate) fn role(table: &str, id: impl std::fmt::Display, value: &str) -> Result<Role, StoreError> {
    value.parse().map_err(|e| corrupt(table, id, e))
}

/// An organization membership row into a [`Membership`].
pub(crate) fn organization_membership_from_row(row: organization_membership::Model) -> Result<Membership, StoreError> {
    Ok(Membership {
        user_id: UserId::from_uuid(row.user_id),
        scope: MembershipScope::Organization(OrganizationId::from_uuid(row.organization_id)),
        role: role("organization_memberships", row.user_id, &row.role)?,
        source: MembershipSource::Slipway,
        created_at: row.created_at,
    })
}

/// A project membership row into a [`Membership`].
pub(crate) fn project_membership_from_row(row: project_membership::Model) -> Result<Membership, StoreError> {
    Ok(Membership {
        user_id: UserId::from_uuid(row.user_id),
        scope: MembershipScope::Project(ProjectId::from_uuid(row.project_id)),
        role: role("project_memberships", row.user_id, &row.role)?,
        source: MembershipSource::parse(&row.source)
            .ok_or_else(|| corrupt("project_memberships", row.user_id, "unknown membership source"))?,
        created_at: row.created_at,
    })
}

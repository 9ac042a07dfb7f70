//! Writes of users, organizations, memberships and projects.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter};
use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::{Organization, Project, ProjectId, User, UserId};

use crate::convert::identity::{organization_to_row, project_to_row, user_to_row};
use crate::convert::micros;
use crate::entities::{organization, organization_membership, project, project_membership, user};
use crate::error::{ConflictKind, StoreError, TxError};

pub(super) async fn insert_user(tx: &DatabaseTransaction, value: &User) -> Result<(), TxError> {
    user::Entity::insert(user_to_row(value).into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn insert_organization(tx: &DatabaseTransaction, value: &Organization) -> Result<(), TxError> {
    organization::Entity::insert(organization_to_row(value).into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn update_organization(tx: &DatabaseTransaction, value: &Organization) -> Result<(), TxError> {
    let row = organization_to_row(value);
    let updated = organization::Entity::update_many()
        .col_expr(organization::Column::Slug, Expr::value(row.slug))
        .col_expr(organization::Column::Name, Expr::value(row.name))
        .col_expr(
            organization::Column::EnvironmentQuota,
            Expr::value(row.environment_quota),
        )
        .filter(organization::Column::Id.eq(row.id))
        .exec(tx)
        .await?;
    if updated.rows_affected == 0 {
        return Err(StoreError::NotFound("organization").into());
    }
    Ok(())
}

pub(super) async fn insert_project(tx: &DatabaseTransaction, value: &Project) -> Result<(), TxError> {
    project::Entity::insert(project_to_row(value, 0)?.into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn upsert_membership(tx: &DatabaseTransaction, m: &Membership) -> Result<(), TxError> {
    let role = m.role.as_str().to_owned();
    match m.scope {
        MembershipScope::Organization(org) => {
            let row = organization_membership::Model {
                organization_id: org.as_uuid(),
                user_id: m.user_id.as_uuid(),
                role,
                created_at: micros(m.created_at),
            };
            organization_membership::Entity::insert(row.into_active_model())
                .on_conflict(
                    OnConflict::columns([
                        organization_membership::Column::OrganizationId,
                        organization_membership::Column::UserId,
                    ])
                    .update_column(organization_membership::Column::Role)
                    .to_owned(),
                )
                .exec_without_returning(tx)
                .await?;
        }
        MembershipScope::Project(project) => {
            let row = project_membership::Model {
                project_id: project.as_uuid(),
                user_id: m.user_id.as_uuid(),
                role,
                source: m.source.as_str().to_owned(),
                created_at: micros(m.created_at),
            };
            let mut on_conflict = OnConflict::columns([
                project_membership::Column::ProjectId,
                project_membership::Column::UserId,
            ]);
            match m.source {
                // A membership added in Slipway takes over one the identity provider granted.
                MembershipSource::Slipway => {
                    on_conflict.update_columns([project_membership::Column::Role, project_membership::Column::Source]);
                }
                // The group mapping changes only what it granted: a membership managed in
                // Slipway since the sync was planned stays as it is, and the commit fails.
                MembershipSource::IdentityProvider => {
                    on_conflict
                        .update_column(project_membership::Column::Role)
                        .action_and_where(
                            project_membership::Column::Source.eq(MembershipSource::IdentityProvider.as_str()),
                        );
                }
            }
            let written = project_membership::Entity::insert(row.into_active_model())
                .on_conflict(on_conflict.to_owned())
                .exec_without_returning(tx)
                .await?;
            if written == 0 {
                return Err(StoreError::Conflict(ConflictKind::Stale).into());
            }
        }
    }
    Ok(())
}

pub(super) async fn delete_membership(
    tx: &DatabaseTransaction,
    user_id: UserId,
    scope: MembershipScope,
) -> Result<(), TxError> {
    let deleted = match scope {
        MembershipScope::Organization(org) => {
            organization_membership::Entity::delete_many()
                .filter(organization_membership::Column::OrganizationId.eq(org.as_uuid()))
                .filter(organization_membership::Column::UserId.eq(user_id.as_uuid()))
                .exec(tx)
                .await?
                .rows_affected
        }
        MembershipScope::Project(project) => {
            project_membership::Entity::delete_many()
                .filter(project_membership::Column::ProjectId.eq(project.as_uuid()))
                .filter(project_membership::Column::UserId.eq(user_id.as_uuid()))
                .exec(tx)
                .await?
                .rows_affected
        }
    };
    if deleted == 0 {
        return Err(StoreError::NotFound("membership").into());
    }
    Ok(())
}

/// Removes a membership the identity provider granted; one managed in Slipway is left alone (and
/// the commit fails with not-found, as it does when there is none).
pub(super) async fn delete_provider_membership(
    tx: &DatabaseTransaction,
    user_id: UserId,
    project: ProjectId,
) -> Result<(), TxError> {
    let deleted = project_membership::Entity::delete_many()
        .filter(project_membership::Column::ProjectId.eq(project.as_uuid()))
        .filter(project_membership::Column::UserId.eq(user_id.as_uuid()))
        .filter(project_membership::Column::Source.eq(MembershipSource::IdentityProvider.as_str()))
        .exec(tx)
        .await?
        .rows_affected;
    if deleted == 0 {
        return Err(StoreError::NotFound("membership").into());
    }
    Ok(())
}

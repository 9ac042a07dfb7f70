//! Writes of users, organizations, memberships and projects.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter};
use slipway_domain::organization::{Membership, MembershipScope};
use slipway_domain::{Organization, Project, User, UserId};

use crate::convert::identity::{organization_to_row, project_to_row, user_to_row};
use crate::convert::micros;
use crate::entities::{organization, organization_membership, project, project_membership, user};
use crate::error::{StoreError, TxError};

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
                created_at: micros(m.created_at),
            };
            project_membership::Entity::insert(row.into_active_model())
                .on_conflict(
                    OnConflict::columns([
                        project_membership::Column::ProjectId,
                        project_membership::Column::UserId,
                    ])
                    .update_column(project_membership::Column::Role)
                    .to_owned(),
                )
                .exec_without_returning(tx)
                .await?;
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

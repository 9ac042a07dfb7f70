//! Writes of releases (optimistic on their state) and deployments.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use slipway_domain::deployment::Deployment;
use slipway_domain::release::{Release, ReleaseState};

use crate::convert::json::{bypass_to_json, changes_to_json, pointers_to_json};
use crate::convert::release::{approval_rows, change_rows, release_to_row};
use crate::convert::{micros, to_i64};
use crate::entities::{deployment, release, release_approval, release_change};
use crate::error::{ConflictKind, StoreError, TxError};

pub(super) async fn insert(tx: &DatabaseTransaction, value: &Release) -> Result<(), TxError> {
    release::Entity::insert(release_to_row(value).into_active_model())
        .exec_without_returning(tx)
        .await?;
    let changes = change_rows(value);
    if !changes.is_empty() {
        release_change::Entity::insert_many(changes.into_iter().map(IntoActiveModel::into_active_model))
            .exec_without_returning(tx)
            .await?;
    }
    insert_approvals(tx, value).await
}

async fn insert_approvals(tx: &DatabaseTransaction, value: &Release) -> Result<(), TxError> {
    let approvals = approval_rows(value);
    if !approvals.is_empty() {
        release_approval::Entity::insert_many(approvals.into_iter().map(IntoActiveModel::into_active_model))
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

pub(super) async fn update(tx: &DatabaseTransaction, value: &Release, expected: ReleaseState) -> Result<(), TxError> {
    let row = release_to_row(value);
    let updated = release::Entity::update_many()
        .col_expr(release::Column::State, Expr::value(row.state))
        .col_expr(release::Column::DecisionUser, Expr::value(row.decision_user))
        .col_expr(release::Column::DecisionReason, Expr::value(row.decision_reason))
        .col_expr(release::Column::DecisionAt, Expr::value(row.decision_at))
        .col_expr(release::Column::Bypass, Expr::value(row.bypass))
        .col_expr(release::Column::DeploymentId, Expr::value(row.deployment_id))
        .col_expr(release::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(release::Column::Id.eq(row.id))
        .filter(release::Column::State.eq(expected.as_str()))
        .exec(tx)
        .await?;
    if updated.rows_affected == 0 {
        let exists = release::Entity::find_by_id(row.id).count(tx).await? > 0;
        return Err(TxError::Fail(if exists {
            StoreError::Conflict(ConflictKind::ReleaseChanged)
        } else {
            StoreError::NotFound("release")
        }));
    }
    // The state check alone would let two concurrent approvals of a pending release both pass,
    // and the second would erase the first: every approval already stored must still be in the
    // release being written, else someone else changed it meanwhile. (On PostgreSQL the UPDATE
    // above holds the row lock, so this read sees every approval committed before it.)
    let stored = release_approval::Entity::find()
        .filter(release_approval::Column::ReleaseId.eq(row.id))
        .all(tx)
        .await?;
    let kept = value
        .parts()
        .approvals
        .iter()
        .map(|a| a.user.as_uuid())
        .collect::<Vec<_>>();
    if stored.iter().any(|a| !kept.contains(&a.user_id)) {
        return Err(TxError::Fail(StoreError::Conflict(ConflictKind::ReleaseChanged)));
    }
    release_approval::Entity::delete_many()
        .filter(release_approval::Column::ReleaseId.eq(row.id))
        .exec(tx)
        .await?;
    insert_approvals(tx, value).await
}

pub(super) async fn insert_deployment(tx: &DatabaseTransaction, value: &Deployment) -> Result<(), TxError> {
    let row = deployment::Model {
        id: value.id.as_uuid(),
        project_id: value.project_id.as_uuid(),
        environment_id: value.environment_id.as_uuid(),
        release_id: value.release_id.as_uuid(),
        sequence: to_i64(value.sequence)?,
        changes: changes_to_json(&value.changes),
        pointers_after: pointers_to_json(&value.pointers_after),
        deployed_by: value.deployed_by.map(|u| u.as_uuid()),
        bypass: value.bypass.as_ref().map(bypass_to_json),
        deployed_at: micros(value.deployed_at),
    };
    deployment::Entity::insert(row.into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

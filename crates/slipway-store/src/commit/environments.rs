//! Writes of environments: insert, save (role flags moved without transient violations of the
//! partial unique indexes), delete.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect};
use slipway_domain::environment::Environment;
use slipway_domain::{EnvironmentId, ProjectId};

use crate::commit::Write;
use crate::convert::environment::environment_to_row;
use crate::convert::json::policy_to_json;
use crate::entities::environment::{Column, Entity};
use crate::error::{ConflictKind, StoreError, TxError};

pub(super) async fn insert(tx: &DatabaseTransaction, envs: &[Environment]) -> Result<(), TxError> {
    if envs.is_empty() {
        return Ok(());
    }
    Entity::insert_many(envs.iter().map(|e| environment_to_row(e).into_active_model()))
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn save(tx: &DatabaseTransaction, envs: &[Environment]) -> Result<(), TxError> {
    // First every field, clearing the exclusive flags that become false...
    for env in envs {
        let mut update = Entity::update_many()
            .col_expr(Column::Name, Expr::value(env.name.as_str()))
            .col_expr(Column::Description, Expr::value(env.description.as_str()))
            .col_expr(Column::Color, Expr::value(env.color.to_string()))
            .col_expr(Column::Position, Expr::value(i64::from(env.position)))
            .col_expr(Column::IsProduction, Expr::value(env.is_production))
            .col_expr(Column::PolicyRevision, Expr::value(i64::from(env.policy.revision())))
            .col_expr(Column::Policy, Expr::value(policy_to_json(&env.policy)));
        if !env.is_default_publish_target {
            update = update.col_expr(Column::IsDefaultPublishTarget, Expr::value(false));
        }
        if !env.is_gateway_fallback {
            update = update.col_expr(Column::IsGatewayFallback, Expr::value(false));
        }
        let updated = update
            .filter(Column::Id.eq(env.id.as_uuid()))
            .filter(Column::ProjectId.eq(env.project_id.as_uuid()))
            .exec(tx)
            .await?;
        if updated.rows_affected == 0 {
            return Err(StoreError::NotFound("environment").into());
        }
    }
    // ...then setting those that become true, so no two holders exist even for a statement.
    for env in envs {
        let mut update = Entity::update_many();
        let mut any = false;
        if env.is_default_publish_target {
            update = update.col_expr(Column::IsDefaultPublishTarget, Expr::value(true));
            any = true;
        }
        if env.is_gateway_fallback {
            update = update.col_expr(Column::IsGatewayFallback, Expr::value(true));
            any = true;
        }
        if any {
            update.filter(Column::Id.eq(env.id.as_uuid())).exec(tx).await?;
        }
    }
    Ok(())
}

pub(super) async fn delete(tx: &DatabaseTransaction, id: EnvironmentId) -> Result<(), TxError> {
    let env = Entity::find_by_id(id.as_uuid())
        .one(tx)
        .await?
        .ok_or(StoreError::NotFound("environment"))?;
    let refusal = if env.is_system {
        Some(ConflictKind::SystemEnvironment)
    } else if env.is_default_publish_target {
        Some(ConflictKind::ExclusiveRole("default publish target"))
    } else if env.is_gateway_fallback {
        Some(ConflictKind::ExclusiveRole("gateway fallback"))
    } else {
        None
    };
    if let Some(kind) = refusal {
        return Err(StoreError::Conflict(kind).into());
    }
    // Pointers, releases (with their changes and approvals) and deployments go with it.
    Entity::delete_by_id(id.as_uuid()).exec(tx).await?;
    Ok(())
}

/// The projects whose serving state `write` changes.
pub(super) async fn projects_of(tx: &DatabaseTransaction, write: &Write) -> Result<Vec<ProjectId>, TxError> {
    Ok(match write {
        Write::InsertProject { project, .. } => vec![project.id],
        Write::InsertEnvironment(env) => vec![env.project_id],
        Write::SaveEnvironments(envs) => envs.iter().map(|e| e.project_id).collect(),
        Write::DeleteEnvironment(id) | Write::MovePointers { environment: id, .. } => Entity::find_by_id(id.as_uuid())
            .select_only()
            .column(Column::ProjectId)
            .into_tuple::<uuid::Uuid>()
            .one(tx)
            .await?
            .map(ProjectId::from_uuid)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    })
}

//! Compare-and-swap on pointers: moving them (a deployment) and checking them (a promotion's
//! source).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect,
};
use slipway_domain::release::Change;
use slipway_domain::{EnvironmentId, ResourceId, VersionId};
use uuid::Uuid;

use crate::connect::Backend;
use crate::convert::micros;
use crate::entities::pointer::{self, Column, Entity};
use crate::error::{ConflictKind, StoreError, TxError, unique_means};

fn moved() -> TxError {
    TxError::Fail(StoreError::Conflict(ConflictKind::PointerMoved))
}

fn at_pointer(environment: EnvironmentId, resource: ResourceId) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(Column::EnvironmentId.eq(environment.as_uuid()))
        .add(Column::ResourceId.eq(resource.as_uuid()))
}

/// Applies `changes` to `environment`'s pointers, each only if the pointer still holds the
/// change's `from_version`. Changes are applied in resource order, so that concurrent
/// transactions lock pointer rows in the same order and cannot deadlock each other.
pub(super) async fn move_pointers(
    tx: &DatabaseTransaction,
    environment: EnvironmentId,
    changes: &[Change],
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let at = micros(at);
    let mut ordered: Vec<&Change> = changes.iter().collect();
    ordered.sort_by_key(|c| c.resource_id);
    for change in ordered {
        let here = at_pointer(environment, change.resource_id);
        match (change.from_version, change.to_version) {
            (None, Some(to)) => {
                let row = pointer::Model {
                    environment_id: environment.as_uuid(),
                    resource_id: change.resource_id.as_uuid(),
                    version_id: to.as_uuid(),
                    revision: 1,
                    since: at,
                };
                // A pointer that exists already (or was created concurrently) means the target
                // moved.
                Entity::insert(row.into_active_model())
                    .exec_without_returning(tx)
                    .await
                    .map_err(|e| unique_means(e, ConflictKind::PointerMoved))?;
            }
            (Some(from), Some(to)) => {
                let updated = Entity::update_many()
                    .col_expr(Column::VersionId, Expr::value(to.as_uuid()))
                    .col_expr(Column::Revision, Expr::col(Column::Revision).add(1))
                    .col_expr(Column::Since, Expr::value(at))
                    .filter(here)
                    .filter(Column::VersionId.eq(from.as_uuid()))
                    .exec(tx)
                    .await?;
                if updated.rows_affected == 0 {
                    return Err(moved());
                }
            }
            (Some(from), None) => {
                let deleted = Entity::delete_many()
                    .filter(here)
                    .filter(Column::VersionId.eq(from.as_uuid()))
                    .exec(tx)
                    .await?;
                if deleted.rows_affected == 0 {
                    return Err(moved());
                }
            }
            (None, None) => {
                if Entity::find().filter(here).count(tx).await? > 0 {
                    return Err(moved());
                }
            }
        }
    }
    Ok(())
}

/// Checks that `environment` serves exactly `expected`. On PostgreSQL the rows read are
/// share-locked until the transaction ends, so the source of a promotion cannot move before the
/// promotion commits (on SQLite, `BEGIN IMMEDIATE` already excludes every other writer).
pub(super) async fn expect(
    tx: &DatabaseTransaction,
    backend: Backend,
    environment: EnvironmentId,
    expected: &[(ResourceId, Option<VersionId>)],
) -> Result<(), TxError> {
    if expected.is_empty() {
        return Ok(());
    }
    let mut resources: Vec<Uuid> = expected.iter().map(|(r, _)| r.as_uuid()).collect();
    resources.sort();
    let mut query = Entity::find()
        .select_only()
        .column(Column::ResourceId)
        .column(Column::VersionId)
        .filter(Column::EnvironmentId.eq(environment.as_uuid()))
        .filter(Column::ResourceId.is_in(resources));
    if backend == Backend::Postgres {
        query = query.lock_shared();
    }
    let current: HashMap<Uuid, Uuid> = query.into_tuple::<(Uuid, Uuid)>().all(tx).await?.into_iter().collect();
    for (resource, version) in expected {
        if current.get(&resource.as_uuid()).copied() != version.map(|v| v.as_uuid()) {
            return Err(moved());
        }
    }
    Ok(())
}

//! The audit event every commit appends, and the serving revision of the projects it touched.

use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, Statement};
use slipway_domain::audit::{AuditEvent, GENESIS_HASH};
use slipway_domain::{AuditEventId, ProjectId};
use uuid::Uuid;

use crate::commit::{Commit, notify};
use crate::connect::Backend;
use crate::convert::audit::audit_event_to_row;
use crate::convert::to_u64;
use crate::entities::audit_event;
use crate::error::{ConflictKind, StoreError, TxError};
use crate::notice::Notice;

/// Fails with [`ConflictKind::Stale`] unless `project`'s serving revision is `expected`; on
/// PostgreSQL the row stays locked until the transaction ends, so no other commit can change the
/// project's environments or pointers in between.
pub(super) async fn expect_serving_revision(
    tx: &DatabaseTransaction,
    backend: Backend,
    project: ProjectId,
    expected: i64,
) -> Result<(), TxError> {
    let sql = if backend == Backend::Postgres {
        "SELECT serving_revision FROM projects WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT serving_revision FROM projects WHERE id = $1"
    };
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            tx.get_database_backend(),
            sql,
            [project.as_uuid().into()],
        ))
        .await?
        .ok_or(StoreError::NotFound("project"))?;
    let current: i64 = row.try_get_by_index(0)?;
    if current == expected {
        Ok(())
    } else {
        Err(TxError::Fail(StoreError::Conflict(ConflictKind::Stale)))
    }
}

/// Bumps `project`'s serving revision and returns the new value; on PostgreSQL also queues a
/// notification, delivered to listeners when (and only if) the transaction commits.
pub(super) async fn bump_serving_revision(
    tx: &DatabaseTransaction,
    backend: Backend,
    project: ProjectId,
) -> Result<i64, TxError> {
    let db = tx.get_database_backend();
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            db,
            "UPDATE projects SET serving_revision = serving_revision + 1 WHERE id = $1 RETURNING serving_revision",
            [project.as_uuid().into()],
        ))
        .await?
        .ok_or(StoreError::NotFound("project"))?;
    let revision: i64 = row.try_get_by_index(0)?;
    notify::queue(tx, backend, Notice::Serving { project, revision }).await?;
    Ok(revision)
}

/// Appends the commit's audit event to its chain. The chain's head row is read and updated in
/// this transaction: on PostgreSQL under `FOR UPDATE`, which serializes appends per chain; on
/// SQLite `BEGIN IMMEDIATE` already serializes every writer.
pub(super) async fn append(tx: &DatabaseTransaction, backend: Backend, commit: &Commit) -> Result<AuditEvent, TxError> {
    let db = tx.get_database_backend();
    let chain: sea_orm::Value = commit.chain_id.into();
    // Only a chain without a head gets one: the database refuses a second head for a chain
    // (SQLite checks that before any conflict clause), and `ON CONFLICT` covers PostgreSQL's
    // concurrent first appends.
    tx.execute_raw(Statement::from_sql_and_values(
        db,
        "INSERT INTO audit_heads (chain_id, sequence, hash) SELECT $1, 0, $2 \
         WHERE NOT EXISTS (SELECT 1 FROM audit_heads WHERE chain_id = $3) ON CONFLICT (chain_id) DO NOTHING",
        [chain.clone(), GENESIS_HASH.into(), chain.clone()],
    ))
    .await?;
    let lock = if backend == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let head = tx
        .query_one_raw(Statement::from_sql_and_values(
            db,
            format!("SELECT sequence, hash FROM audit_heads WHERE chain_id = $1{lock}"),
            [chain.clone()],
        ))
        .await?
        .ok_or_else(|| StoreError::Internal("the audit chain head vanished".to_owned()))?;
    let sequence: i64 = head.try_get_by_index(0)?;
    let prev_hash: String = head.try_get_by_index(1)?;
    let next = to_u64("audit_heads", commit.chain_id, "sequence", sequence)? + 1;

    let event = AuditEvent::chain(
        AuditEventId::from_uuid(Uuid::now_v7()),
        commit.chain_id,
        next,
        &prev_hash,
        commit.audit.clone(),
        commit.at,
    );
    audit_event::Entity::insert(audit_event_to_row(&event)?.into_active_model())
        .exec_without_returning(tx)
        .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        db,
        "UPDATE audit_heads SET sequence = $2, hash = $3 WHERE chain_id = $1",
        [chain, crate::convert::to_i64(next)?.into(), event.hash.clone().into()],
    ))
    .await?;
    Ok(event)
}

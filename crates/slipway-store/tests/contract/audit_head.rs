//! The audit chain's head: a chain whose newest events were removed is reported as truncated,
//! the database keeps the head from being moved back or deleted while the store's own appends
//! go on, and callers' request ids are stored and hashed with their events.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use slipway_domain::audit::{ChainBreak, ChainHead, EventProblem, GENESIS_HASH, verify_against_head};
use slipway_store::Store;
use uuid::Uuid;

use crate::contract;
use crate::fixtures::{commit, world};
use crate::support::TestDb;

contract!(
    removing_the_newest_event_is_reported_as_truncation,
    the_database_keeps_the_head_from_moving_back_or_vanishing,
    a_head_moved_by_someone_who_removed_its_guard_is_reported,
    caller_request_ids_are_stored_and_hashed_when_present
);

async fn verify(store: &Store, chain: Uuid) -> Result<u64, ChainBreak> {
    let (events, head) = store.audit_chain_with_head(chain).await.unwrap();
    verify_against_head(&events, head.as_ref())
}

async fn head(store: &Store, chain: Uuid) -> ChainHead {
    store.audit_chain_with_head(chain).await.unwrap().1.unwrap()
}

async fn exec(raw: &DatabaseConnection, sql: &str, chain: Uuid) -> Result<u64, sea_orm::DbErr> {
    raw.execute_raw(Statement::from_sql_and_values(
        raw.get_database_backend(),
        sql,
        [chain.into()],
    ))
    .await
    .map(|r| r.rows_affected())
}

/// Asserts that the database refused `sql` with the heads' guard.
async fn refused(raw: &DatabaseConnection, sql: &str, chain: Uuid) {
    match exec(raw, sql, chain).await {
        Ok(rows) => panic!("{sql}: the database accepted it ({rows} rows)"),
        Err(e) => assert!(
            e.to_string().contains("audit chain heads"),
            "{sql}: refused for another reason: {e}"
        ),
    }
}

/// What an attacker with the schema owner's rights runs first to delete audit events.
async fn drop_events_guard(raw: &DatabaseConnection) {
    let sql = match raw.get_database_backend() {
        DbBackend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_refuse_change",
        _ => "DROP TRIGGER audit_events_refuse_delete",
    };
    raw.execute_unprepared(sql).await.unwrap();
}

async fn removing_the_newest_event_is_reported_as_truncation(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "trunc").await;
    for i in 0..3 {
        w.commit(s, &format!("step.{i}"), Vec::new()).await.unwrap();
    }
    assert_eq!(verify(s, w.chain()).await, Ok(4), "an intact chain verifies");
    let before = head(s, w.chain()).await;
    let (events, _) = s.audit_chain_with_head(w.chain()).await.unwrap();
    assert_eq!(before.sequence, 4);
    assert_eq!(before.hash, events[3].hash);

    let raw = db.raw().await;
    let delete_newest = "DELETE FROM audit_events WHERE chain_id = $1 AND sequence = 4";
    assert!(
        exec(&raw, delete_newest, w.chain()).await.is_err(),
        "the events' own guard refuses first"
    );
    drop_events_guard(&raw).await;
    assert_eq!(exec(&raw, delete_newest, w.chain()).await.unwrap(), 1);

    let (cut, _) = s.audit_chain_with_head(w.chain()).await.unwrap();
    assert_eq!(
        slipway_domain::audit::verify_chain(&cut),
        Ok(3),
        "what is left is a valid chain on its own"
    );
    let truncated = ChainBreak::Truncated {
        head_sequence: 4,
        head_hash: before.hash.clone(),
        last_sequence: 3,
    };
    assert_eq!(verify(s, w.chain()).await, Err(truncated.clone()));

    // Removing everything is truncation down to nothing.
    assert_eq!(
        exec(&raw, "DELETE FROM audit_events WHERE chain_id = $1", w.chain())
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        verify(s, w.chain()).await,
        Err(ChainBreak::Truncated {
            head_sequence: 4,
            head_hash: before.hash,
            last_sequence: 0,
        })
    );
    raw.close().await.unwrap();

    // Another chain is not affected.
    assert_eq!(verify(s, w.org.id.as_uuid()).await, Ok(1));
}

async fn the_database_keeps_the_head_from_moving_back_or_vanishing(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "guard").await;
    w.commit(s, "step.1", Vec::new()).await.unwrap();
    let raw = db.raw().await;
    let backend = raw.get_database_backend();
    for sql in [
        "UPDATE audit_heads SET sequence = sequence - 1 WHERE chain_id = $1",
        "UPDATE audit_heads SET sequence = 0 WHERE chain_id = $1",
        "UPDATE audit_heads SET hash = 'ffff' WHERE chain_id = $1",
        // Forward, but to an event that does not exist.
        "UPDATE audit_heads SET sequence = sequence + 1 WHERE chain_id = $1",
        "DELETE FROM audit_heads WHERE chain_id = $1",
    ] {
        refused(&raw, sql, w.chain()).await;
    }
    let reset = format!("UPDATE audit_heads SET sequence = 0, hash = '{GENESIS_HASH}' WHERE chain_id = $1");
    refused(&raw, &reset, w.chain()).await;
    // A fresh head for a new chain must start at 0.
    refused(
        &raw,
        "INSERT INTO audit_heads (chain_id, sequence, hash) VALUES ($1, 7, 'ffff')",
        Uuid::now_v7(),
    )
    .await;
    // Replacing a chain's head with a fresh one is refused as well.
    let replace = match backend {
        DbBackend::Postgres => format!(
            "INSERT INTO audit_heads (chain_id, sequence, hash) VALUES ($1, 0, '{GENESIS_HASH}') \
             ON CONFLICT (chain_id) DO UPDATE SET sequence = 0, hash = EXCLUDED.hash"
        ),
        _ => format!("INSERT OR REPLACE INTO audit_heads (chain_id, sequence, hash) VALUES ($1, 0, '{GENESIS_HASH}')"),
    };
    refused(&raw, &replace, w.chain()).await;
    if backend == DbBackend::Postgres {
        let truncate = raw.execute_unprepared("TRUNCATE audit_heads").await;
        assert!(
            truncate.is_err_and(|e| e.to_string().contains("audit chain heads")),
            "TRUNCATE is refused"
        );
    }
    raw.close().await.unwrap();

    // The store's own appends still move the head, on this chain and on a new one.
    assert_eq!(verify(s, w.chain()).await, Ok(2));
    for i in 0..3 {
        w.commit(s, &format!("step.more.{i}"), Vec::new()).await.unwrap();
    }
    assert_eq!(verify(s, w.chain()).await, Ok(5));
    let fresh = Uuid::now_v7();
    s.commit(commit(fresh, w.user.id, "first.event", Vec::new()))
        .await
        .unwrap();
    assert_eq!(verify(s, fresh).await, Ok(1));
}

async fn a_head_moved_by_someone_who_removed_its_guard_is_reported(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "unguard").await;
    w.commit(s, "step.1", Vec::new()).await.unwrap();
    w.commit(s, "step.2", Vec::new()).await.unwrap();
    let raw = db.raw().await;
    let drop_guard: &[&str] = match raw.get_database_backend() {
        DbBackend::Postgres => &["ALTER TABLE audit_heads DISABLE TRIGGER audit_heads_guard"],
        _ => &[
            "DROP TRIGGER audit_heads_guard_update",
            "DROP TRIGGER audit_heads_guard_delete",
        ],
    };
    for sql in drop_guard {
        raw.execute_unprepared(sql).await.unwrap();
    }
    exec(
        &raw,
        "UPDATE audit_heads SET hash = 'ffff' WHERE chain_id = $1",
        w.chain(),
    )
    .await
    .unwrap();
    assert!(matches!(
        verify(s, w.chain()).await,
        Err(ChainBreak::HeadMismatch { sequence: 3, ref head_hash, .. }) if head_hash == "ffff"
    ));
    exec(
        &raw,
        "UPDATE audit_heads SET sequence = 2 WHERE chain_id = $1",
        w.chain(),
    )
    .await
    .unwrap();
    assert_eq!(
        verify(s, w.chain()).await,
        Err(ChainBreak::HeadBehind {
            head_sequence: 2,
            last_sequence: 3
        })
    );
    exec(&raw, "DELETE FROM audit_heads WHERE chain_id = $1", w.chain())
        .await
        .unwrap();
    assert_eq!(verify(s, w.chain()).await, Err(ChainBreak::HeadMissing { events: 3 }));
    raw.close().await.unwrap();
}

async fn caller_request_ids_are_stored_and_hashed_when_present(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "callers").await;
    let mut without = commit(w.chain(), w.user.id, "no.caller.id", Vec::new());
    without.audit.caller_request_id = None;
    s.commit(without).await.unwrap();
    let mut with = commit(w.chain(), w.user.id, "caller.id", Vec::new());
    with.audit.caller_request_id = Some("abc-123".to_owned());
    s.commit(with).await.unwrap();

    let (events, _) = s.audit_chain_with_head(w.chain()).await.unwrap();
    assert_eq!(events[1].entry.caller_request_id, None);
    assert_eq!(events[2].entry.caller_request_id.as_deref(), Some("abc-123"));
    assert_eq!(events[2].entry.request_id.as_deref(), Some("req-1"));
    assert_eq!(verify(s, w.chain()).await, Ok(3));

    // The caller's id is covered by the hash like every other field.
    let raw = db.raw().await;
    let drop_guard = match raw.get_database_backend() {
        DbBackend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_refuse_change",
        _ => "DROP TRIGGER audit_events_refuse_update",
    };
    raw.execute_unprepared(drop_guard).await.unwrap();
    exec(
        &raw,
        "UPDATE audit_events SET caller_request_id = 'forged' WHERE chain_id = $1 AND sequence = 3",
        w.chain(),
    )
    .await
    .unwrap();
    raw.close().await.unwrap();
    assert_eq!(
        verify(s, w.chain()).await,
        Err(ChainBreak::Event {
            event_id: events[2].id,
            sequence: 3,
            problem: EventProblem::Edited,
        })
    );
}

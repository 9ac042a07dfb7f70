//! The hash-chained audit log: it verifies, its rows are append-only, and tampering is located.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;
use slipway_domain::audit::Actor;
use slipway_domain::audit::{ChainBreak, EventProblem, verify_chain};
use slipway_store::{AuditFilter, AuditSubject, PageRequest, StoreError};

use crate::contract;
use crate::fixtures::{commit, world};
use crate::support::TestDb;

contract!(
    the_chain_verifies_and_tampering_is_located,
    audit_events_page_newest_first,
    audit_events_filter_by_action_actor_and_subject
);

async fn the_chain_verifies_and_tampering_is_located(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "audit").await;
    for i in 0..4 {
        w.commit(s, &format!("step.{i}"), Vec::new()).await.unwrap();
    }
    let chain = s.audit_chain(w.chain()).await.unwrap();
    assert_eq!(verify_chain(&chain).unwrap(), 5);
    assert_eq!(chain[0].entry.action, "project.create");
    assert_eq!(chain[0].prev_hash, slipway_domain::audit::GENESIS_HASH);
    // The organization's chain is separate.
    assert_eq!(
        verify_chain(&s.audit_chain(w.org.id.as_uuid()).await.unwrap()).unwrap(),
        1
    );

    let raw = db.raw().await;
    let backend: DbBackend = raw.get_database_backend();
    let target = &chain[2];
    let tamper = Statement::from_sql_and_values(
        backend,
        "UPDATE audit_events SET after = $1 WHERE id = $2",
        [r#"{"forged":true}"#.into(), target.id.as_uuid().into()],
    );
    assert!(
        raw.execute_raw(tamper.clone()).await.is_err(),
        "the database refuses to edit audit events"
    );
    let delete = Statement::from_sql_and_values(
        backend,
        "DELETE FROM audit_events WHERE id = $1",
        [target.id.as_uuid().into()],
    );
    assert!(
        raw.execute_raw(delete).await.is_err(),
        "the database refuses to delete audit events"
    );

    // An attacker with the schema owner's rights removes the guard first.
    let drop_guard = match backend {
        DbBackend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_refuse_change",
        _ => "DROP TRIGGER audit_events_refuse_update",
    };
    raw.execute_unprepared(drop_guard).await.unwrap();
    raw.execute_raw(tamper).await.unwrap();
    raw.close().await.unwrap();

    let tampered = s.audit_chain(w.chain()).await.unwrap();
    assert_eq!(
        verify_chain(&tampered),
        Err(ChainBreak::Event {
            event_id: target.id,
            sequence: 3,
            problem: EventProblem::Edited,
        }),
        "the edited event is located"
    );
}

async fn audit_events_page_newest_first(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "pages").await;
    for i in 0..6 {
        w.commit(s, &format!("step.{i}"), Vec::new()).await.unwrap();
    }
    let first = s
        .audit_events(w.chain(), &AuditFilter::default(), PageRequest::first(3))
        .await
        .unwrap();
    assert_eq!(
        first.items.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        vec![7, 6, 5]
    );
    let second = s
        .audit_events(
            w.chain(),
            &AuditFilter::default(),
            PageRequest::after(3, first.next_cursor.clone().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(
        second.items.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        vec![4, 3, 2]
    );
    let last = s
        .audit_events(
            w.chain(),
            &AuditFilter::default(),
            PageRequest::after(3, second.next_cursor.clone().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(last.items.iter().map(|e| e.sequence).collect::<Vec<_>>(), vec![1]);
    assert_eq!(last.next_cursor, None);
    assert_eq!(
        s.audit_events(
            w.chain(),
            &AuditFilter::default(),
            PageRequest::after(3, "not-a-cursor")
        )
        .await,
        Err(StoreError::InvalidCursor)
    );
    assert_eq!(
        s.deployments(w.prod().id, PageRequest::after(3, first.next_cursor.unwrap()))
            .await,
        Err(StoreError::InvalidCursor),
        "a cursor of another list is refused"
    );
}

async fn audit_events_filter_by_action_actor_and_subject(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "filters").await;
    let env = w.staging().id.as_uuid();
    let other = uuid::Uuid::now_v7();
    // (action, actor is the world's user, target, after summary)
    let events = [
        (
            "environment.update",
            true,
            ("environment", "staging"),
            json!({"name": "Staging"}),
        ),
        (
            "release.approve",
            true,
            ("release", "r1"),
            json!({"environment_id": env.to_string()}),
        ),
        (
            "release.apply",
            false,
            ("release", "r2"),
            json!({"environment_id": other.to_string()}),
        ),
        ("routing_rule.create", false, ("routing_rule", "r"), json!({})),
        ("routingXrule.create", false, ("test", "x"), json!({})),
    ];
    for (action, by_user, (kind, id), after) in events {
        let mut c = commit(w.chain(), w.user.id, action, Vec::new());
        c.audit.target_kind = kind.to_owned();
        c.audit.target_id = id.to_owned();
        c.audit.after = Some(after);
        if !by_user {
            c.audit.actor = Actor::System;
        }
        s.commit(c).await.unwrap();
    }
    let chain = w.chain();
    let actions = |filter: AuditFilter| async move {
        let page = s.audit_events(chain, &filter, PageRequest::first(50)).await.unwrap();
        page.items.into_iter().map(|e| e.entry.action).collect::<Vec<_>>()
    };
    let kind = |k: &str| AuditFilter {
        action_kind: Some(k.to_owned()),
        ..Default::default()
    };
    assert_eq!(actions(kind("release")).await, ["release.apply", "release.approve"]);
    assert_eq!(
        actions(kind("routing_rule")).await,
        ["routing_rule.create"],
        "an underscore is no wildcard"
    );
    assert_eq!(actions(kind("%")).await, Vec::<String>::new(), "nor is a percent sign");
    let exact = AuditFilter {
        action: Some("release.apply".into()),
        ..Default::default()
    };
    assert_eq!(actions(exact).await, ["release.apply"]);
    let system = AuditFilter {
        actor: Some("system".into()),
        action_kind: Some("release".into()),
        ..Default::default()
    };
    assert_eq!(actions(system).await, ["release.apply"], "filters combine");
    let staging = AuditFilter {
        subject: Some(AuditSubject {
            target_kind: "environment".into(),
            target_id: "staging".into(),
            summary_field: "environment_id",
            summary_id: env,
        }),
        ..Default::default()
    };
    assert_eq!(actions(staging).await, ["release.approve", "environment.update"]);
}

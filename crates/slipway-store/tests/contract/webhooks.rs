//! Webhook endpoints and the outbox: deliveries written with the change that causes them,
//! claimed oldest-first per endpoint under a lease (never twice at once, even by concurrent
//! claimants on PostgreSQL), attempts recorded only under the lease that was claimed.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use slipway_domain::text::Description;
use slipway_domain::webhook::delivery::{DeliveryStatus, Health, Outcome, Settled};
use slipway_domain::webhook::secrets::Secrets;
use slipway_domain::webhook::{DisabledReason, EndpointStatus, EventKind, EventSet, WebhookEndpoint, WebhookUrl};
use slipway_domain::{WebhookDeliveryId, WebhookEndpointId};
use slipway_store::{
    AttemptRecord, ClaimedDelivery, PageRequest, SealedSecret, Store, StoreError, StoredEndpoint, WebhookEvent, Write,
};
use uuid::Uuid;

use crate::contract;
use crate::fixtures::{World, id, now, world};
use crate::support::TestDb;

contract!(
    endpoints_round_trip,
    events_are_written_with_their_change_to_the_endpoints_that_want_them,
    claims_keep_order_per_endpoint_and_respect_leases,
    concurrent_claims_never_share_a_delivery,
    failing_endpoints_are_disabled_and_redeliveries_queue_again,
);

fn sealed(byte: u8) -> SealedSecret {
    SealedSecret {
        id: id(),
        ciphertext: vec![byte; 40],
    }
}

fn endpoint(w: &World, events: &[&str]) -> StoredEndpoint {
    StoredEndpoint {
        endpoint: WebhookEndpoint {
            id: WebhookEndpointId::from_uuid(id()),
            project_id: w.project.id,
            url: WebhookUrl::parse("https://hooks.example.com/slipway").unwrap(),
            description: Description::parse("CI").unwrap(),
            events: EventSet::parse(events).unwrap(),
            status: EndpointStatus::Enabled,
            failing_since: None,
            created_at: now(),
            updated_at: now(),
        },
        secrets: Secrets::new(sealed(1)),
    }
}

fn event(w: &World, kind: EventKind, at: DateTime<Utc>) -> WebhookEvent {
    WebhookEvent {
        id: id(),
        project: w.project.id,
        kind,
        body: format!("{{\"type\":\"{kind}\"}}"),
        at,
        only: None,
    }
}

async fn add(s: &Store, w: &World, e: &StoredEndpoint) {
    w.commit(s, "webhook.create", vec![Write::InsertWebhookEndpoint(e.clone())])
        .await
        .unwrap();
}

async fn enqueue(s: &Store, w: &World, e: WebhookEvent) {
    w.commit(s, "release.create", vec![Write::EnqueueWebhookEvent(e)])
        .await
        .unwrap();
}

fn record(c: &ClaimedDelivery, outcome: Outcome, at: DateTime<Utc>, next: Option<DateTime<Utc>>) -> AttemptRecord {
    AttemptRecord {
        delivery: c.delivery.id,
        lease: c.lease,
        at,
        outcome,
        latency_ms: 12,
        settled: Settled {
            status: if outcome.delivered() {
                DeliveryStatus::Delivered
            } else if next.is_some() {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::Failed
            },
            next_attempt_at: next,
        },
        health: Health {
            failing_since: (!outcome.delivered()).then_some(at),
            disable: false,
        },
    }
}

const LEASE: Duration = Duration::from_secs(30);

async fn endpoints_round_trip(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "hooks-rt").await;
    let mut e = endpoint(&w, &["release.pending_approval", "release.deployed"]);
    add(s, &w, &e).await;
    assert_eq!(s.webhook_endpoints(w.project.id).await.unwrap(), vec![e.clone()]);

    e.endpoint.url = WebhookUrl::parse("http://127.0.0.1:9/hook").unwrap();
    e.endpoint.events = EventSet::parse(&["environment.changed"]).unwrap();
    e.endpoint.status = EndpointStatus::Disabled {
        reason: DisabledReason::ByMember,
        at: now(),
    };
    w.commit(
        s,
        "webhook.update",
        vec![Write::UpdateWebhookEndpoint(e.endpoint.clone())],
    )
    .await
    .unwrap();
    let rotated = e.secrets.clone().rotate(sealed(2), now());
    let set = Write::SetWebhookSecrets {
        endpoint: e.endpoint.id,
        secrets: rotated.clone(),
        at: e.endpoint.updated_at,
    };
    w.commit(s, "webhook.rotate", vec![set]).await.unwrap();
    e.secrets = rotated;
    assert_eq!(s.webhook_endpoint(e.endpoint.id).await.unwrap(), Some(e.clone()));

    w.commit(s, "webhook.delete", vec![Write::DeleteWebhookEndpoint(e.endpoint.id)])
        .await
        .unwrap();
    assert_eq!(s.webhook_endpoint(e.endpoint.id).await.unwrap(), None);
    let again = w
        .commit(s, "webhook.delete", vec![Write::DeleteWebhookEndpoint(e.endpoint.id)])
        .await;
    assert!(matches!(again, Err(StoreError::NotFound(_))), "{again:?}");
}

async fn events_are_written_with_their_change_to_the_endpoints_that_want_them(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "hooks-fan").await;
    let wants = endpoint(&w, &["release.pending_approval"]);
    let other = endpoint(&w, &["release.deployed"]);
    let mut off = endpoint(&w, &["release.pending_approval"]);
    off.endpoint.status = EndpointStatus::Disabled {
        reason: DisabledReason::ByMember,
        at: now(),
    };
    for e in [&wants, &other, &off] {
        add(s, &w, e).await;
    }
    enqueue(s, &w, event(&w, EventKind::ReleasePendingApproval, now())).await;
    let count = |e: &StoredEndpoint| {
        let id = e.endpoint.id;
        async move {
            s.webhook_deliveries(id, PageRequest::default())
                .await
                .unwrap()
                .items
                .len()
        }
    };
    assert_eq!((count(&wants).await, count(&other).await, count(&off).await), (1, 0, 0));

    // A change that rolls back writes no delivery.
    let failed = w
        .commit(
            s,
            "release.create",
            vec![
                Write::EnqueueWebhookEvent(event(&w, EventKind::ReleasePendingApproval, now())),
                Write::DeleteWebhookEndpoint(WebhookEndpointId::from_uuid(id())),
            ],
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(count(&wants).await, 1);

    // The test event goes to the named endpoint only, even a disabled one.
    let mut test = event(&w, EventKind::Test, now());
    test.only = Some(off.endpoint.id);
    enqueue(s, &w, test.clone()).await;
    assert_eq!((count(&wants).await, count(&off).await), (1, 1));
    test.only = Some(WebhookEndpointId::from_uuid(id()));
    let missing = w
        .commit(s, "webhook.test", vec![Write::EnqueueWebhookEvent(test)])
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");

    let log = s
        .webhook_deliveries(wants.endpoint.id, PageRequest::default())
        .await
        .unwrap();
    let d = &log.items[0];
    assert_eq!(
        (d.kind, d.status, d.attempts),
        (EventKind::ReleasePendingApproval, DeliveryStatus::Pending, 0)
    );
    assert_eq!(s.webhook_delivery(d.id).await.unwrap().as_ref(), Some(d));
}

async fn claims_keep_order_per_endpoint_and_respect_leases(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "hooks-claim").await;
    let a = endpoint(&w, &["release.deployed"]);
    let b = endpoint(&w, &["release.deployed"]);
    add(s, &w, &a).await;
    add(s, &w, &b).await;
    let t0 = now();
    let mut events = Vec::new();
    for i in 0..3 {
        let e = event(&w, EventKind::ReleaseDeployed, t0 + Span::milliseconds(i));
        events.push(e.id);
        enqueue(s, &w, e).await;
    }
    let later = t0 + Span::seconds(1);
    assert!(
        s.claim_webhook_deliveries(t0 - Span::seconds(1), LEASE, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );

    // One delivery per endpoint, the oldest; nothing more while those are in flight.
    let first = s.claim_webhook_deliveries(later, LEASE, 10).await.unwrap();
    assert_eq!(first.len(), 2);
    assert!(first.iter().all(|c| c.delivery.event_id == events[0]));
    assert_eq!(first[0].body, "{\"type\":\"release.deployed\"}");
    assert_eq!(first[0].url, "https://hooks.example.com/slipway");
    assert!(s.claim_webhook_deliveries(later, LEASE, 10).await.unwrap().is_empty());

    // A failure keeps the endpoint on that delivery until it is due again.
    let on_a = first.iter().find(|c| c.delivery.endpoint_id == a.endpoint.id).unwrap();
    let retry_at = later + Span::seconds(60);
    assert!(
        s.record_webhook_attempt(&record(on_a, Outcome::Answered(500), later, Some(retry_at)))
            .await
            .unwrap()
    );
    assert!(
        !s.record_webhook_attempt(&record(on_a, Outcome::Answered(200), later, None))
            .await
            .unwrap(),
        "the lease was spent"
    );
    let on_b = first.iter().find(|c| c.delivery.endpoint_id == b.endpoint.id).unwrap();
    assert!(
        s.record_webhook_attempt(&record(on_b, Outcome::Answered(204), later, None))
            .await
            .unwrap()
    );
    let next = s.claim_webhook_deliveries(later, LEASE, 10).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(
        (next[0].delivery.endpoint_id, next[0].delivery.event_id),
        (b.endpoint.id, events[1])
    );

    assert!(
        s.record_webhook_attempt(&record(&next[0], Outcome::Answered(200), later, None))
            .await
            .unwrap()
    );
    let mut due = s.claim_webhook_deliveries(retry_at, LEASE, 10).await.unwrap();
    assert_eq!(due.len(), 2);
    due.retain(|c| c.delivery.endpoint_id == a.endpoint.id);
    assert_eq!(
        (due[0].delivery.endpoint_id, due[0].delivery.event_id),
        (a.endpoint.id, events[0])
    );
    assert_eq!(due[0].delivery.attempts, 1);
    assert_eq!(due[0].delivery.response_code, Some(500));

    // A lease that ends (its sender died) lets the delivery be claimed again, and the first
    // claimant's late record is refused.
    let expired = retry_at + Span::seconds(31);
    let reclaimed = s.claim_webhook_deliveries(expired, LEASE, 10).await.unwrap();
    let again = reclaimed
        .iter()
        .find(|c| c.delivery.endpoint_id == a.endpoint.id)
        .unwrap();
    assert_eq!(again.delivery.id, due[0].delivery.id);
    assert!(
        !s.record_webhook_attempt(&record(&due[0], Outcome::Answered(200), expired, None))
            .await
            .unwrap()
    );
    assert!(
        s.record_webhook_attempt(&record(again, Outcome::Answered(200), expired, None))
            .await
            .unwrap()
    );

    // On SQLite (one sender) a restart ends every claim at once; on PostgreSQL claims run out.
    let held = s.claim_webhook_deliveries(expired, LEASE, 10).await.unwrap();
    let released = s.release_webhook_claims().await.unwrap();
    let reclaimed = s.claim_webhook_deliveries(expired, LEASE, 10).await.unwrap();
    if s.backend() == slipway_store::Backend::Sqlite {
        // The claim just made and the one still held from the reclaim above.
        assert!(!held.is_empty() && released >= held.len() as u64);
        assert_eq!(reclaimed.len() as u64, released);
    } else {
        assert_eq!((released, reclaimed.len()), (0, 0));
    }
    let to_record: Vec<_> = if reclaimed.is_empty() { held } else { reclaimed };
    for c in &to_record {
        s.record_webhook_attempt(&record(c, Outcome::Answered(200), expired, None))
            .await
            .unwrap();
    }

    let log = s
        .webhook_deliveries(a.endpoint.id, PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(log.items.len(), 2);
    assert_eq!(log.items[1].event_id, events[1], "newest first");
    let rest = s
        .webhook_deliveries(a.endpoint.id, PageRequest::after(2, log.next_cursor.unwrap()))
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    let delivered = &rest.items[0];
    assert_eq!(
        (delivered.event_id, delivered.status, delivered.attempts),
        (events[0], DeliveryStatus::Delivered, 2)
    );
    assert_eq!(
        (delivered.response_code, delivered.latency_ms, delivered.next_attempt_at),
        (Some(200), Some(12), None)
    );
    let bad = s.webhook_deliveries(a.endpoint.id, PageRequest::after(2, "zz")).await;
    assert!(matches!(bad, Err(StoreError::InvalidCursor)));
}

async fn concurrent_claims_never_share_a_delivery(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "hooks-race").await;
    let mut endpoints = Vec::new();
    for _ in 0..6 {
        let e = endpoint(&w, &["release.created"]);
        add(s, &w, &e).await;
        endpoints.push(e);
    }
    for _ in 0..3 {
        enqueue(s, &w, event(&w, EventKind::ReleaseCreated, now())).await;
    }
    let at = now() + Span::seconds(1);
    let claimants: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.claim_webhook_deliveries(at, LEASE, 3).await.unwrap() })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut per_endpoint = HashSet::new();
    for c in claimants {
        for claimed in c.await.unwrap() {
            assert!(seen.insert(claimed.delivery.id), "claimed twice");
            assert!(
                per_endpoint.insert(claimed.delivery.endpoint_id),
                "two in flight for one endpoint"
            );
        }
    }
    assert!(!seen.is_empty());
    assert!(seen.len() <= endpoints.len());
    let _: Vec<Uuid> = seen.iter().map(WebhookDeliveryId::as_uuid).collect();
}

async fn failing_endpoints_are_disabled_and_redeliveries_queue_again(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "hooks-off").await;
    let e = endpoint(&w, &["release.expired"]);
    add(s, &w, &e).await;
    enqueue(s, &w, event(&w, EventKind::ReleaseExpired, now())).await;
    enqueue(s, &w, event(&w, EventKind::ReleaseExpired, now())).await;
    let at = now() + Span::seconds(1);
    let claimed = s.claim_webhook_deliveries(at, LEASE, 10).await.unwrap();
    let mut failed = record(&claimed[0], Outcome::TimedOut, at, None);
    failed.health = Health {
        failing_since: Some(at - Span::days(3)),
        disable: true,
    };
    assert!(s.record_webhook_attempt(&failed).await.unwrap());
    let stored = s.webhook_endpoint(e.endpoint.id).await.unwrap().unwrap().endpoint;
    assert!(matches!(
        stored.status,
        EndpointStatus::Disabled {
            reason: DisabledReason::Failing,
            ..
        }
    ));
    assert_eq!(
        stored.failing_since.map(|t| t.timestamp()),
        Some((at - Span::days(3)).timestamp())
    );
    assert!(
        s.claim_webhook_deliveries(at + Span::days(1), LEASE, 10)
            .await
            .unwrap()
            .is_empty(),
        "a disabled endpoint receives nothing"
    );

    let log = s
        .webhook_deliveries(e.endpoint.id, PageRequest::default())
        .await
        .unwrap();
    let gave_up = log.items.iter().find(|d| d.status == DeliveryStatus::Failed).unwrap();
    assert_eq!(gave_up.error.as_deref(), Some("the endpoint did not answer in time"));
    let new_id = WebhookDeliveryId::from_uuid(id());
    let redeliver = Write::RedeliverWebhook {
        delivery: gave_up.id,
        new_id,
        at,
    };
    w.commit(s, "webhook.redeliver", vec![redeliver]).await.unwrap();
    let copy = s.webhook_delivery(new_id).await.unwrap().unwrap();
    assert_eq!(
        (copy.event_id, copy.status, copy.attempts),
        (gave_up.event_id, DeliveryStatus::Pending, 0)
    );
    let missing = Write::RedeliverWebhook {
        delivery: WebhookDeliveryId::from_uuid(id()),
        new_id: WebhookDeliveryId::from_uuid(id()),
        at,
    };
    assert!(matches!(
        w.commit(s, "webhook.redeliver", vec![missing]).await,
        Err(StoreError::NotFound(_))
    ));
}

//! Webhooks through the service: only owners and admins manage endpoints; releases and policy
//! changes queue their events with the change; a round of the sender signs each delivery with
//! the endpoint's secrets, keeps order per endpoint, reschedules failures and records what it got.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;
use slipway_auth::webhook::WebhookSecret;
use slipway_domain::resource::ResourceKind;
use slipway_domain::webhook::delivery::{DeliveryStatus, Outcome};
use slipway_domain::webhook::retry::Roll;
use slipway_service::policies::PolicyInput;
use slipway_service::ports::SendFuture;
use slipway_service::webhooks::{EndpointChange, EndpointInput, Jitter};
use slipway_service::{Clock, ServiceError, WebhookRequest, WebhookTransport};
use slipway_store::PageRequest;

use crate::both_backends;
use crate::harness::Harness;
use crate::story::{prompt, setup};
use slipway_service::audit::AuditLogFilter;
use slipway_service::resources::VersionInput;

/// What a receiver got: id, timestamp, signature header, body.
type Received = (String, i64, String, String);

#[derive(Default)]
struct Receiver {
    status: AtomicU16,
    got: Mutex<Vec<Received>>,
}

impl WebhookTransport for Receiver {
    fn send<'a>(&'a self, r: WebhookRequest<'a>) -> SendFuture<'a> {
        self.got
            .lock()
            .unwrap()
            .push((r.id.to_owned(), r.timestamp, r.signature.to_owned(), r.body.to_owned()));
        let status = self.status.load(Ordering::SeqCst);
        Box::pin(async move { Outcome::Answered(status) })
    }
}

fn input(events: &[&str]) -> EndpointInput {
    EndpointInput {
        url: "http://127.0.0.1:9/hook".into(),
        description: "CI".into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
    }
}

both_backends!(
    webhooks_are_queued_with_their_change_and_delivered_signed,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, bob, _, dave, erin) = setup(h).await;
        let events = ["release.pending_approval", "environment.changed"];
        for who in [&erin, &dave, &bob] {
            let err = s
                .create_webhook_endpoint(who, "acme", "chat", input(&events))
                .await
                .unwrap_err();
            assert!(matches!(err, ServiceError::Forbidden { .. }), "{err:?}");
        }
        let bad = s
            .create_webhook_endpoint(
                &alice,
                "acme",
                "chat",
                EndpointInput {
                    url: "http://10.0.0.1/x".into(),
                    ..input(&events)
                },
            )
            .await;
        assert!(matches!(bad, Err(ServiceError::Validation { .. })), "{bad:?}");
        let created = s
            .create_webhook_endpoint(&alice, "acme", "chat", input(&events))
            .await
            .unwrap();
        let endpoint = created.endpoint.endpoint.id;
        let secret = WebhookSecret::parse(created.secret.expose_secret()).unwrap();

        // A policy change and a release that waits for approval each queue one event.
        let policy = PolicyInput {
            required_approvals: 1,
            ..PolicyInput::default()
        };
        s.set_promotion_policy(&alice, "acme", "chat", "prod", policy)
            .await
            .unwrap();
        let published = s
            .create_version(
                &erin,
                "acme",
                "chat",
                VersionInput::new(ResourceKind::Prompt, "greeting", prompt("v2"))
                    .message("second")
                    .to(&["prod"]),
            )
            .await
            .unwrap();
        let release = published.releases[0].id();

        let receiver = Arc::new(Receiver::default());
        receiver.status.store(200, Ordering::SeqCst);
        let transport: Arc<dyn WebhookTransport> = receiver.clone();
        let jitter: Jitter = Arc::new(|| Roll::from_bits(0));
        // One delivery per endpoint per round, oldest first.
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().delivered, 1);
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().delivered, 1);
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().attempted, 0);
        let got = receiver.got.lock().unwrap().clone();
        let kinds: Vec<String> = got
            .iter()
            .map(|(.., body)| {
                serde_json::from_str::<serde_json::Value>(body).unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(kinds, ["environment.changed", "release.pending_approval"]);
        let (id, ts, signature, body) = &got[1];
        assert!(secret.verify(id, *ts, body.as_bytes(), signature));
        assert!(!secret.verify(id, *ts, body.replace("pending", "approved").as_bytes(), signature));
        let payload: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["data"]["release"]["id"], release.to_string());
        assert_eq!(payload["data"]["release"]["changes"][0]["resource"]["key"], "greeting");
        assert_eq!(payload["data"]["release"]["changes"][0]["to_version"], 2);
        assert_eq!(payload["data"]["environment"]["slug"], "prod");
        assert!(!body.contains("credential"));

        // A failing endpoint is retried later; the log says what happened.
        receiver.status.store(500, Ordering::SeqCst);
        let test_id = s.send_test_webhook(&alice, "acme", "chat", endpoint).await.unwrap();
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().attempted, 1);
        let log = s
            .webhook_deliveries(&alice, "acme", "chat", endpoint, PageRequest::default())
            .await
            .unwrap();
        let failed = &log.items[0];
        assert_eq!(
            (failed.event_id, failed.status, failed.attempts, failed.response_code),
            (test_id, DeliveryStatus::Pending, 1, Some(500))
        );
        assert_eq!(
            failed.next_attempt_at,
            Some(h.clock.now() + chrono::Duration::seconds(15))
        );
        assert_eq!(
            s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().attempted,
            0,
            "not due yet"
        );
        h.clock.advance(chrono::Duration::seconds(16));
        receiver.status.store(204, Ordering::SeqCst);
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().delivered, 1);

        // After a rotation both secrets sign; a redelivery keeps the event's id.
        let rotated = s.rotate_webhook_secret(&alice, "acme", "chat", endpoint).await.unwrap();
        let new_secret = WebhookSecret::parse(rotated.secret.expose_secret()).unwrap();
        let again = s.redeliver_webhook(&alice, "acme", "chat", failed.id).await.unwrap();
        assert_eq!(again.event_id, test_id);
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().delivered, 1);
        let (id, ts, signature, body) = receiver.got.lock().unwrap().last().unwrap().clone();
        assert_eq!(id, test_id.to_string());
        assert!(new_secret.verify(&id, ts, body.as_bytes(), &signature));
        assert!(secret.verify(&id, ts, body.as_bytes(), &signature));

        // A disabled endpoint receives nothing.
        let off = EndpointChange {
            enabled: Some(false),
            ..EndpointChange::default()
        };
        s.update_webhook_endpoint(&alice, "acme", "chat", endpoint, off)
            .await
            .unwrap();
        s.set_promotion_policy(&alice, "acme", "chat", "prod", PolicyInput::default())
            .await
            .unwrap();
        assert_eq!(s.deliver_webhooks(&transport, &jitter, 10).await.unwrap().attempted, 0);
        let audit = s
            .audit_log(
                &alice,
                "acme",
                "chat",
                AuditLogFilter::default(),
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert!(audit.items.iter().any(|e| e.entry.action == "webhook.rotate_secret"));
        s.delete_webhook_endpoint(&alice, "acme", "chat", endpoint)
            .await
            .unwrap();
        assert!(s.webhook_endpoints(&alice, "acme", "chat").await.unwrap().is_empty());
    }
);

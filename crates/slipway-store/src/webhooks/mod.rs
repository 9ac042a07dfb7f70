//! Webhook endpoints and the deliveries outbox.
//!
//! An event's deliveries are written by [`Write::EnqueueWebhookEvent`](crate::Write) in the
//! transaction of the change that causes it, one row per enabled endpoint of the project that
//! wants the event; so a crash after the commit loses nothing, and a rolled-back change sends
//! nothing. The sender claims due deliveries ([`Store::claim_webhook_deliveries`](crate::Store))
//! under a lease — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances never claim one
//! delivery twice — only the oldest pending delivery of each endpoint (order per endpoint, one
//! in flight), and records each attempt with the lease it holds.

mod convert;
mod outbox;
mod reads;
pub(crate) mod write;

use chrono::{DateTime, Utc};
use slipway_domain::webhook::delivery::{Delivery, Health, Outcome, Settled};
use slipway_domain::webhook::secrets::Secrets;
use slipway_domain::webhook::{EventKind, WebhookEndpoint};
use slipway_domain::{ProjectId, WebhookDeliveryId, WebhookEndpointId};
use uuid::Uuid;

/// A signing secret as stored: sealed by the credential keyring under its own id.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// The id the sealing is bound to.
    pub id: Uuid,
    /// The keyring's self-describing ciphertext.
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedSecret")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// An endpoint with its sealed secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEndpoint {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// Its signing secrets.
    pub secrets: Secrets<SealedSecret>,
}

/// An event to deliver, written with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The `webhook-id` every delivery of it carries.
    pub id: Uuid,
    /// The project whose endpoints are told.
    pub project: ProjectId,
    /// What kind of event (endpoints that do not want it get nothing).
    pub kind: EventKind,
    /// The body, exactly as it is sent and signed.
    pub body: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Only this endpoint (the test event), whatever it wants and even when disabled.
    pub only: Option<WebhookEndpointId>,
}

/// A delivery claimed by this sender until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    /// The delivery as its log shows it.
    pub delivery: Delivery,
    /// The project of its endpoint.
    pub project_id: ProjectId,
    /// The claim: recording the attempt needs it.
    pub lease: Uuid,
    /// The body to send.
    pub body: String,
    /// Where to send it.
    pub url: String,
    /// The endpoint's secrets.
    pub secrets: Secrets<SealedSecret>,
    /// The endpoint's first failure since its last success.
    pub failing_since: Option<DateTime<Utc>>,
}

/// What one attempt of a claimed delivery got, and what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// Which delivery.
    pub delivery: WebhookDeliveryId,
    /// The claim it was sent under.
    pub lease: Uuid,
    /// When the attempt was made.
    pub at: DateTime<Utc>,
    /// What it got.
    pub outcome: Outcome,
    /// How long it took.
    pub latency_ms: u32,
    /// The delivery's new state.
    pub settled: Settled,
    /// The endpoint's new health (disabling it when it says so).
    pub health: Health,
}

//! Webhooks: per-project endpoints that receive signed, durable, retried notifications of
//! releases and environments (DESIGN.md §3).
//!
//! The pure parts live here: an endpoint and its subscription ([`event`]), its URL rule
//! ([`url`]), its signing secrets and their rotation overlap ([`secrets`]), what a payload
//! carries ([`payload`]), a delivery's life and an endpoint's health ([`delivery`]) and the
//! retry schedule ([`retry`]). Signing is the auth crate's, storage the store's, sending the
//! server's.

pub mod address;
pub mod delivery;
pub mod event;
pub mod payload;
pub mod retry;
pub mod secrets;
pub mod url;

use chrono::{DateTime, Utc};

use crate::text::Description;
use crate::{ProjectId, WebhookEndpointId};
pub use event::{EventKind, EventSet};
pub use url::WebhookUrl;

/// Why an endpoint receives nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisabledReason {
    /// A member turned it off.
    ByMember,
    /// Its deliveries failed for [`delivery::DISABLE_AFTER`] without one success.
    Failing,
}

impl DisabledReason {
    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DisabledReason::ByMember => "by_member",
            DisabledReason::Failing => "failing",
        }
    }

    /// Reads a stored name back.
    pub fn from_stored(s: &str) -> Option<Self> {
        [DisabledReason::ByMember, DisabledReason::Failing]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Whether an endpoint receives events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointStatus {
    /// It receives the events it wants.
    Enabled,
    /// It receives nothing; its pending deliveries wait until it is enabled again.
    Disabled {
        /// Why.
        reason: DisabledReason,
        /// Since when.
        at: DateTime<Utc>,
    },
}

impl EndpointStatus {
    /// Whether deliveries go out.
    pub const fn is_enabled(self) -> bool {
        matches!(self, EndpointStatus::Enabled)
    }
}

/// A project's webhook endpoint (its secrets are kept apart: they never travel with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Chosen at creation.
    pub id: WebhookEndpointId,
    /// The project whose events it receives.
    pub project_id: ProjectId,
    /// Where deliveries are sent.
    pub url: WebhookUrl,
    /// What it is for, as people describe it.
    pub description: Description,
    /// The events it wants.
    pub events: EventSet,
    /// Whether deliveries go out.
    pub status: EndpointStatus,
    /// The first failed attempt since its last success (`None`: healthy).
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its settings, status or secret last changed.
    pub updated_at: DateTime<Utc>,
}

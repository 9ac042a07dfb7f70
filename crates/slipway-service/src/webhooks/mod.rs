//! Webhooks: managing a project's endpoints (`project:manage_webhooks`, audited), writing the
//! events of releases and environments into the outbox with the change that causes them, and
//! delivering due deliveries through a [`WebhookTransport`](crate::WebhookTransport) port.

mod deliver;
mod events;
mod manage;

use std::sync::{Arc, OnceLock};

use slipway_domain::webhook::retry::{MAX_DELAY, Schedule};
use slipway_store::Write;
use tokio::sync::Notify;

pub use deliver::{DeliveryRound, Jitter};
pub(crate) use events::release_kinds;
pub use manage::{CreatedEndpoint, EndpointChange, EndpointInput, EndpointView};

/// What the service keeps for webhooks.
#[derive(Default)]
pub(crate) struct WebhookState {
    /// Woken after each commit that writes deliveries, so the sender need not wait for its
    /// next poll.
    pub(crate) wake: Arc<Notify>,
    /// The dashboard's public base URL, for the links in payloads.
    pub(crate) dashboard_url: OnceLock<String>,
    /// When failed deliveries are tried again (the domain's default unless the server sets one).
    pub(crate) schedule: OnceLock<Schedule>,
}

/// Whether a write queues a delivery (and so wakes the sender).
pub(crate) fn wakes_sender(write: &Write) -> bool {
    matches!(write, Write::EnqueueWebhookEvent(_) | Write::RedeliverWebhook { .. })
}

impl crate::Service {
    /// What the webhook sender waits on between rounds: notified after every commit of this
    /// instance that writes a delivery.
    pub fn webhook_wake(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.webhooks.wake)
    }

    /// Sets the dashboard's public base URL that payloads link to (once; later calls are
    /// ignored).
    pub fn set_dashboard_url(&self, url: &str) {
        let _ = self
            .inner
            .webhooks
            .dashboard_url
            .set(url.trim_end_matches('/').to_owned());
    }

    /// Sets the delay before a failed delivery's first retry (once; later calls are ignored).
    /// Further retries double it up to the domain's cap, for a day.
    pub fn set_webhook_retry_delay(&self, first: std::time::Duration) {
        let first = chrono::Duration::from_std(first).unwrap_or(MAX_DELAY);
        let _ = self.inner.webhooks.schedule.set(Schedule::with_first_delay(first));
    }

    /// The retry schedule deliveries follow.
    pub(crate) fn webhook_schedule(&self) -> Schedule {
        self.inner.webhooks.schedule.get().copied().unwrap_or_default()
    }
}

//! Ports: the effects that leave the process after a commit. The service calls each registered
//! [`Outbound`] adapter once per change committed by this instance (a release's new state, an
//! environment that changed), after the commit, with the same [`Event`] it publishes on its
//! in-process channel. Signals this instance derives or learns from others (a rebuilt snapshot,
//! a revocation announced by another instance) stay on the in-process channel, so an adapter sees
//! each commit once across instances. Adapters live at the edge (the server's metrics) and are
//! registered with [`Service::add_outbound`]. Webhook deliveries leave through
//! [`WebhookTransport`], whose adapter is the gateway's address-checking HTTP client.

use std::sync::{Arc, PoisonError, RwLock};

use crate::{Event, Service};

/// An effect that follows a committed change out of the process.
pub trait Outbound: Send + Sync {
    /// Called after `event`'s change committed, on the task that committed it, in commit order
    /// within this instance. It must not block: an adapter with slow work queues it (an outbox,
    /// a channel) and returns.
    fn after_commit(&self, event: &Event);
}

/// The adapters registered with a service.
#[derive(Default)]
pub(crate) struct OutboundAdapters {
    adapters: RwLock<Vec<Arc<dyn Outbound>>>,
}

impl OutboundAdapters {
    fn add(&self, adapter: Arc<dyn Outbound>) {
        self.adapters
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(adapter);
    }

    fn each(&self, event: &Event) {
        for adapter in self.adapters.read().unwrap_or_else(PoisonError::into_inner).iter() {
            adapter.after_commit(event);
        }
    }
}

impl Service {
    /// Registers an adapter for effects that leave the process after each commit.
    pub fn add_outbound(&self, adapter: Arc<dyn Outbound>) {
        self.inner.outbound.add(adapter);
    }

    /// Announces a committed change: to every outbound adapter, then on the in-process channel
    /// (GraphQL subscriptions and watch streams).
    pub(crate) fn announce(&self, event: Event) {
        self.inner.outbound.each(&event);
        self.events().send(event);
    }

    /// Passes on a change another instance committed (read from its notification) to this
    /// instance's subscribers, on the in-process channel only: the committing instance has run
    /// the outbound adapters already.
    pub fn relay(&self, event: Event) {
        // Another instance's release or environment change: this instance's background tick
        // looks at the project's open releases too (so they are looked after should that
        // instance stop).
        match &event {
            Event::ReleaseUpdated { project_id, .. } | Event::EnvironmentChanged { project_id, .. } => {
                self.inner.recheck.changed(*project_id);
            }
            _ => {}
        }
        self.events().send(event);
    }
}

/// One webhook delivery to send: the body exactly as signed, with its Standard Webhooks headers.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The endpoint's URL.
    pub url: &'a str,
    /// `webhook-id`.
    pub id: &'a str,
    /// `webhook-timestamp` (seconds since the epoch).
    pub timestamp: i64,
    /// `webhook-signature`.
    pub signature: &'a str,
    /// The JSON body.
    pub body: &'a str,
}

/// The future a [`WebhookTransport`] returns.
pub type SendFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = slipway_domain::webhook::delivery::Outcome> + Send + 'a>>;

/// Sends webhook deliveries out of the process (the HTTP client at the edge). It checks the
/// address it connects to and bounds each attempt with its own timeout; what it answers is the
/// attempt's outcome, never the endpoint's body.
pub trait WebhookTransport: Send + Sync {
    /// POSTs one delivery.
    fn send<'a>(&'a self, request: WebhookRequest<'a>) -> SendFuture<'a>;
}

//! Ports: the effects that leave the process after a commit. The service calls each registered
//! [`Outbound`] adapter once per change committed by this instance (a release's new state, an
//! environment that changed), after the commit, with the same [`Event`] it publishes on its
//! in-process channel. Signals this instance derives or learns from others (a rebuilt snapshot,
//! a revocation announced by another instance) stay on the in-process channel, so an adapter sees
//! each commit once across instances. Adapters live at the edge (the server's metrics today;
//! webhooks and provider calls next) and are registered with [`Service::add_outbound`].

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
        self.events().send(event);
    }
}

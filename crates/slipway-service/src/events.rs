//! In-process announcements of committed changes: the source of GraphQL subscriptions and of the
//! gateway watch stream. Sent only after the transaction committed.

use slipway_domain::release::ReleaseState;
use slipway_domain::{DeploymentId, EnvironmentId, ProjectId, ReleaseId};
use tokio::sync::broadcast;

/// Something that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A deployment moved an environment's pointers (or its settings or roles changed).
    EnvironmentChanged {
        /// The project.
        project_id: ProjectId,
        /// The environment.
        environment_id: EnvironmentId,
        /// The deployment that caused it, if any.
        deployment_id: Option<DeploymentId>,
    },
    /// What an environment serves to gateways changed (its own pointers, or the gateway
    /// fallback's pointers it falls back to). Sent after the resolution snapshot was swapped,
    /// so a reader that resolves on receipt sees the new answer.
    ServingChanged {
        /// The project.
        project_id: ProjectId,
        /// The environment whose answer changed.
        environment_id: EnvironmentId,
        /// The new ETag of the environment's whole configuration.
        etag: String,
    },
    /// A release changed state (created, approved, deployed, rejected, …).
    ReleaseUpdated {
        /// The project.
        project_id: ProjectId,
        /// The release.
        release_id: ReleaseId,
        /// Its new state.
        state: ReleaseState,
    },
}

impl Event {
    /// The project the event belongs to.
    pub const fn project_id(&self) -> ProjectId {
        match self {
            Event::EnvironmentChanged { project_id, .. }
            | Event::ServingChanged { project_id, .. }
            | Event::ReleaseUpdated { project_id, .. } => *project_id,
        }
    }
}

/// The broadcast channel; slow subscribers lose the oldest events (they are told they lagged).
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Events {
    /// A channel keeping up to `capacity` events per subscriber.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(16));
        Self { sender }
    }

    /// Announces an event (no subscriber is fine).
    pub fn send(&self, event: Event) {
        let _ignored_when_nobody_listens = self.sender.send(event);
    }

    /// A new subscription, receiving every event sent from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}

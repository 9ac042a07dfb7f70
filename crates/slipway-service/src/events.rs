//! In-process announcements of committed changes: the source of GraphQL subscriptions and of the
//! gateway watch stream. Sent only after the transaction committed.

use slipway_domain::release::ReleaseState;
use slipway_domain::{ApiKeyId, DeploymentId, EnvironmentId, ProjectId, ReleaseId, UserId};
use tokio::sync::broadcast;

use crate::{Caller, Ctx};

/// Whose access to a project ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// An API key was revoked.
    ApiKey(ApiKeyId),
    /// A member was removed from the project.
    Member(UserId),
}

impl Revoked {
    /// Whether this revocation is about the caller of `ctx` (whose open streams must then
    /// re-check their access at once).
    pub fn concerns(&self, ctx: &Ctx) -> bool {
        match (self, &ctx.caller) {
            (Self::ApiKey(id), Caller::ApiKey(key)) => key.id == *id,
            (Self::Member(id), Caller::User(user)) => user.id == *id,
            _ => false,
        }
    }
}

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
    /// A caller lost access to the project (here or on another instance): its watch streams and
    /// subscriptions re-check their access and end.
    AccessRevoked {
        /// The project.
        project_id: ProjectId,
        /// Who lost access.
        revoked: Revoked,
    },
}

impl Event {
    /// Whether this event ends (or may end) the access of the caller of `ctx`.
    pub fn revokes(&self, ctx: &Ctx) -> bool {
        matches!(self, Event::AccessRevoked { revoked, .. } if revoked.concerns(ctx))
    }

    /// The project the event belongs to.
    pub const fn project_id(&self) -> ProjectId {
        match self {
            Event::EnvironmentChanged { project_id, .. }
            | Event::ServingChanged { project_id, .. }
            | Event::ReleaseUpdated { project_id, .. }
            | Event::AccessRevoked { project_id, .. } => *project_id,
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

//! Audit events: the append-only, hash-chained record of every mutation, the filter a listing
//! takes and the chain's verification status.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use serde_json::Value;
use slipway_domain::audit::{Actor, AuditEvent as DomainEvent, ChainBreak};
use slipway_service::audit::AuditLogFilter;

use crate::mutation::releases::ResourceRefInput;

use super::organization::User;
use super::{gql_id, load_user};

/// One mutation, as recorded.
pub struct AuditEvent(pub(crate) DomainEvent);

/// One mutation, as recorded.
#[Object]
impl AuditEvent {
    /// The event's id.
    async fn id(&self) -> ID {
        gql_id(self.0.id)
    }

    /// Position in the project's chain, from 1.
    async fn sequence(&self) -> u64 {
        self.0.sequence
    }

    /// What was done (`release.approve`, `environment.create`, …).
    async fn action(&self) -> &str {
        &self.0.entry.action
    }

    /// Who did it: `user:<id>`, `api_key:<id>` or `system`.
    async fn actor(&self) -> String {
        self.0.entry.actor.label()
    }

    /// The user who did it, when a user did.
    async fn actor_user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.entry.actor {
            Actor::User(id) => load_user(ctx, id).await,
            Actor::ApiKey(_) | Actor::System => Ok(None),
        }
    }

    /// The kind of thing changed (`release`, `environment`, …).
    async fn target_kind(&self) -> &str {
        &self.0.entry.target_kind
    }

    /// Which one.
    async fn target_id(&self) -> &str {
        &self.0.entry.target_id
    }

    /// A summary of the target before (never a secret).
    async fn before(&self) -> Option<Value> {
        self.0.entry.before.clone()
    }

    /// A summary of the target after (never a secret).
    async fn after(&self) -> Option<Value> {
        self.0.entry.after.clone()
    }

    /// The server's id of the request that made it (the `x-request-id` of its response), to
    /// correlate with server logs.
    async fn request_id(&self) -> Option<&str> {
        self.0.entry.request_id.as_deref()
    }

    /// The id the caller gave that request in `x-request-id`, when it was 1–64 characters of
    /// `[A-Za-z0-9._:-]` (otherwise it was not kept). Chosen by the caller: a reference into the
    /// caller's own logs, not proof of anything.
    async fn caller_request_id(&self) -> Option<&str> {
        self.0.entry.caller_request_id.as_deref()
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// This event's hash (SHA-256, hex).
    async fn hash(&self) -> &str {
        &self.0.hash
    }

    /// The previous event's hash, which this one's covers.
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
}

/// Which audit events to list; every field given must match.
#[derive(InputObject, Debug, Default)]
pub struct AuditLogFilterInput {
    /// Only this action (`release.approve`).
    pub action: Option<String>,
    /// Only actions of this kind: `release` matches `release.approve`, `release.apply`, ….
    pub action_kind: Option<String>,
    /// Only this actor, as `AuditEvent.actor` writes it (`user:<id>`, `api_key:<id>`, `system`).
    pub actor: Option<String>,
    /// Only events about this environment (slug): its own changes and its releases.
    pub environment: Option<String>,
    /// Only events about this resource: its creation, its versions and the releases that move
    /// it (not together with `environment`).
    pub resource: Option<ResourceRefInput>,
}

impl From<AuditLogFilterInput> for AuditLogFilter {
    fn from(input: AuditLogFilterInput) -> Self {
        Self {
            action: input.action,
            action_kind: input.action_kind,
            actor: input.actor,
            environment: input.environment,
            resource: input.resource.map(|r| (r.kind.into(), r.key)),
        }
    }
}

/// The verification of a project's audit hash chain.
pub struct AuditChainStatus(pub(crate) Result<u64, ChainBreak>);

/// The verification of a project's audit hash chain.
#[Object]
impl AuditChainStatus {
    /// Whether every event verifies and the chain ends where its head says.
    async fn verified(&self) -> bool {
        self.0.is_ok()
    }

    /// How many events verified (when the chain is intact).
    async fn verified_events(&self) -> Option<u64> {
        self.0.as_ref().ok().copied()
    }

    /// The sequence number of the first event that does not verify (an edited or missing
    /// event), when one does not.
    async fn broken_at(&self) -> Option<u64> {
        match &self.0 {
            Err(ChainBreak::Event { sequence, .. }) => Some(*sequence),
            _ => None,
        }
    }

    /// What is wrong, in words, when the chain does not verify.
    async fn problem(&self) -> Option<String> {
        self.0.as_ref().err().map(ToString::to_string)
    }
}

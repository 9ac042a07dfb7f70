//! Slipway's domain: every concept and rule of the product as plain Rust, with no IO, no async,
//! no database, web or JWT types.
//!
//! # The model in one page
//!
//! * An [`Organization`] has [`Project`]s and members with a [`Role`] each
//!   ([`Role::permits`] answers every access question).
//! * A project has [`Environments`](environment::Environments): Production (`prod`) and Staging
//!   (`staging`) from the start, more on demand. Exactly one environment is the **default publish
//!   target** and exactly one the **gateway fallback**.
//! * A project has [`Resource`]s (prompts, routing rules, providers), each with immutable
//!   [`Version`]s whose [`Content`](content::Content) is validated per kind and hashed over its
//!   canonical JSON.
//! * Each environment **points** at one version per resource ([`state::LivePointer`]);
//!   [`state::ProjectState`] answers resolution, the gateway's question.
//! * Pointers move only through a [`Release`](release::Release) — publish, promotion, rollback or
//!   direct — under the target's [`PromotionPolicy`](policy::PromotionPolicy), possibly after
//!   approvals. [`release::decide_apply`] makes the apply-time decision; an applied release
//!   becomes a [`Deployment`](deployment::Deployment).
//! * Every mutation is recorded in a hash-chained [audit log](audit).
//! * Releases and environment changes are told to a project's [webhook](webhook) endpoints.
//!
//! Time is always passed in; nothing here reads a clock or generates an id.

// Tools reuse this crate's documented API (DESIGN.md), so an undocumented public item fails
// the build here, not only as a workspace warning.
#![deny(missing_docs)]

pub mod access;
pub mod api_key;
pub mod audit;
pub mod call;
pub mod content;
pub mod deployment;
pub mod diff;
pub mod environment;
mod error;
pub mod group_mapping;
mod ids;
pub mod membership_sync;
pub mod organization;
pub mod policy;
pub mod release;
pub mod resource;
pub mod slug;
pub mod state;
pub mod text;
pub mod webhook;

pub use access::{Permission, Role};
pub use error::ValidationError;
pub use ids::{
    ApiKeyId, AuditEventId, CredentialId, DeploymentId, EnvironmentId, OrganizationId, ProjectId, ReleaseId,
    ResourceId, UserId, VersionId, WebhookDeliveryId, WebhookEndpointId,
};
pub use organization::{Organization, Project, User};
pub use resource::{Resource, ResourceKind, Version};

use policy::PolicyViolation;
use release::ReleaseState;

/// Why a domain operation refused: the closed set of cases a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Bad input, naming the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The operation clashes with the current state (a taken slug, nothing to release, …).
    #[error("{0}")]
    Conflict(String),
    /// The organization's environment quota is reached.
    #[error("the project already has the {limit} environments its organization's plan allows")]
    QuotaExceeded {
        /// The most environments a project of this organization may have.
        limit: u32,
    },
    /// A promotion-policy rule blocks the operation.
    #[error(transparent)]
    Policy(#[from] PolicyViolation),
    /// The caller may not do this even though they may see it (e.g. cancel someone else's release).
    #[error("{0}")]
    Forbidden(String),
    /// A release in `state` cannot `action`.
    #[error("a {state} release cannot {action}")]
    InvalidTransition {
        /// The release's state.
        state: ReleaseState,
        /// What was attempted.
        action: &'static str,
    },
    /// Stored data breaks an invariant (never expected; reported, not repaired).
    #[error("invariant broken: {0}")]
    Invariant(String),
}

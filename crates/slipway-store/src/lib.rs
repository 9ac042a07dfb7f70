//! Slipway's storage: sea-orm over SQLite (the embedded default) or PostgreSQL, behind a
//! [`Store`] that speaks only domain types.
//!
//! * [`Store::connect`] opens either database (SQLite in WAL mode with foreign keys, a busy
//!   timeout and `BEGIN IMMEDIATE` write transactions) and runs the migrations when asked.
//! * [`Store::commit`] is the one write path: a [`Commit`] is a list of [`Write`]s applied in one
//!   transaction together with exactly one hash-chained audit event. Compare-and-swap on pointers
//!   and releases turns concurrent changes into [`ConflictKind`]s, never into lost updates.
//! * Webhook events are written to an outbox in the transaction of the change that causes them
//!   and claimed by the sender under a lease ([`Store::claim_webhook_deliveries`]).
//! * [`Store::record_api_key_uses`] is the one write outside it: when API keys were last used is
//!   telemetry, batched by the service, never audited.
//! * The read methods return domain values; [`Store::snapshot`] loads everything a project serves
//!   in a fixed number of queries.
//!
//! sea-orm entities never leave this crate, and no [`StoreError`] carries SQL: database errors are
//! translated (a unique violation becomes [`ConflictKind::Duplicate`]) and the raw cause is logged
//! with `tracing` here, once.

mod commit;
mod connect;
mod convert;
mod entities;
mod error;
mod listen;
mod notice;
mod page;
mod pool;
mod reads;
#[cfg(feature = "testing")]
pub mod testing;
mod usage;
mod webhooks;

pub use commit::{Commit, Committed, Write};
pub use connect::{Backend, ConnectOptions, DEFAULT_ACQUIRE_TIMEOUT, Store};
pub use error::{ConflictKind, StoreError};
pub use notice::Notice;
pub use page::{Page, PageRequest};
pub use pool::PoolStats;
pub use reads::audit::{AuditFilter, AuditSubject};
pub use reads::project::SnapshotData;
pub use reads::release::ReleaseFilter;
pub use reads::resource::StoredCredential;
pub use webhooks::{AttemptRecord, ClaimedDelivery, SealedSecret, StoredEndpoint, WebhookEvent};

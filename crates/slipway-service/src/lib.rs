//! Slipway's use cases. Every interface — GraphQL, the gateway endpoints, the CLI, other tools —
//! calls this crate, and none of them re-implements a rule.
//!
//! Each use case authorizes the caller, loads what it needs, applies the domain's rules, commits
//! one transaction together with exactly one audit event, announces the change on the in-process
//! [`Events`] channel and returns domain values. Resolution answers from an in-memory
//! [`Snapshot`](snapshot::Snapshot) per project, replaced after every commit that changes what a
//! project serves, so it never waits on the database.

mod access;
mod address_cache;
mod api_key_usage;
pub mod api_keys;
pub mod audit;
pub mod background;
mod cache;
pub mod caller_events;
pub mod clock;
pub mod compressed;
mod context;
mod credentials;
pub mod diff;
pub mod environments;
mod error;
pub mod events;
mod key_cache;
pub mod organizations;
pub mod policies;
pub mod ports;
mod provider_grant_cache;
pub mod provider_memberships;
mod recheck;
pub mod releases;
pub mod resolution;
pub mod resources;
mod revocation;
pub mod sessions;
pub mod snapshot;
mod view_cache;
pub mod webhooks;
mod writers;

use std::sync::Arc;

use serde_json::Value;
use slipway_auth::CredentialKeyring;
use slipway_domain::ProjectId;
use slipway_domain::audit::AuditEntry;
use slipway_store::{Commit, Committed, Store, Write};
use uuid::Uuid;

pub use cache::SnapshotSummary;
pub use caller_events::{CallerEvent, CallerEvents};
pub use clock::{Clock, ManualClock, SystemClock};
pub use context::{Caller, Ctx};
pub use credentials::{CredentialInfo, ReencryptReport};
pub use error::{ConflictKind, Missing, ServiceError, ServiceResult};
pub use events::{Event, Events, Revoked};
pub use ports::{Outbound, WebhookRequest, WebhookTransport};
pub use sessions::{SessionError, Sessions};
/// Pagination types of the lists the service returns.
pub use slipway_store::{Page, PageRequest};

use cache::SnapshotCache;

/// The use cases, over one store. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    events: Events,
    cache: SnapshotCache,
    keys: key_cache::ApiKeyCache,
    usage: api_key_usage::ApiKeyUsage,
    viewers: view_cache::ViewerCache,
    /// Project addresses already looked up (see `address_cache.rs`).
    addresses: address_cache::AddressCache,
    stats: cache::CacheStats,
    keyring: CredentialKeyring,
    writers: writers::WriterLocks,
    outbound: ports::OutboundAdapters,
    recheck: recheck::RecheckQueue,
    webhooks: webhooks::WebhookState,
    provider_grants: provider_grant_cache::ProviderGrantCache,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").finish_non_exhaustive()
    }
}

impl Service {
    /// A service over `store`, reading time from `clock` and encrypting provider credentials
    /// with `keyring`.
    pub fn new(store: Store, clock: Arc<dyn Clock>, keyring: CredentialKeyring) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                clock,
                events: Events::new(1024),
                cache: SnapshotCache::default(),
                keys: key_cache::ApiKeyCache::default(),
                usage: api_key_usage::ApiKeyUsage::default(),
                viewers: view_cache::ViewerCache::default(),
                addresses: address_cache::AddressCache::default(),
                stats: cache::CacheStats::default(),
                keyring,
                writers: writers::WriterLocks::default(),
                outbound: ports::OutboundAdapters::default(),
                recheck: recheck::RecheckQueue::default(),
                webhooks: webhooks::WebhookState::default(),
                provider_grants: provider_grant_cache::ProviderGrantCache::default(),
            }),
        }
    }

    /// How many resolutions were answered from a cached snapshot (hits) and how many had to
    /// build one from the database first (misses), since start.
    pub fn resolution_cache_stats(&self) -> (u64, u64) {
        self.inner.stats.read()
    }

    /// The cached snapshots in aggregate (how many, the highest revision, the oldest's age),
    /// read from memory only.
    pub fn snapshot_summary(&self) -> SnapshotSummary {
        self.inner.cache.summary()
    }

    /// How many projects' configuration snapshots this instance holds in memory (what it can
    /// serve gateway reads from without the database).
    pub fn cached_snapshots(&self) -> usize {
        self.inner.cache.len()
    }

    /// Bounds the memory of the resolution snapshots to about `bytes` of served bodies (default
    /// 256 MiB): past it, the projects read least recently are dropped and rebuilt from the
    /// database on their next read.
    pub fn limit_snapshot_memory(&self, bytes: usize) {
        self.inner.cache.set_capacity(bytes);
    }

    /// The bytes of served bodies the resolution snapshots hold.
    pub fn snapshot_memory(&self) -> usize {
        self.inner.cache.bytes()
    }

    /// The store (for health checks and the CLI).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The event channel.
    pub fn events(&self) -> &Events {
        &self.inner.events
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// Waits to be the only release writer of `project` in this instance.
    pub(crate) async fn lock_writer(&self, project: ProjectId) -> writers::WriterGuard {
        self.inner.writers.lock(project).await
    }

    pub(crate) fn keyring(&self) -> &CredentialKeyring {
        &self.inner.keyring
    }

    /// Builds the audit entry of a mutation.
    pub(crate) fn entry(
        ctx: &Ctx,
        action: &str,
        target_kind: &str,
        target_id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> AuditEntry {
        AuditEntry {
            actor: ctx.actor(),
            action: action.to_owned(),
            target_kind: target_kind.to_owned(),
            target_id: target_id.to_string(),
            before,
            after,
            request_id: ctx.request_id.clone(),
            caller_request_id: ctx.caller_request_id.as_ref().map(|id| id.as_str().to_owned()),
        }
    }

    /// Commits `writes` with one audit event on `chain`, then, if what `project` serves changed,
    /// rebuilds its snapshot and announces which environments now serve something else. The
    /// chain's project (a project's own changes are audited on its chain) has its open releases
    /// re-checked on the next background tick.
    pub(crate) async fn commit(
        &self,
        chain: Uuid,
        project: Option<ProjectId>,
        writes: Vec<Write>,
        audit: AuditEntry,
    ) -> ServiceResult<Committed> {
        let wakes_sender = writes.iter().any(webhooks::wakes_sender);
        let committed = self
            .inner
            .store
            .commit(Commit {
                chain_id: chain,
                writes,
                audit,
                at: self.now(),
            })
            .await?;
        self.inner.recheck.changed(ProjectId::from_uuid(chain));
        if wakes_sender {
            self.inner.webhooks.wake.notify_one();
        }
        if let (Some(project), Some(_)) = (project, committed.serving_revision) {
            self.refresh_snapshot(project).await;
        }
        Ok(committed)
    }
}

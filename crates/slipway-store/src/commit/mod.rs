//! The one write path: a [`Commit`] — a unit of work — applied in one transaction with exactly
//! one audit event, retried as a whole when the database asks for it.

mod audit;
mod content;
mod environments;
mod identity;
mod notify;
pub(crate) use notify::CHANNEL as SERVING_CHANNEL;
mod pointers;
mod releases;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use slipway_domain::api_key::ApiKey;
use slipway_domain::audit::{AuditEntry, AuditEvent};
use slipway_domain::deployment::Deployment;
use slipway_domain::environment::{Environment, Environments};
use slipway_domain::organization::{Membership, MembershipScope};
use slipway_domain::release::{Change, Release, ReleaseState};
use slipway_domain::webhook::WebhookEndpoint;
use slipway_domain::webhook::secrets::Secrets;
use slipway_domain::{
    ApiKeyId, CredentialId, EnvironmentId, Organization, Project, ProjectId, Resource, ResourceId, User, UserId,
    Version, VersionId, WebhookDeliveryId, WebhookEndpointId,
};
use tracing::{Instrument, info_span};
use uuid::Uuid;

use crate::connect::Store;
use crate::error::{StoreError, TxError};
use crate::reads::resource::StoredCredential;
use crate::webhooks::write as webhooks;
use crate::webhooks::{SealedSecret, StoredEndpoint, WebhookEvent};

/// How many times a transaction is attempted when the database reports a serialization
/// failure, a deadlock or (SQLite) a busy lock.
const MAX_ATTEMPTS: u32 = 5;

/// One change inside a [`Commit`].
#[derive(Debug, Clone)]
pub enum Write {
    /// Inserts a user (normally users come from [`Store::upsert_user`]).
    InsertUser(User),
    /// Inserts an organization; a taken slug is `Duplicate("organization slug")`.
    InsertOrganization(Organization),
    /// Rewrites an organization's slug, name and environment quota; [`StoreError::NotFound`] when
    /// it does not exist, `Duplicate("organization slug")` when the new slug is taken.
    UpdateOrganization(Organization),
    /// Inserts or replaces the role of `(user, scope)`. A Slipway-sourced membership also takes
    /// over one the identity provider granted; an identity-provider one never replaces a
    /// Slipway-managed membership (`Conflict(Stale)` instead).
    UpsertMembership(Membership),
    /// Removes a membership; [`StoreError::NotFound`] when there is none.
    DeleteMembership {
        /// Whose.
        user: UserId,
        /// Where.
        scope: MembershipScope,
    },
    /// Removes a project membership the identity provider granted; [`StoreError::NotFound`]
    /// when there is none or it is managed in Slipway.
    DeleteProviderMembership {
        /// Whose.
        user: UserId,
        /// Where.
        project: ProjectId,
    },
    /// Inserts a project and its (system) environments.
    InsertProject {
        /// The project.
        project: Project,
        /// Its environments.
        environments: Environments,
    },
    /// Inserts an environment; a taken slug is `Duplicate("environment slug")`.
    InsertEnvironment(Environment),
    /// Rewrites environments (name, description, color, position, role flags, policy). Flags
    /// that become false are cleared before flags that become true are set, so that moving an
    /// exclusive role never trips the database's uniqueness rule on the way.
    SaveEnvironments(Vec<Environment>),
    /// Deletes an environment with its pointers, releases and deployments. Refused
    /// ([`ConflictKind::ExclusiveRole`](crate::ConflictKind::ExclusiveRole)) for a system
    /// environment or the holder of an exclusive role.
    DeleteEnvironment(EnvironmentId),
    /// Inserts a resource; a taken `(kind, key)` is `Duplicate("resource")`.
    InsertResource(Resource),
    /// Inserts a version; a taken number is `Taken("version number")` (the caller retries).
    InsertVersion(Version),
    /// Inserts a release with its changes and approvals.
    InsertRelease(Release),
    /// Rewrites a release's state, approvals, decision, bypass, deployment and `updated_at`,
    /// only if its stored state is still `expected_state` (else
    /// [`ConflictKind::ReleaseChanged`](crate::ConflictKind::ReleaseChanged)). Changes are never
    /// rewritten.
    UpdateRelease {
        /// The release as it should be stored.
        release: Release,
        /// The state it must still have.
        expected_state: ReleaseState,
    },
    /// Moves pointers with compare-and-swap: each change's `from_version` must equal the current
    /// pointer (`None`: no pointer), else
    /// [`ConflictKind::PointerMoved`](crate::ConflictKind::PointerMoved). A `to_version` of `None`
    /// removes the pointer; a move bumps the pointer's revision and sets `since` to `at`.
    MovePointers {
        /// The environment.
        environment: EnvironmentId,
        /// The moves.
        changes: Vec<Change>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Checks (and on PostgreSQL share-locks until commit) that an environment still serves the
    /// given versions (`None`: no pointer) — a promotion's source check — else
    /// [`ConflictKind::PointerMoved`](crate::ConflictKind::PointerMoved).
    ExpectPointers {
        /// The environment.
        environment: EnvironmentId,
        /// What it must serve.
        expected: Vec<(ResourceId, Option<VersionId>)>,
    },
    /// Inserts a deployment; a taken `(environment, sequence)` is
    /// `Taken("deployment sequence")`.
    InsertDeployment(Deployment),
    /// Inserts an API key with the hash of its secret.
    InsertApiKey {
        /// The key.
        key: ApiKey,
        /// The hash of its secret (the secret itself is never stored).
        hash: String,
    },
    /// Revokes an API key (revoking a revoked key keeps the first revocation time).
    RevokeApiKey {
        /// Which key.
        id: ApiKeyId,
        /// When.
        at: DateTime<Utc>,
    },
    /// Inserts an encrypted provider credential.
    InsertCredential(StoredCredential),
    /// Replaces a credential's ciphertext with one under another key version (key rotation), only
    /// if it is still under `from_key_version`, else `NotFound`.
    ReencryptCredential {
        /// Which credential.
        id: CredentialId,
        /// The key version it must still be under.
        from_key_version: u32,
        /// The new key version.
        key_version: u32,
        /// The new ciphertext (the auth crate's self-describing blob).
        ciphertext: Vec<u8>,
    },
    /// Checks (and on PostgreSQL locks until commit) that a project's serving revision is still
    /// `revision`, else [`ConflictKind::Stale`](crate::ConflictKind::Stale): the optimistic check
    /// of read-modify-write changes to a project's environments, whose every change bumps it.
    ExpectServingRevision {
        /// The project.
        project: ProjectId,
        /// The revision read before planning the change.
        revision: i64,
    },
    /// Inserts a webhook endpoint with its sealed secret.
    InsertWebhookEndpoint(StoredEndpoint),
    /// Rewrites an endpoint's URL, description, events, status and health (not its secrets);
    /// [`StoreError::NotFound`] when it does not exist.
    UpdateWebhookEndpoint(WebhookEndpoint),
    /// Replaces an endpoint's secrets (a rotation); [`StoreError::NotFound`] when it does not
    /// exist.
    SetWebhookSecrets {
        /// Which endpoint.
        endpoint: WebhookEndpointId,
        /// Its new secrets.
        secrets: Secrets<SealedSecret>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Deletes an endpoint with its deliveries; [`StoreError::NotFound`] when it does not exist.
    DeleteWebhookEndpoint(WebhookEndpointId),
    /// Writes an event's deliveries to the outbox: one per enabled endpoint of its project that
    /// wants it, or to its one named endpoint ([`StoreError::NotFound`] when that is missing).
    EnqueueWebhookEvent(WebhookEvent),
    /// Queues a delivery's event again for its endpoint as a new delivery;
    /// [`StoreError::NotFound`] when the delivery does not exist.
    RedeliverWebhook {
        /// The delivery to repeat.
        delivery: WebhookDeliveryId,
        /// The new delivery's id.
        new_id: WebhookDeliveryId,
        /// When.
        at: DateTime<Utc>,
    },
}

/// A unit of work: writes applied in one transaction, with exactly one audit event appended to
/// `chain_id`'s chain.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The audit chain: the project's id, or the organization's for organization-level actions.
    pub chain_id: Uuid,
    /// The writes, applied in order.
    pub writes: Vec<Write>,
    /// What happened, for the audit log.
    pub audit: AuditEntry,
    /// When (the audit event's time).
    pub at: DateTime<Utc>,
}

/// What a commit wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Committed {
    /// The audit event appended.
    pub audit_event: AuditEvent,
    /// The project's new serving revision, when the commit changed what a project serves
    /// (environments or pointers).
    pub serving_revision: Option<i64>,
}

impl Write {
    /// Whether this write changes what a project serves.
    fn changes_serving(&self) -> bool {
        matches!(
            self,
            Write::InsertProject { .. }
                | Write::InsertEnvironment(_)
                | Write::SaveEnvironments(_)
                | Write::DeleteEnvironment(_)
                | Write::MovePointers { .. }
        )
    }

    fn name(&self) -> &'static str {
        match self {
            Write::InsertUser(_) => "insert_user",
            Write::InsertOrganization(_) => "insert_organization",
            Write::UpdateOrganization(_) => "update_organization",
            Write::UpsertMembership(_) => "upsert_membership",
            Write::DeleteMembership { .. } => "delete_membership",
            Write::DeleteProviderMembership { .. } => "delete_provider_membership",
            Write::InsertProject { .. } => "insert_project",
            Write::InsertEnvironment(_) => "insert_environment",
            Write::SaveEnvironments(_) => "save_environments",
            Write::DeleteEnvironment(_) => "delete_environment",
            Write::InsertResource(_) => "insert_resource",
            Write::InsertVersion(_) => "insert_version",
            Write::InsertRelease(_) => "insert_release",
            Write::UpdateRelease { .. } => "update_release",
            Write::MovePointers { .. } => "move_pointers",
            Write::ExpectPointers { .. } => "expect_pointers",
            Write::InsertDeployment(_) => "insert_deployment",
            Write::InsertApiKey { .. } => "insert_api_key",
            Write::RevokeApiKey { .. } => "revoke_api_key",
            Write::InsertCredential(_) => "insert_credential",
            Write::ExpectServingRevision { .. } => "expect_serving_revision",
            Write::ReencryptCredential { .. } => "reencrypt_credential",
            Write::InsertWebhookEndpoint(_) => "insert_webhook_endpoint",
            Write::UpdateWebhookEndpoint(_) => "update_webhook_endpoint",
            Write::SetWebhookSecrets { .. } => "set_webhook_secrets",
            Write::DeleteWebhookEndpoint(_) => "delete_webhook_endpoint",
            Write::EnqueueWebhookEvent(_) => "enqueue_webhook_event",
            Write::RedeliverWebhook { .. } => "redeliver_webhook",
        }
    }
}

impl Store {
    /// Applies `commit` in one transaction: every write, the serving-revision bump (with a
    /// PostgreSQL `NOTIFY slipway_serving`), and its audit event. Either everything is written or
    /// nothing is. Serialization failures, deadlocks and SQLite busy errors retry the whole
    /// transaction a few times.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a compare-and-swap or a uniqueness rule fails,
    /// [`StoreError::NotFound`] when a write names a missing row, [`StoreError::Unavailable`]
    /// when the database is unreachable or stays busy.
    pub async fn commit(&self, commit: Commit) -> Result<Committed, StoreError> {
        let span = info_span!(
            "store.commit",
            chain = %commit.chain_id,
            action = %commit.audit.action,
            writes = commit.writes.len(),
        );
        async {
            let mut attempt = 1;
            loop {
                match self.try_commit(&commit).await {
                    Ok(committed) => return Ok(committed),
                    Err(TxError::Fail(e)) => return Err(e),
                    Err(TxError::Retry(e)) if attempt < MAX_ATTEMPTS => {
                        tracing::debug!(error = %e, attempt, "transaction will be retried");
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                    }
                    Err(TxError::Retry(e)) => return Err(e.into()),
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn try_commit(&self, commit: &Commit) -> Result<Committed, TxError> {
        let tx = self.begin_write().await?;
        match self.apply_all(&tx, commit).await {
            Ok(committed) => {
                tx.commit().await?;
                Ok(committed)
            }
            Err(e) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                Err(e)
            }
        }
    }

    async fn apply_all(&self, tx: &DatabaseTransaction, commit: &Commit) -> Result<Committed, TxError> {
        let mut serving: BTreeSet<ProjectId> = BTreeSet::new();
        let mut revocations = Vec::new();
        for write in &commit.writes {
            tracing::trace!(write = write.name(), "applying");
            // Looked up before the write: a deleted environment no longer names its project.
            if write.changes_serving() {
                serving.extend(environments::projects_of(tx, write).await?);
            }
            revocations.extend(notify::revocations(tx, self.backend, write).await?);
            revocations.extend(notify::changes(self.backend, self.instance, write));
            self.apply(tx, write).await?;
        }
        for notice in revocations {
            notify::queue(tx, self.backend, notice).await?;
        }
        let mut serving_revision = None;
        for project in &serving {
            let revision = audit::bump_serving_revision(tx, self.backend, *project).await?;
            if project.as_uuid() == commit.chain_id || serving_revision.is_none() {
                serving_revision = Some(revision);
            }
        }
        let audit_event = audit::append(tx, self.backend, commit).await?;
        Ok(Committed {
            audit_event,
            serving_revision,
        })
    }

    async fn apply(&self, tx: &DatabaseTransaction, write: &Write) -> Result<(), TxError> {
        match write {
            Write::InsertUser(user) => identity::insert_user(tx, user).await,
            Write::InsertOrganization(org) => identity::insert_organization(tx, org).await,
            Write::UpdateOrganization(org) => identity::update_organization(tx, org).await,
            Write::UpsertMembership(m) => identity::upsert_membership(tx, m).await,
            Write::DeleteMembership { user, scope } => identity::delete_membership(tx, *user, *scope).await,
            Write::DeleteProviderMembership { user, project } => {
                identity::delete_provider_membership(tx, *user, *project).await
            }
            Write::InsertProject { project, environments } => {
                identity::insert_project(tx, project).await?;
                environments::insert(tx, environments.all()).await
            }
            Write::InsertEnvironment(env) => environments::insert(tx, std::slice::from_ref(env)).await,
            Write::SaveEnvironments(envs) => environments::save(tx, envs).await,
            Write::DeleteEnvironment(id) => environments::delete(tx, *id).await,
            Write::InsertResource(r) => content::insert_resource(tx, r).await,
            Write::InsertVersion(v) => content::insert_version(tx, v).await,
            Write::InsertCredential(c) => content::insert_credential(tx, c).await,
            Write::InsertApiKey { key, hash } => content::insert_api_key(tx, key, hash).await,
            Write::RevokeApiKey { id, at } => content::revoke_api_key(tx, *id, *at).await,
            Write::InsertRelease(r) => releases::insert(tx, r).await,
            Write::UpdateRelease {
                release,
                expected_state,
            } => releases::update(tx, release, *expected_state).await,
            Write::InsertDeployment(d) => releases::insert_deployment(tx, d).await,
            Write::MovePointers {
                environment,
                changes,
                at,
            } => pointers::move_pointers(tx, *environment, changes, *at).await,
            Write::ExpectPointers { environment, expected } => {
                pointers::expect(tx, self.backend, *environment, expected).await
            }
            Write::ReencryptCredential {
                id,
                from_key_version,
                key_version,
                ciphertext,
            } => content::reencrypt_credential(tx, *id, *from_key_version, *key_version, ciphertext).await,
            Write::ExpectServingRevision { project, revision } => {
                audit::expect_serving_revision(tx, self.backend, *project, *revision).await
            }
            Write::InsertWebhookEndpoint(e) => webhooks::insert_endpoint(tx, e).await,
            Write::UpdateWebhookEndpoint(e) => webhooks::update_endpoint(tx, e).await,
            Write::SetWebhookSecrets { endpoint, secrets, at } => {
                webhooks::set_secrets(tx, *endpoint, secrets, *at).await
            }
            Write::DeleteWebhookEndpoint(id) => webhooks::delete_endpoint(tx, *id).await,
            Write::EnqueueWebhookEvent(event) => webhooks::enqueue(tx, event).await,
            Write::RedeliverWebhook { delivery, new_id, at } => webhooks::redeliver(tx, *delivery, *new_id, *at).await,
        }
    }
}

/// 10 ms, 20 ms, 40 ms, … plus up to 10 ms of jitter, so that retrying writers spread out.
fn backoff(attempt: u32) -> Duration {
    let base = 10_u64.saturating_mul(1 << attempt.min(6));
    let jitter = u64::from(Uuid::new_v4().as_bytes()[0] % 10);
    Duration::from_millis(base + jitter)
}

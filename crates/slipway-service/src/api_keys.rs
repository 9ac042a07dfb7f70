//! Gateway API keys: create (the secret is shown once, an expiry optional), revoke, list, and
//! authenticate a presented key (refusing revoked and expired ones, noting the use).

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::json;
use slipway_auth::{generate_api_key, hash_api_key};
use slipway_domain::api_key::ApiKey;
use slipway_domain::text::Name;
use slipway_domain::{ApiKeyId, Permission};
use slipway_store::Write;
use tracing::instrument;
use uuid::Uuid;

use crate::{Caller, Ctx, Revoked, Service, ServiceError, ServiceResult};
use crate::{ConflictKind, Missing};

/// A key as created: the secret exists only here and is never stored or shown again.
#[derive(Debug)]
pub struct CreatedApiKey {
    /// What is stored and listed.
    pub key: ApiKey,
    /// The full `slw_…` key, to hand to the gateway once.
    pub secret: SecretString,
}

/// What a new key should be.
#[derive(Debug, Clone, Default)]
pub struct NewApiKey {
    /// Its label.
    pub name: String,
    /// Slugs of the environments it may read (empty: all).
    pub environments: Vec<String>,
    /// From when on it is refused (none: never).
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiKey {
    /// A key named `name` for every environment, never expiring.
    pub fn named(name: impl Into<String>) -> Self {
        NewApiKey {
            name: name.into(),
            ..NewApiKey::default()
        }
    }

    /// Limits it to `environments` (slugs).
    #[must_use]
    pub fn for_environments(mut self, environments: &[String]) -> Self {
        self.environments = environments.to_vec();
        self
    }

    /// Makes it expire at `at`.
    #[must_use]
    pub fn expiring_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }
}

impl Service {
    /// Creates a read-only API key for a project, optionally limited to some environments and
    /// expiring.
    ///
    /// # Errors
    /// Invalid name; an expiry not in the future; unknown environment; permission
    /// (`project:manage_members`).
    #[instrument(skip(self, ctx, request), fields(name = %request.name))]
    pub async fn create_api_key(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        request: &NewApiKey,
    ) -> ServiceResult<CreatedApiKey> {
        let NewApiKey {
            name,
            environments,
            expires_at,
        } = request;
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageMembers)
            .await?;
        let user = Self::signed_in(ctx)?;
        let envs = self.store().environments(project.id).await?;
        let environment_ids = environments
            .iter()
            .map(|s| {
                envs.by_slug(s)
                    .map(|e| e.id)
                    .ok_or_else(|| ServiceError::NotFound(Missing::Environment(s.to_string())))
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        let now = self.now();
        ApiKey::check_expiry(*expires_at, now)?;
        let generated = generate_api_key();
        let key = ApiKey {
            id: ApiKeyId::from_uuid(Uuid::now_v7()),
            project_id: project.id,
            name: Name::parse(name)?,
            display_prefix: generated.display_prefix.clone(),
            environments: environment_ids,
            created_by: user.id,
            created_at: now,
            revoked_at: None,
            expires_at: *expires_at,
            last_used_at: None,
        };
        let audit = Self::entry(
            ctx,
            "api_key.create",
            "api_key",
            key.id,
            None,
            Some(json!({
                "name": name, "prefix": key.display_prefix, "environments": environments,
                "expires_at": expires_at,
            })),
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::InsertApiKey {
                key: key.clone(),
                hash: generated.hash,
            }],
            audit,
        )
        .await?;
        Ok(CreatedApiKey {
            key,
            secret: generated.secret,
        })
    }

    /// Revokes a key; it stops working at once.
    ///
    /// # Errors
    /// Unknown key; permission.
    #[instrument(skip(self, ctx))]
    pub async fn revoke_api_key(&self, ctx: &Ctx, org: &str, project: &str, id: ApiKeyId) -> ServiceResult<ApiKey> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageMembers)
            .await?;
        let mut key = self
            .store()
            .api_keys(project.id)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| ServiceError::NotFound(Missing::ApiKey(id.to_string())))?;
        if key.revoked_at.is_some() {
            return Err(ServiceError::conflict(
                ConflictKind::State,
                "this API key is already revoked",
            ));
        }
        let now = self.now();
        let audit = Self::entry(
            ctx,
            "api_key.revoke",
            "api_key",
            id,
            Some(json!({"prefix": key.display_prefix})),
            None,
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::RevokeApiKey { id, at: now }],
            audit,
        )
        .await?;
        key.revoked_at = Some(now);
        self.announce_revocation(project.id, Revoked::ApiKey(id));
        Ok(key)
    }

    /// The keys of a project (never their secrets).
    ///
    /// # Errors
    /// Permission.
    #[instrument(skip_all)]
    pub async fn api_keys(&self, ctx: &Ctx, org: &str, project: &str) -> ServiceResult<Vec<ApiKey>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageMembers)
            .await?;
        let keys = self.store().api_keys(project.id).await?;
        Ok(keys.into_iter().map(|k| self.inner.usage.overlay(k)).collect())
    }

    /// The caller context of a presented API key.
    ///
    /// A caller authenticated by a key ends when the key expires (`Ctx::expires_at`), and each
    /// use is noted for `lastUsedAt` (in memory; see `flush_api_key_usage`).
    ///
    /// # Errors
    /// Unauthenticated for a malformed, unknown, revoked or expired key (one answer for all).
    #[instrument(level = "debug", skip_all)]
    pub async fn authenticate_api_key(&self, presented: &str, request_id: Option<String>) -> ServiceResult<Ctx> {
        let hash = hash_api_key(presented).ok_or(ServiceError::Unauthenticated)?;
        let key = match self.inner.keys.get(&hash) {
            Some(key) => key,
            None => {
                let key = self
                    .store()
                    .api_key_by_hash(&hash)
                    .await?
                    .ok_or(ServiceError::Unauthenticated)?;
                if key.revoked_at.is_none() {
                    self.inner.keys.insert(hash, key.clone());
                }
                key
            }
        };
        let now = self.now();
        if !key.is_usable_at(now) {
            return Err(ServiceError::Unauthenticated);
        }
        self.inner.usage.note(key.id, now);
        let expires_at = key.expires_at;
        Ok(Ctx {
            caller: Caller::ApiKey(key),
            request_id,
            caller_request_id: None,
            expires_at,
        })
    }

    /// Checks that a long-lived caller (a watch stream, a subscription) is still allowed: its
    /// token must not have expired, and an API key must not have been revoked since it
    /// authenticated. Cheap while the key is cached; a revoked key leaves the cache at once (here,
    /// or when another instance's notification arrives; the tick is the safety net).
    ///
    /// # Errors
    /// Unauthenticated for a revoked or deleted key.
    #[instrument(level = "debug", skip_all)]
    pub async fn recheck_caller(&self, ctx: &Ctx) -> ServiceResult<()> {
        let Caller::ApiKey(key) = &ctx.caller else {
            return Ok(());
        };
        if key.is_expired_at(self.now()) {
            return Err(ServiceError::Unauthenticated);
        }
        if self.inner.keys.contains_id(key.id) {
            return Ok(());
        }
        let current = self
            .store()
            .api_keys(key.project_id)
            .await?
            .into_iter()
            .find(|k| k.id == key.id);
        match current {
            Some(k) if k.revoked_at.is_none() => Ok(()),
            _ => Err(ServiceError::Unauthenticated),
        }
    }

    /// Re-reads every cached API key, dropping revoked and deleted ones (run by the background
    /// tick, so revocations made on other instances take effect here too). Returns how many were
    /// dropped.
    #[instrument(skip_all)]
    pub async fn refresh_api_keys(&self) -> usize {
        let mut dropped = 0;
        for hash in self.inner.keys.hashes() {
            match self.store().api_key_by_hash(&hash).await {
                Ok(Some(key)) if key.revoked_at.is_none() => self.inner.keys.insert(hash, key),
                Ok(_) => {
                    self.inner.keys.remove(&hash);
                    dropped += 1;
                }
                Err(e) => tracing::warn!(error = %e, "could not re-read a cached API key"),
            }
        }
        dropped
    }
}

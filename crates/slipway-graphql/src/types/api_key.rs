//! Gateway API keys (never their secrets, except once, on creation).

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use slipway_domain::api_key::ApiKey as DomainApiKey;
use slipway_service::api_keys::CreatedApiKey as DomainCreated;

use super::organization::User;
use super::{gql_id, load_environments, load_user};
use crate::scope::Scope;

/// A read-only key for gateways, bound to one project and optionally to some environments.
pub struct ApiKey {
    key: DomainApiKey,
    scope: Arc<Scope>,
}

impl ApiKey {
    /// Wraps `key` of `scope`.
    pub(crate) fn new(key: DomainApiKey, scope: Arc<Scope>) -> Self {
        Self { key, scope }
    }
}

/// A read-only key for gateways, bound to one project and optionally to some environments.
#[Object]
impl ApiKey {
    /// The key's id.
    async fn id(&self) -> ID {
        gql_id(self.key.id)
    }

    /// A label chosen by its creator.
    async fn name(&self) -> &str {
        self.key.name.as_str()
    }

    /// The first characters of the key (`slw_ab12…`), to recognize it.
    async fn prefix(&self) -> &str {
        &self.key.display_prefix
    }

    /// Slugs of the environments it may read (empty: every environment).
    async fn environments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        if self.key.environments.is_empty() {
            return Ok(Vec::new());
        }
        let all = load_environments(ctx, &self.scope).await?;
        Ok(self
            .key
            .environments
            .iter()
            .filter_map(|id| all.get(*id).map(|e| e.slug.as_str().to_owned()))
            .collect())
    }

    /// Who created it.
    async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.key.created_by).await
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.key.created_at
    }

    /// When it was revoked (null: it works).
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.key.revoked_at
    }

    /// From when on it is refused, as if revoked (null: it never expires).
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.key.expires_at
    }

    /// When a request last authenticated with it (null: never, as far as recorded). Uses are
    /// batched in memory and written every few seconds, so other instances' latest uses may
    /// show a little late.
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.key.last_used_at
    }
}

/// A key as created: the only time its secret is shown.
pub struct CreatedApiKey {
    created: DomainCreated,
    scope: Arc<Scope>,
}

impl CreatedApiKey {
    /// Wraps a created key of `scope`.
    pub(crate) fn new(created: DomainCreated, scope: Arc<Scope>) -> Self {
        Self { created, scope }
    }
}

/// A key as created: the only time its secret is shown.
#[Object]
impl CreatedApiKey {
    /// The key as listed from now on.
    async fn api_key(&self) -> ApiKey {
        ApiKey::new(self.created.key.clone(), Arc::clone(&self.scope))
    }

    /// The full `slw_…` key, to hand to the gateway. Shown once: it is stored only hashed.
    async fn secret(&self) -> &str {
        self.created.secret.expose_secret()
    }
}

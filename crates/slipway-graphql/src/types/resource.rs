//! Resources, their immutable versions, and what creating a version returns.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use serde_json::Value;
use slipway_domain::{Resource as DomainResource, ResourceKind as DomainKind, Version as DomainVersion};
use slipway_service::diff::VersionPair;
use slipway_service::{Ctx, Service, ServiceResult};

use super::enums::ResourceKind;
use super::organization::User;
use super::release::Release;
use super::{gql_id, load_user};
use crate::context::use_case;
use crate::error::GqlResult;
use crate::pagination::{PageArgs, complexity, list_complexity};
use crate::scope::Scope;

/// A prompt, routing rule or provider of a project, identified by kind and key.
pub struct Resource {
    resource: DomainResource,
    scope: Arc<Scope>,
}

impl Resource {
    /// Wraps `resource` of `scope`.
    pub(crate) fn new(resource: DomainResource, scope: Arc<Scope>) -> Self {
        Self { resource, scope }
    }

    /// Finds a resource by kind and key.
    ///
    /// # Errors
    /// Not-found; the service's refusals.
    pub(crate) async fn find(
        service: &Service,
        caller: &Ctx,
        org: &str,
        project: &str,
        kind: DomainKind,
        key: &str,
    ) -> ServiceResult<DomainResource> {
        service.resource(caller, org, project, kind, key).await
    }
}

/// A prompt, routing rule or provider of a project, identified by kind and key.
#[Object]
impl Resource {
    /// The resource's id.
    async fn id(&self) -> ID {
        gql_id(self.resource.id)
    }

    /// What it is.
    async fn kind(&self) -> ResourceKind {
        self.resource.kind.into()
    }

    /// Unique per kind in the project: `[a-z0-9][a-z0-9._/-]{0,127}`.
    async fn key(&self) -> &str {
        self.resource.key.as_str()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.resource.created_at
    }

    /// Its versions, newest first.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Version>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let (org, project) = (&self.scope.org, &self.scope.project);
        let (kind, key) = (self.resource.kind, self.resource.key.as_str());
        let page = service
            .versions(caller, org, project, kind, key, args.page_request())
            .await
            .gql(ctx)?;
        Ok(args.connection(page.items, page.next_cursor, |v| Version(Arc::new(v))))
    }

    /// What changed from version `from` to version `to`, leaf by leaf in the content's JSON
    /// (empty when their content is the same; either order works).
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn diff(&self, ctx: &Context<'_>, from: u32, to: u32) -> async_graphql::Result<Vec<JsonChange>> {
        let (service, caller) = use_case(ctx)?;
        let pair = VersionPair {
            kind: self.resource.kind,
            key: self.resource.key.as_str().to_owned(),
            from,
            to,
        };
        let changes = service
            .diff_versions(caller, &self.scope.org, &self.scope.project, &pair)
            .await
            .gql(ctx)?;
        Ok(changes.into_iter().map(JsonChange).collect())
    }

    /// The newest version (null before the first).
    async fn latest_version(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Version>> {
        let (service, caller) = use_case(ctx)?;
        let (org, project) = (&self.scope.org, &self.scope.project);
        let (kind, key) = (self.resource.kind, self.resource.key.as_str());
        let args = PageArgs::resume(1, None);
        let page = service
            .versions(caller, org, project, kind, key, args.page_request())
            .await
            .gql(ctx)?;
        Ok(page.items.into_iter().next().map(|v| Version(Arc::new(v))))
    }
}

/// One immutable version of a resource.
pub struct Version(pub(crate) Arc<DomainVersion>);

/// One immutable version of a resource.
#[Object]
impl Version {
    /// The version's id.
    async fn id(&self) -> ID {
        gql_id(self.0.id)
    }

    /// 1, 2, … per resource.
    async fn number(&self) -> u32 {
        self.0.number.get()
    }

    /// The content, as validated for the resource's kind (canonical JSON).
    async fn content(&self) -> Value {
        self.0.content.to_json()
    }

    /// SHA-256 of the canonical JSON content, hex.
    async fn content_hash(&self) -> &str {
        self.0.content_hash.as_str()
    }

    /// Why it was made.
    async fn message(&self) -> &str {
        self.0.message.as_str()
    }

    /// Who made it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.author).await
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What happened to a value between two versions.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonChangeKind {
    /// Only the later version has it.
    Added,
    /// Only the earlier version has it.
    Removed,
    /// Both have it, with different values.
    Changed,
}

/// One difference between two versions' content.
pub struct JsonChange(slipway_service::diff::JsonChange);

/// One difference between two versions' content.
#[Object]
impl JsonChange {
    /// Where, as a path like `messages[0].content` (empty: the whole document).
    async fn path(&self) -> &str {
        &self.0.path
    }

    /// Whether the value was added, removed or changed.
    async fn kind(&self) -> JsonChangeKind {
        match (&self.0.before, &self.0.after) {
            (None, _) => JsonChangeKind::Added,
            (_, None) => JsonChangeKind::Removed,
            _ => JsonChangeKind::Changed,
        }
    }

    /// The value before (null: added).
    async fn before(&self) -> Option<Value> {
        self.0.before.clone()
    }

    /// The value after (null: removed).
    async fn after(&self) -> Option<Value> {
        self.0.after.clone()
    }
}

/// The result of creating a version: the version, and the releases publishing it.
pub struct PublishedVersion {
    pub(crate) version: Version,
    pub(crate) created: bool,
    pub(crate) releases: Vec<Release>,
}

/// The result of creating a version: the version, and the releases publishing it.
#[Object]
impl PublishedVersion {
    /// The version (an existing one when the content was identical to the latest).
    async fn version(&self) -> &Version {
        &self.version
    }

    /// Whether the version was created now (false: identical to the latest, returned as is).
    async fn created(&self) -> bool {
        self.created
    }

    /// One release per publish target that did not already serve the version; each is
    /// deployed at once or waits for approvals, as the target's policy says.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn releases(&self) -> &[Release] {
        &self.releases
    }
}

/// A stored provider credential: only its metadata, never the secret.
pub struct ProviderCredential(pub(crate) slipway_service::CredentialInfo);

/// A stored provider credential: only its metadata, never the secret.
#[Object]
impl ProviderCredential {
    /// The credential's id, which provider activations refer to (`credential_id`).
    async fn id(&self) -> ID {
        gql_id(self.0.id)
    }

    /// The provider's key.
    async fn provider(&self) -> &str {
        &self.0.provider
    }

    /// The encryption key version it is sealed under.
    async fn key_version(&self) -> u32 {
        self.0.key_version
    }
}

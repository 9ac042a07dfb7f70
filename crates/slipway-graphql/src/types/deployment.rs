//! Deployments: the history of an environment, one per applied release.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use slipway_domain::deployment::Deployment as DomainDeployment;
use slipway_domain::{ResourceId, VersionId};

use super::environment::Environment;
use super::organization::User;
use super::release::{Bypass, Change, Release};
use super::resource::{Resource, Version};
use super::{gql_id, load_environment, load_resource, load_user, load_version};
use crate::context::loaders;
use crate::error::GqlResult;
use crate::pagination::list_complexity;
use crate::scope::Scope;

/// One applied release: the pointer moves it made and every pointer of the environment right
/// after, so that any earlier state can be rolled back to (`rollback(deployment: …)`).
pub struct Deployment {
    deployment: DomainDeployment,
    scope: Arc<Scope>,
}

impl Deployment {
    /// Wraps `deployment` of `scope`.
    pub(crate) fn new(deployment: DomainDeployment, scope: Arc<Scope>) -> Self {
        Self { deployment, scope }
    }
}

/// One applied release: the pointer moves it made and every pointer of the environment right
/// after, so that any earlier state can be rolled back to (`rollback(deployment: …)`).
#[Object]
impl Deployment {
    /// The deployment's id.
    async fn id(&self) -> ID {
        gql_id(self.deployment.id)
    }

    /// 1, 2, … per environment.
    async fn sequence(&self) -> u64 {
        self.deployment.sequence
    }

    /// The environment whose pointers moved.
    async fn environment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Environment>> {
        load_environment(ctx, &self.scope, self.deployment.environment_id).await
    }

    /// The release applied.
    async fn release(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Release>> {
        let release = loaders(ctx)?
            .releases
            .load_one(self.deployment.release_id)
            .await
            .gql(ctx)?;
        Ok(release.map(|r| Release::new(r, Arc::clone(&self.scope))))
    }

    /// The moves made.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn changes(&self) -> Vec<Change> {
        self.deployment
            .changes
            .iter()
            .map(|c| Change::new(*c, Arc::clone(&self.scope)))
            .collect()
    }

    /// Every pointer of the environment right after this deployment.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn pointers_after(&self) -> Vec<DeployedPointer> {
        self.deployment
            .pointers_after
            .iter()
            .map(|(resource, version)| DeployedPointer {
                resource: *resource,
                version: *version,
                scope: Arc::clone(&self.scope),
            })
            .collect()
    }

    /// Who applied it (null when Slipway did, e.g. at the end of a freeze window).
    async fn deployed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.deployment.deployed_by {
            Some(id) => load_user(ctx, id).await,
            None => Ok(None),
        }
    }

    /// The policy bypass that let it through, if any.
    async fn bypass(&self) -> Option<Bypass> {
        self.deployment.bypass.clone().map(Bypass)
    }

    /// When.
    async fn deployed_at(&self) -> DateTime<Utc> {
        self.deployment.deployed_at
    }
}

/// A pointer as a deployment left it.
pub struct DeployedPointer {
    resource: ResourceId,
    version: VersionId,
    scope: Arc<Scope>,
}

/// A pointer as a deployment left it.
#[Object]
impl DeployedPointer {
    /// The resource.
    async fn resource(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resource>> {
        load_resource(ctx, &self.scope, self.resource).await
    }

    /// The version it pointed at.
    async fn version(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Version>> {
        load_version(ctx, Some(self.version)).await
    }
}

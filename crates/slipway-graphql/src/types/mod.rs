//! The GraphQL object types. Each wraps a domain value (GraphQL types are never stored) plus
//! the project [`Scope`] its child resolvers need, and resolves related values through the
//! service or the request's batch loaders.

pub mod api_key;
pub mod audit;
pub mod deployment;
pub mod enums;
pub mod environment;
pub mod organization;
pub mod policy;
pub mod project;
pub mod release;
pub mod release_status;
pub mod resolution;
pub mod resource;
pub mod webhook;

use std::fmt::Display;
use std::sync::Arc;

use async_graphql::{Context, ID};
use slipway_domain::environment::Environments;
use slipway_domain::{EnvironmentId, ResourceId, UserId, VersionId};
use slipway_service::{Missing, ServiceError};

use crate::context::loaders;
use crate::error::GqlResult;
use crate::scope::Scope;

/// A GraphQL `ID` from a typed id (UUIDs as strings).
pub(crate) fn gql_id(id: impl Display) -> ID {
    ID(id.to_string())
}

/// A user by id, batched.
pub(crate) async fn load_user(ctx: &Context<'_>, id: UserId) -> async_graphql::Result<Option<organization::User>> {
    let user = loaders(ctx)?.users.load_one(id).await.gql(ctx)?;
    Ok(user.map(organization::User))
}

/// A version by id, batched.
pub(crate) async fn load_version(
    ctx: &Context<'_>,
    id: Option<VersionId>,
) -> async_graphql::Result<Option<resource::Version>> {
    let Some(id) = id else { return Ok(None) };
    let version = loaders(ctx)?.versions.load_one(id).await.gql(ctx)?;
    Ok(version.map(|v| resource::Version(Arc::new(v))))
}

/// A resource of `scope` by id, batched.
pub(crate) async fn load_resource(
    ctx: &Context<'_>,
    scope: &Arc<Scope>,
    id: ResourceId,
) -> async_graphql::Result<Option<resource::Resource>> {
    let resource = loaders(ctx)?
        .resources
        .load_one((Arc::clone(scope), id))
        .await
        .gql(ctx)?;
    Ok(resource.map(|r| resource::Resource::new(r, Arc::clone(scope))))
}

/// The environments of `scope`, batched.
pub(crate) async fn load_environments(
    ctx: &Context<'_>,
    scope: &Arc<Scope>,
) -> async_graphql::Result<Arc<Environments>> {
    let environments = loaders(ctx)?.environments.load_one(Arc::clone(scope)).await.gql(ctx)?;
    environments
        .ok_or(ServiceError::NotFound(Missing::Row("project")))
        .gql(ctx)
}

/// One environment of `scope` by id, batched.
pub(crate) async fn load_environment(
    ctx: &Context<'_>,
    scope: &Arc<Scope>,
    id: EnvironmentId,
) -> async_graphql::Result<Option<environment::Environment>> {
    let all = load_environments(ctx, scope).await?;
    Ok(all
        .get(id)
        .cloned()
        .map(|e| environment::Environment::new(e, Arc::clone(scope), Some(Arc::clone(&all)))))
}

/// Parses an `ID` argument into a typed id (`VALIDATION` on `field` when it is not a UUID).
pub(crate) fn parse_id<T>(ctx: &Context<'_>, field: &str, id: &ID) -> async_graphql::Result<T>
where
    T: std::str::FromStr<Err = slipway_domain::ValidationError>,
{
    id.as_str()
        .parse::<T>()
        .map_err(|_| crate::error::invalid(field, "must be a UUID"))
        .gql(ctx)
}

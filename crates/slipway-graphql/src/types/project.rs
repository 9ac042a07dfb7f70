//! A project: its environments, resources, releases, members and API keys.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use slipway_domain::{Project as DomainProject, Role as DomainRole};
use slipway_service::releases::ReleaseFilterInput;

use super::api_key::ApiKey;
use super::enums::{ReleaseState, ResourceKind, Role};
use super::environment::Environment;
use super::gql_id;
use super::organization::{Member, Organization};
use super::release::Release;
use super::resource::Resource;
use super::webhook::WebhookEndpoint;
use crate::context::use_case;
use crate::error::GqlResult;
use crate::pagination::{PageArgs, complexity};
use crate::scope::Scope;

/// A project: owns environments, resources, releases and the audit log. Addressed by its
/// organization's slug and its own (`project(org: "acme", slug: "chat")`).
pub struct Project {
    project: DomainProject,
    scope: Arc<Scope>,
    role: Option<DomainRole>,
}

impl Project {
    /// Wraps `project`; `role` is the caller's, when already known.
    pub(crate) fn new(scope: Arc<Scope>, project: DomainProject, role: Option<DomainRole>) -> Self {
        Self { project, scope, role }
    }

    fn slugs(&self) -> (&str, &str) {
        (&self.scope.org, &self.scope.project)
    }
}

/// A project: owns environments, resources, releases and the audit log. Addressed by its
/// organization's slug and its own (`project(org: "acme", slug: "chat")`).
#[Object]
impl Project {
    /// The project's id.
    async fn id(&self) -> ID {
        gql_id(self.project.id)
    }

    /// Slug, unique in the organization.
    async fn slug(&self) -> &str {
        self.project.slug.as_str()
    }

    /// Display name.
    async fn name(&self) -> &str {
        self.project.name.as_str()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.project.created_at
    }

    /// The organization's slug.
    async fn organization_slug(&self) -> &str {
        &self.scope.org
    }

    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        let (service, caller) = use_case(ctx)?;
        let org = service.organization(caller, &self.scope.org).await.gql(ctx)?;
        Ok(Organization(org))
    }

    /// The caller's effective role here (organization owners own every project).
    async fn viewer_role(&self, ctx: &Context<'_>) -> async_graphql::Result<Role> {
        if let Some(role) = self.role {
            return Ok(role.into());
        }
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let (_, role) = service.project(caller, org, slug).await.gql(ctx)?;
        Ok(role.into())
    }

    /// The environments, in display order.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn environments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Environment>> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let (_, environments) = service.environments(caller, org, slug).await.gql(ctx)?;
        let all = Arc::new(environments);
        args.slice(all.all().to_vec(), |e| {
            Environment::new(e, Arc::clone(&self.scope), Some(Arc::clone(&all)))
        })
        .gql(ctx)
    }

    /// One environment, by slug.
    async fn environment(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Environment> {
        let (service, caller) = use_case(ctx)?;
        let (org, project) = self.slugs();
        let (_, env) = service.environment(caller, org, project, &slug).await.gql(ctx)?;
        Ok(Environment::new(env, Arc::clone(&self.scope), None))
    }

    /// The resources (prompts, routing rules, providers).
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Resource>> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let page = service
            .resources(caller, org, slug, args.page_request())
            .await
            .gql(ctx)?;
        Ok(args.connection(page.items, page.next_cursor, |r| {
            Resource::new(r, Arc::clone(&self.scope))
        }))
    }

    /// One resource, by kind and key.
    async fn resource(&self, ctx: &Context<'_>, kind: ResourceKind, key: String) -> async_graphql::Result<Resource> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let found = Resource::find(service, caller, org, slug, kind.into(), &key)
            .await
            .gql(ctx)?;
        Ok(Resource::new(found, Arc::clone(&self.scope)))
    }

    /// Releases, newest first; optionally only those targeting one environment (slug) or in
    /// some states.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn releases(
        &self,
        ctx: &Context<'_>,
        environment: Option<String>,
        #[graphql(default)] states: Vec<ReleaseState>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Release>> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let filter = ReleaseFilterInput {
            environment,
            states: states.into_iter().map(Into::into).collect(),
        };
        let page = service
            .releases(caller, org, slug, filter.clone(), args.page_request())
            .await
            .gql(ctx)?;
        Ok(args.connection(page.items, page.next_cursor, |r| {
            Release::new(r, Arc::clone(&self.scope))
        }))
    }

    /// The members and their roles.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Member>> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let members = service.members(caller, org, slug).await.gql(ctx)?;
        args.slice(members, |(membership, user)| Member { membership, user })
            .gql(ctx)
    }

    /// The gateway API keys (never their secrets). Only for those who manage members and keys
    /// (`FORBIDDEN` otherwise).
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Option<Connection<String, ApiKey>>> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let keys = service.api_keys(caller, org, slug).await.gql(ctx)?;
        let page = args.slice(keys, |k| ApiKey::new(k, Arc::clone(&self.scope))).gql(ctx)?;
        Ok(Some(page))
    }

    /// The webhook endpoints (never their secrets). Only for those who manage webhooks
    /// (`FORBIDDEN` otherwise).
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, WebhookEndpoint>> {
        let (service, caller) = use_case(ctx)?;
        let (org, slug) = self.slugs();
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let endpoints = service.webhook_endpoints(caller, org, slug).await.gql(ctx)?;
        args.slice(endpoints, |e| WebhookEndpoint::new(e, Arc::clone(&self.scope)))
            .gql(ctx)
    }
}

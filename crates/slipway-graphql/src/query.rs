//! The query root: the signed-in viewer, organizations, projects, environments, releases,
//! resolution, environment diffs, the audit log with its chain status, and the releases
//! waiting for the caller's approval.
//!
//! Projects are addressed by organization slug and project slug (`org:` and `project:`, or
//! `slug:` for the thing being looked up itself); releases by id.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use slipway_domain::ReleaseId;
use slipway_service::{Service, ServiceError};

use crate::context::use_case;
use crate::error::{GqlResult, invalid};
use crate::pagination::{PageArgs, complexity, list_complexity};
use crate::scope::Scope;
use crate::types::audit::{AuditChainStatus, AuditEvent, AuditLogFilterInput};
use crate::types::enums::ResourceKind;
use crate::types::environment::Environment;
use crate::types::organization::{Organization, Viewer};
use crate::types::parse_id;
use crate::types::project::Project;
use crate::types::release::Release;
use crate::types::resolution::{Resolution, ResourceDiff};

/// Every read.
#[derive(Debug, Default)]
pub struct QueryRoot;

/// Every read.
#[Object(name = "Query")]
impl QueryRoot {
    /// The signed-in user and their organizations (`UNAUTHENTICATED` without a token,
    /// `FORBIDDEN` for an API key).
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let (_, caller) = use_case(ctx)?;
        let user = Service::signed_in(caller).gql(ctx)?;
        Ok(Viewer(user.clone()))
    }

    /// An organization the caller belongs to, by slug.
    async fn organization(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Organization> {
        let (service, caller) = use_case(ctx)?;
        Ok(Organization(service.organization(caller, &slug).await.gql(ctx)?))
    }

    /// A project the caller can view, by organization slug and project slug. Another
    /// organization's project is `NOT_FOUND`, exactly as if it did not exist.
    async fn project(&self, ctx: &Context<'_>, org: String, slug: String) -> async_graphql::Result<Project> {
        let (service, caller) = use_case(ctx)?;
        let (project, role) = service.project(caller, &org, &slug).await.gql(ctx)?;
        Ok(Project::new(Scope::of(&org, &project), project, Some(role)))
    }

    /// One environment of a project, by slug.
    async fn environment(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        slug: String,
    ) -> async_graphql::Result<Environment> {
        let (service, caller) = use_case(ctx)?;
        let (p, env) = service.environment(caller, &org, &project, &slug).await.gql(ctx)?;
        Ok(Environment::new(env, Scope::of(&org, &p), None))
    }

    /// A release, by id.
    async fn release(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Release> {
        let (service, caller) = use_case(ctx)?;
        let id: ReleaseId = parse_id(ctx, "id", &id)?;
        let release = service.release(caller, id).await.gql(ctx)?;
        let scope = Scope::by_id(service, caller, release.parts().project_id)
            .await
            .gql(ctx)?;
        Ok(Release::new(release, scope))
    }

    /// What an environment serves — the gateway's question. Without `environment`, the
    /// project's gateway fallback answers; an unknown environment is `NOT_FOUND` (never a silent
    /// fallback). With `kind` and `key`, only that resource (`NOT_FOUND` when neither the
    /// environment nor the gateway fallback serves it).
    async fn resolve(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        environment: Option<String>,
        kind: Option<ResourceKind>,
        key: Option<String>,
    ) -> async_graphql::Result<Resolution> {
        let (service, caller) = use_case(ctx)?;
        let resolved = service
            .resolve_environment(caller, Some((&org, &project)), environment.as_deref())
            .await
            .gql(ctx)?;
        let view = &resolved.view;
        let scope = Scope::of(&org, &resolved.snapshot.project);
        let (etag, entries) = match (kind, key) {
            (None, None) => (view.etag.to_string(), view.entries.values().cloned().collect()),
            (Some(kind), Some(key)) => {
                let entry = view.resource(kind.into(), &key).map_err(ServiceError::from).gql(ctx)?;
                (entry.etag.to_string(), vec![entry.clone()])
            }
            (None, Some(_)) => return Err(invalid("kind", "is required with key")).gql(ctx),
            (Some(_), None) => return Err(invalid("key", "is required with kind")).gql(ctx),
        };
        Ok(Resolution {
            environment: view.environment.clone(),
            etag,
            entries,
            scope,
        })
    }

    /// The resources whose pointers differ between two environments of a project (their own
    /// pointers, not fallbacks), by kind and key.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn diff_environments(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        left: String,
        right: String,
    ) -> async_graphql::Result<Vec<ResourceDiff>> {
        let (service, caller) = use_case(ctx)?;
        let (p, _) = service.project(caller, &org, &project).await.gql(ctx)?;
        let scope = Scope::of(&org, &p);
        let entries = service
            .diff_environments(caller, &org, &project, &left, &right)
            .await
            .gql(ctx)?;
        Ok(entries
            .into_iter()
            .map(|entry| ResourceDiff {
                entry,
                scope: Arc::clone(&scope),
            })
            .collect())
    }

    /// A project's audit events, newest first.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Only the events that match (all by default).")] filter: Option<AuditLogFilterInput>,
    ) -> async_graphql::Result<Connection<String, AuditEvent>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let filter = filter.unwrap_or_default().into();
        let page = service
            .audit_log(caller, &org, &project, filter, args.page_request())
            .await
            .gql(ctx)?;
        Ok(args.connection(page.items, page.next_cursor, AuditEvent))
    }

    /// Whether a project's audit hash chain verifies: every event, and its end against the
    /// stored chain head (what `slipway audit verify` checks).
    async fn audit_chain(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
    ) -> async_graphql::Result<AuditChainStatus> {
        let (service, caller) = use_case(ctx)?;
        let status = service.audit_chain_status(caller, &org, &project).await.gql(ctx)?;
        Ok(AuditChainStatus(status))
    }

    /// The pending releases, across every project of the signed-in user, whose quorum the
    /// user's approval would count toward (not yet approved by them, not their own where
    /// self-approval is prevented), newest first.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn releases_awaiting_my_approval(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Release>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let waiting = service.releases_awaiting_my_approval(caller).await.gql(ctx)?;
        args.slice(waiting, |w| {
            Release::new(w.release, Scope::of(w.organization.slug.as_str(), &w.project))
        })
        .gql(ctx)
    }
}

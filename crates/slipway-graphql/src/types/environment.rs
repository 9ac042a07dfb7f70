//! An environment: its settings, role flags, policy, live pointers and deployment history.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use slipway_domain::environment::{Environment as DomainEnvironment, Environments};

use super::deployment::Deployment;
use super::gql_id;
use super::policy::PromotionPolicy;
use super::resource::{Resource, Version};
use crate::context::{service, use_case};
use crate::error::GqlResult;
use crate::pagination::{PageArgs, complexity};
use crate::scope::Scope;

/// A named deployment target inside a project: a set of pointers selecting one version of each
/// resource, under a promotion policy.
pub struct Environment {
    env: DomainEnvironment,
    scope: Arc<Scope>,
    siblings: Option<Arc<Environments>>,
}

impl Environment {
    /// Wraps `env`; `siblings` (the project's environments) saves a lookup when known.
    pub(crate) fn new(env: DomainEnvironment, scope: Arc<Scope>, siblings: Option<Arc<Environments>>) -> Self {
        Self { env, scope, siblings }
    }
}

/// A named deployment target inside a project: a set of pointers selecting one version of each
/// resource, under a promotion policy.
#[Object]
impl Environment {
    /// The environment's id.
    async fn id(&self) -> ID {
        gql_id(self.env.id)
    }

    /// Unique in the project and immutable (`prod`, `staging`, …).
    async fn slug(&self) -> &str {
        self.env.slug.as_str()
    }

    /// Display name.
    async fn name(&self) -> &str {
        self.env.name.as_str()
    }

    /// Free text.
    async fn description(&self) -> &str {
        self.env.description.as_str()
    }

    /// `#rrggbb`.
    async fn color(&self) -> String {
        self.env.color.to_string()
    }

    /// Display order, 0 first.
    async fn position(&self) -> u32 {
        self.env.position
    }

    /// Production and Staging, created with the project: they can be renamed, not deleted.
    async fn is_system(&self) -> bool {
        self.env.is_system
    }

    /// Marked production (for reporting and policy).
    async fn is_production(&self) -> bool {
        self.env.is_production
    }

    /// New versions are published here unless told otherwise (exactly one per project).
    async fn is_default_publish_target(&self) -> bool {
        self.env.is_default_publish_target
    }

    /// Serves gateways that name no environment, and resources other environments lack
    /// (exactly one per project).
    async fn is_gateway_fallback(&self) -> bool {
        self.env.is_gateway_fallback
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.env.created_at
    }

    /// The promotion policy for releases targeting this environment.
    async fn policy(&self) -> PromotionPolicy {
        PromotionPolicy::new(self.env.policy.clone(), Arc::clone(&self.scope), self.siblings.clone())
    }

    /// What this environment itself points at (not what it falls back to; `resolve` answers
    /// that), ordered by kind and key. Read from the in-memory resolution snapshot.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn pointers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Pointer>> {
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let snapshot = service(ctx)?.snapshot(self.scope.id).await.gql(ctx)?;
        let Ok(view) = snapshot.environment(Some(self.env.slug.as_str())) else {
            // Deleted since (or created after the snapshot): it points at nothing.
            return args.slice(Vec::new(), |p: Pointer| p).gql(ctx);
        };
        let pointers = snapshot.state.pointers.get(&self.env.id);
        let live: Vec<Pointer> = view
            .entries
            .values()
            .filter(|e| !e.fell_back)
            .map(|e| {
                let live = pointers.and_then(|p| p.get(&e.resource.id));
                Pointer {
                    resource: Resource::new(e.resource.clone(), Arc::clone(&self.scope)),
                    version: Version(Arc::clone(&e.version)),
                    since: live.map(|p| p.since),
                    revision: live.map_or(0, |p| p.revision),
                }
            })
            .collect();
        args.slice(live, |p| p).gql(ctx)
    }

    /// The deployment history, newest first.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn deployments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Deployment>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let (org, project, slug) = (&self.scope.org, &self.scope.project, self.env.slug.as_str());
        let page = service
            .deployments(caller, org, project, slug, args.page_request())
            .await
            .gql(ctx)?;
        Ok(args.connection(page.items, page.next_cursor, |d| {
            Deployment::new(d, Arc::clone(&self.scope))
        }))
    }
}

/// One live pointer: the version of a resource an environment serves.
pub struct Pointer {
    resource: Resource,
    version: Version,
    since: Option<DateTime<Utc>>,
    revision: u64,
}

/// One live pointer: the version of a resource an environment serves.
#[Object]
impl Pointer {
    /// The resource.
    async fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The version served.
    async fn version(&self) -> &Version {
        &self.version
    }

    /// When the pointer last moved (the start of the version's soak here).
    async fn since(&self) -> Option<DateTime<Utc>> {
        self.since
    }

    /// Incremented on every move.
    async fn revision(&self) -> u64 {
        self.revision
    }
}

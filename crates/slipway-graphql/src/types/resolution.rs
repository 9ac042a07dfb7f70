//! Answers about what is live: resolution (the gateway's question) and environment diffs.

use std::sync::Arc;

use async_graphql::Object;
use slipway_domain::environment::Environment as DomainEnvironment;
use slipway_service::diff::EnvironmentDiffEntry;
use slipway_service::snapshot::ResolvedEntry;

use super::environment::Environment;
use super::resource::{Resource, Version};
use crate::pagination::list_complexity;
use crate::scope::Scope;

/// What an environment serves: its own pointers, and the gateway fallback's for resources it
/// lacks.
pub struct Resolution {
    pub(crate) environment: DomainEnvironment,
    pub(crate) etag: String,
    pub(crate) entries: Vec<ResolvedEntry>,
    pub(crate) scope: Arc<Scope>,
}

/// What an environment serves: its own pointers, and the gateway fallback's for resources it
/// lacks.
#[Object]
impl Resolution {
    /// The environment asked for (the gateway fallback when none was named).
    async fn environment(&self) -> Environment {
        Environment::new(self.environment.clone(), Arc::clone(&self.scope), None)
    }

    /// Changes exactly when the answer changes (the gateway endpoint's ETag).
    async fn etag(&self) -> &str {
        &self.etag
    }

    /// The resources served, by kind and key.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn resources(&self) -> Vec<ResolvedResource> {
        self.entries
            .iter()
            .map(|e| ResolvedResource {
                entry: e.clone(),
                scope: Arc::clone(&self.scope),
            })
            .collect()
    }
}

/// One resource as an environment serves it.
pub struct ResolvedResource {
    entry: ResolvedEntry,
    scope: Arc<Scope>,
}

/// One resource as an environment serves it.
#[Object]
impl ResolvedResource {
    /// The resource.
    async fn resource(&self) -> Resource {
        Resource::new(self.entry.resource.clone(), Arc::clone(&self.scope))
    }

    /// The version served.
    async fn version(&self) -> Version {
        Version(Arc::clone(&self.entry.version))
    }

    /// The environment whose pointer is used.
    async fn served_from(&self) -> Environment {
        Environment::new(self.entry.served_from.clone(), Arc::clone(&self.scope), None)
    }

    /// Whether the asked environment has no pointer for it and the gateway fallback's is used.
    async fn fell_back(&self) -> bool {
        self.entry.fell_back
    }
}

/// How one resource differs between two environments (their own pointers, not fallbacks).
pub struct ResourceDiff {
    pub(crate) entry: EnvironmentDiffEntry,
    pub(crate) scope: Arc<Scope>,
}

/// How one resource differs between two environments (their own pointers, not fallbacks).
#[Object]
impl ResourceDiff {
    /// The resource.
    async fn resource(&self) -> Resource {
        Resource::new(self.entry.resource.clone(), Arc::clone(&self.scope))
    }

    /// What the left environment points at (null: nothing).
    async fn left(&self) -> Option<Version> {
        self.entry.left.clone().map(|v| Version(Arc::new(v)))
    }

    /// What the right environment points at (null: nothing).
    async fn right(&self) -> Option<Version> {
        self.entry.right.clone().map(|v| Version(Arc::new(v)))
    }
}

//! Batch loaders, so that a list costs a fixed number of service calls however long it is
//! (a dashboard listing releases with their changes, versions and authors, for example).
//!
//! One set per request (or WebSocket connection), bound to its caller, without a cache: loads
//! issued together are batched and de-duplicated, and nothing outlives the batch, so a
//! long-lived subscription never serves a stale value. The loaders do not authorize ids: their
//! callers pass ids read through an authorized use case, and use cases that take slugs (the
//! project's resources and environments) authorize again.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::dataloader::{DataLoader, Loader};
use slipway_domain::environment::Environments;
use slipway_domain::release::Release;
use slipway_domain::{ReleaseId, Resource, ResourceId, User, UserId, Version, VersionId};
use slipway_service::{Ctx, Service, ServiceError, ServiceResult};

use crate::scope::Scope;

/// The loaders of one request.
pub(crate) struct Loaders {
    /// Versions by id.
    pub versions: DataLoader<VersionLoader>,
    /// Users by id.
    pub users: DataLoader<UserLoader>,
    /// Resources by project and id.
    pub resources: DataLoader<ResourceLoader>,
    /// A project's environments.
    pub environments: DataLoader<EnvironmentLoader>,
    /// Releases by id.
    pub releases: DataLoader<ReleaseLoader>,
}

impl Loaders {
    /// Loaders for `caller`'s request.
    pub fn new(service: Service, caller: Option<Ctx>) -> Self {
        let bound = Bound { service, caller };
        Self {
            versions: DataLoader::new(VersionLoader::new(bound.service.clone()), tokio::spawn),
            users: DataLoader::new(UserLoader::new(bound.service.clone()), tokio::spawn),
            resources: DataLoader::new(ResourceLoader(bound.clone(), Batches::default()), tokio::spawn),
            environments: DataLoader::new(EnvironmentLoader(bound.clone()), tokio::spawn),
            releases: DataLoader::new(ReleaseLoader(bound), tokio::spawn),
        }
    }
}

/// The service and the caller a loader acts for.
#[derive(Clone)]
pub(crate) struct Bound {
    service: Service,
    caller: Option<Ctx>,
}

impl Bound {
    fn caller(&self) -> ServiceResult<&Ctx> {
        self.caller.as_ref().ok_or(ServiceError::Unauthenticated)
    }
}

/// Counts the batches a loader ran (observable in tests: a list must not cost a batch per item).
#[derive(Debug, Default)]
pub(crate) struct Batches(AtomicUsize);

impl Batches {
    fn count(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// How many batches ran so far.
    #[cfg(test)]
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// Loads versions through `Service::versions_by_ids`.
pub(crate) struct VersionLoader {
    service: Service,
    /// Batches run.
    pub batches: Batches,
}

impl VersionLoader {
    fn new(service: Service) -> Self {
        Self {
            service,
            batches: Batches::default(),
        }
    }
}

impl Loader<VersionId> for VersionLoader {
    type Value = Version;
    type Error = ServiceError;

    async fn load(&self, keys: &[VersionId]) -> Result<HashMap<VersionId, Version>, ServiceError> {
        self.batches.count();
        let versions = self.service.versions_by_ids(keys).await?;
        Ok(versions.into_iter().map(|v| (v.id, v)).collect())
    }
}

/// Loads users by id.
pub(crate) struct UserLoader {
    service: Service,
    /// Batches run.
    pub batches: Batches,
}

impl UserLoader {
    fn new(service: Service) -> Self {
        Self {
            service,
            batches: Batches::default(),
        }
    }
}

impl Loader<UserId> for UserLoader {
    type Value = User;
    type Error = ServiceError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, User>, ServiceError> {
        self.batches.count();
        // The service has no batch read of users yet (reported); users are not secret inside a
        // project (authors and approvers are shown to every member), so read them through the
        // service's store handle until it has one.
        let users = self.service.users_by_ids(keys).await?;
        Ok(users.into_iter().map(|u| (u.id, u)).collect())
    }
}

/// Loads resources by id in one read per batch, each kept only within the project its scope was
/// authorized in.
pub(crate) struct ResourceLoader(Bound, Batches);

impl ResourceLoader {
    /// Batches run.
    #[cfg(test)]
    pub fn batches(&self) -> &Batches {
        &self.1
    }
}

impl Loader<(Arc<Scope>, ResourceId)> for ResourceLoader {
    type Value = Resource;
    type Error = ServiceError;

    async fn load(
        &self,
        keys: &[(Arc<Scope>, ResourceId)],
    ) -> Result<HashMap<(Arc<Scope>, ResourceId), Resource>, ServiceError> {
        self.0.caller()?;
        self.1.count();
        let ids: Vec<ResourceId> = keys.iter().map(|(_, id)| *id).collect();
        let found: HashMap<ResourceId, Resource> = self
            .0
            .service
            .resources_by_ids(&ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        // Only a resource of the project its scope was authorized in.
        Ok(keys
            .iter()
            .filter_map(|(scope, id)| {
                let resource = found.get(id).filter(|r| r.project_id == scope.id)?;
                Some(((Arc::clone(scope), *id), resource.clone()))
            })
            .collect())
    }
}

/// Loads a project's environments (authorized: the caller must see the project).
pub(crate) struct EnvironmentLoader(Bound);

impl Loader<Arc<Scope>> for EnvironmentLoader {
    type Value = Arc<Environments>;
    type Error = ServiceError;

    async fn load(&self, keys: &[Arc<Scope>]) -> Result<HashMap<Arc<Scope>, Arc<Environments>>, ServiceError> {
        let ctx = self.0.caller()?;
        let mut out = HashMap::new();
        for scope in keys {
            let (_, environments) = self.0.service.environments(ctx, &scope.org, &scope.project).await?;
            out.insert(Arc::clone(scope), Arc::new(environments));
        }
        Ok(out)
    }
}

/// Loads releases by id in one read per batch, keeping those the caller may see.
pub(crate) struct ReleaseLoader(Bound);

impl Loader<ReleaseId> for ReleaseLoader {
    type Value = Release;
    type Error = ServiceError;

    async fn load(&self, keys: &[ReleaseId]) -> Result<HashMap<ReleaseId, Release>, ServiceError> {
        let ctx = self.0.caller()?;
        let releases = self.0.service.releases_by_ids(ctx, keys).await?;
        Ok(releases.into_iter().map(|r| (r.id(), r)).collect())
    }
}

#[cfg(test)]
mod tests;

//! Resolution — the gateway's question "what is live in environment X?" — answered from the
//! per-project snapshot, and the upkeep of those snapshots.

use std::sync::Arc;

use slipway_domain::resource::ResourceKind;
use slipway_domain::{Permission, ProjectId};
use tracing::instrument;

use crate::Missing;
use crate::snapshot::{EnvironmentView, LookupError, ResolvedEntry, ResolvedEnvironment, Snapshot};
use crate::{Caller, Ctx, Event, Service, ServiceError, ServiceResult};

/// How many cached snapshots one [`Service::check_revisions`] looks at: every cached project is
/// checked once per `cached / REVISION_SWEEP` ticks.
pub const REVISION_SWEEP: usize = 1000;

impl From<LookupError> for ServiceError {
    fn from(e: LookupError) -> Self {
        ServiceError::NotFound(match e {
            LookupError::UnknownEnvironment(slug) => Missing::Environment(slug),
            LookupError::NotDeployed { kind, key } => Missing::NotDeployed { kind, key },
        })
    }
}

impl Service {
    /// The snapshot of `project`, building it on first use.
    ///
    /// # Errors
    /// The store fails while building it.
    #[instrument(level = "debug", skip_all)]
    pub async fn snapshot(&self, project: ProjectId) -> ServiceResult<Arc<Snapshot>> {
        if let Some(s) = self.inner.cache.get(project) {
            self.inner.stats.hit();
            return Ok(s);
        }
        self.inner.stats.miss();
        let data = self.store().snapshot(project).await?;
        let snapshot = Snapshot::build(data).map_err(|e| {
            tracing::error!(%project, error = %e, "could not build a resolution snapshot");
            ServiceError::Internal("could not build the resolution snapshot".into())
        })?;
        Ok(self.inner.cache.install(snapshot).0)
    }

    /// Rebuilds `project`'s snapshot from the database (after a commit, or when another
    /// instance announced one) and announces every environment whose answer changed. A failure
    /// is logged and drops the cached snapshot, so the next read rebuilds it instead of serving a
    /// stale answer.
    #[instrument(skip_all)]
    pub async fn refresh_snapshot(&self, project: ProjectId) {
        let previous = self.inner.cache.get(project);
        let built = match self.store().snapshot(project).await {
            Ok(data) => Snapshot::rebuild(data, previous.as_deref()),
            Err(e) => Err(e.to_string()),
        };
        let snapshot = match built {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(%project, error = %e, "snapshot refresh failed; dropping the cached one");
                self.inner.cache.evict(project);
                return;
            }
        };
        let (installed, previous) = self.inner.cache.install(snapshot);
        // What the project serves moved: its open releases may now be superseded.
        self.inner.recheck.changed(project);
        for view in installed.views() {
            let before = previous
                .as_ref()
                .and_then(|p| p.environment(Some(view.environment.slug.as_str())).ok());
            if before.is_none_or(|b| b.etag != view.etag) {
                self.events().send(Event::ServingChanged {
                    project_id: project,
                    environment_id: view.environment.id,
                    etag: view.etag.to_string(),
                });
            }
        }
    }

    /// Brings `project`'s snapshot up to `revision` (announced by another instance) if this
    /// instance holds an older one. A project this instance holds no snapshot of is left
    /// alone: its first read builds the current one, so following other instances' commits
    /// never costs a database read for projects nobody reads here.
    pub async fn follow_revision(&self, project: ProjectId, revision: i64) {
        if self.inner.cache.get(project).is_some_and(|s| s.revision < revision) {
            self.refresh_snapshot(project).await;
        }
    }

    /// The safety net for several instances: rebuilds every cached snapshot whose project's
    /// serving revision moved in the database, looking at up to [`REVISION_SWEEP`] cached
    /// projects per call (in a few batched queries) and at the next ones on the next call, so
    /// that the cost of a tick does not grow with the number of projects. Returns how many were
    /// rebuilt.
    #[instrument(skip_all)]
    pub async fn check_revisions(&self) -> usize {
        let batch = self.inner.cache.sweep(REVISION_SWEEP);
        if batch.is_empty() {
            return 0;
        }
        let ids: Vec<ProjectId> = batch.iter().map(|(p, _)| *p).collect();
        let current = match self.store().serving_revisions(&ids).await {
            Ok(current) => current,
            Err(e) => {
                tracing::warn!(error = %e, "revision check failed");
                return 0;
            }
        };
        let mut rebuilt = 0;
        for (project, revision) in batch {
            if current.get(&project).is_none_or(|now| *now != revision) {
                self.refresh_snapshot(project).await;
                rebuilt += 1;
            }
        }
        rebuilt
    }

    /// The project a resolution caller may read: an API key's own project (known without a
    /// database read), or a project the signed-in user can view (from the viewer cache once the
    /// database has said so).
    async fn resolution_project(&self, ctx: &Ctx, project: Option<(&str, &str)>) -> ServiceResult<ProjectId> {
        match (&ctx.caller, project) {
            (Caller::ApiKey(key), None) => Ok(key.project_id),
            (Caller::ApiKey(key), Some((org, slug))) => {
                let id = match self.inner.addresses.get(org, slug) {
                    Some(id) => id,
                    None => {
                        let project = self.project_by_slugs(org, slug).await?;
                        self.inner.addresses.insert(org, slug, project.id);
                        project.id
                    }
                };
                if id == key.project_id {
                    Ok(id)
                } else {
                    Err(ServiceError::NotFound(Missing::project(org, slug)))
                }
            }
            (Caller::User(user), Some((org, slug))) => {
                if let Some(id) = self.inner.viewers.get(user.id, org, slug) {
                    return Ok(id);
                }
                let epoch = self.inner.viewers.epoch();
                let (project, _) = self.authorize_project(ctx, org, slug, Permission::ProjectView).await?;
                self.inner.viewers.insert(epoch, user.id, org, slug, project.id);
                Ok(project.id)
            }
            (Caller::User(_), None) => Err(ServiceError::validation("project", "name the project as ORG/PROJECT")),
            (Caller::System, _) => Err(ServiceError::Unauthenticated),
        }
    }

    fn check_key_environment(ctx: &Ctx, view: &EnvironmentView) -> ServiceResult<()> {
        if let Caller::ApiKey(key) = &ctx.caller
            && !key.allows(key.project_id, view.environment.id)
        {
            return Err(ServiceError::Forbidden {
                permission: None,
                message: "this API key may not read that environment".into(),
            });
        }
        Ok(())
    }

    /// Everything `environment` serves (the gateway fallback when `None`).
    ///
    /// # Errors
    /// Unknown project or environment (never a silent fallback); an API key outside its scope.
    #[instrument(level = "debug", skip(self, ctx), fields(project = ?project, environment = ?environment))]
    pub async fn resolve_environment(
        &self,
        ctx: &Ctx,
        project: Option<(&str, &str)>,
        environment: Option<&str>,
    ) -> ServiceResult<ResolvedEnvironment> {
        let project = self.resolution_project(ctx, project).await?;
        let snapshot = self.snapshot(project).await?;
        let view = Arc::clone(snapshot.environment(environment)?);
        Self::check_key_environment(ctx, &view)?;
        Ok(ResolvedEnvironment { snapshot, view })
    }

    /// One resource as `environment` serves it, falling back to the gateway fallback.
    ///
    /// # Errors
    /// As [`Service::resolve_environment`], and not-found when nothing serves the resource.
    #[instrument(level = "debug", skip_all)]
    pub async fn resolve_resource(
        &self,
        ctx: &Ctx,
        project: Option<(&str, &str)>,
        environment: Option<&str>,
        kind: ResourceKind,
        key: &str,
    ) -> ServiceResult<ResolvedEntry> {
        let resolved = self.resolve_environment(ctx, project, environment).await?;
        Ok(resolved.view.resource(kind, key)?.clone())
    }
}

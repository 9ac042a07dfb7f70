//! Resolution — the gateway's question "what is live in environment X?" — answered from the
//! per-project snapshot, and the upkeep of those snapshots.

use std::sync::Arc;

use slipway_domain::resource::ResourceKind;
use slipway_domain::{Permission, ProjectId};
use tracing::instrument;

use crate::Missing;
use crate::snapshot::{EnvironmentView, LookupError, ResolvedEntry, ResolvedEnvironment, Snapshot};
use crate::{Caller, Ctx, Event, Service, ServiceError, ServiceResult};

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
        let built = match self.store().snapshot(project).await {
            Ok(data) => Snapshot::build(data),
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

    /// The safety net for several instances: rebuilds every cached snapshot whose project's
    /// serving revision moved in the database. Returns how many were rebuilt.
    #[instrument(skip_all)]
    pub async fn check_revisions(&self) -> usize {
        let mut rebuilt = 0;
        for (project, revision) in self.inner.cache.revisions() {
            match self.store().serving_revision(project).await {
                Ok(current) if current != revision => {
                    self.refresh_snapshot(project).await;
                    rebuilt += 1;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(%project, error = %e, "revision check failed"),
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
                let p = self.project_by_slugs(org, slug).await?;
                if p.id == key.project_id {
                    Ok(p.id)
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

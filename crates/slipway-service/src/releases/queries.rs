//! Reading releases and deployments.

use slipway_domain::deployment::Deployment;
use slipway_domain::release::{Release, ReleaseState};
use std::collections::HashMap;

use slipway_domain::{DeploymentId, Permission, ProjectId, ReleaseId};
use slipway_store::{Page, PageRequest, ReleaseFilter};

use crate::Missing;
use crate::{Ctx, Service, ServiceError, ServiceResult};
use tracing::instrument;

/// Which releases to list.
#[derive(Debug, Clone, Default)]
pub struct ReleaseFilterInput {
    /// Only those targeting this environment (slug).
    pub environment: Option<String>,
    /// Only those in these states (empty: all).
    pub states: Vec<ReleaseState>,
}

impl Service {
    /// One release the caller may see.
    ///
    /// # Errors
    /// Not-found when unknown or invisible.
    #[instrument(skip_all)]
    pub async fn release(&self, ctx: &Ctx, id: ReleaseId) -> ServiceResult<Release> {
        Ok(self.visible_release(ctx, id).await?.0)
    }

    /// Releases by id, for loaders: those the caller may see (the others are left out, as
    /// unknown ids are), each project's access checked once.
    ///
    /// # Errors
    /// Store failures.
    #[instrument(skip_all)]
    pub async fn releases_by_ids(&self, ctx: &Ctx, ids: &[ReleaseId]) -> ServiceResult<Vec<Release>> {
        let mut visible: HashMap<ProjectId, bool> = HashMap::new();
        let mut out = Vec::new();
        for release in self.store().releases_by_ids(ids).await? {
            let project_id = release.parts().project_id;
            let allowed = match visible.get(&project_id) {
                Some(allowed) => *allowed,
                None => {
                    let allowed = match self.store().project(project_id).await? {
                        None => false,
                        Some(project) => match self
                            .authorize_in(ctx, &project, Permission::ProjectView, || Missing::Row("release"))
                            .await
                        {
                            Ok(_) => true,
                            Err(ServiceError::NotFound(_) | ServiceError::Forbidden { .. }) => false,
                            Err(e) => return Err(e),
                        },
                    };
                    visible.insert(project_id, allowed);
                    allowed
                }
            };
            if allowed {
                out.push(release);
            }
        }
        Ok(out)
    }

    /// A project's releases, newest first.
    ///
    /// # Errors
    /// Not-found without `project:view`; an unknown environment; a bad cursor.
    #[instrument(skip_all)]
    pub async fn releases(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        filter: ReleaseFilterInput,
        page: PageRequest,
    ) -> ServiceResult<Page<Release>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let environment = match filter.environment {
            None => None,
            Some(slug) => {
                let envs = self.store().environments(project.id).await?;
                Some(
                    envs.by_slug(&slug)
                        .map(|e| e.id)
                        .ok_or_else(|| ServiceError::NotFound(Missing::Environment(slug.to_string())))?,
                )
            }
        };
        Ok(self
            .store()
            .releases(
                project.id,
                ReleaseFilter {
                    environment,
                    states: filter.states,
                },
                page,
            )
            .await?)
    }

    /// An environment's deployments (its history), newest first.
    ///
    /// # Errors
    /// Not-found without `project:view` or for an unknown environment; a bad cursor.
    #[instrument(skip_all)]
    pub async fn deployments(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        environment: &str,
        page: PageRequest,
    ) -> ServiceResult<Page<Deployment>> {
        let (_, env) = self.environment(ctx, org, project, environment).await?;
        Ok(self.store().deployments(env.id, page).await?)
    }

    /// One deployment of a project the caller can view.
    ///
    /// # Errors
    /// Not-found when unknown or invisible.
    #[instrument(skip_all)]
    pub async fn deployment(&self, ctx: &Ctx, org: &str, project: &str, id: DeploymentId) -> ServiceResult<Deployment> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        self.store()
            .deployment(id)
            .await?
            .filter(|d| d.project_id == project.id)
            .ok_or_else(|| {
                ServiceError::NotFound(Missing::Deployment {
                    id: id.to_string(),
                    of: None,
                })
            })
    }
}

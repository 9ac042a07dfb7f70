//! Reading releases and deployments.

use slipway_domain::deployment::Deployment;
use slipway_domain::release::{Release, ReleaseState};
use slipway_domain::{DeploymentId, Permission, ReleaseId};
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

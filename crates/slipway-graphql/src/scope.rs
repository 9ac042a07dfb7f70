//! How resolvers address a project: by id (for its resolution snapshot) and by organization and
//! project slug (the service's use cases take slugs and authorize on every call).

use std::sync::Arc;

use slipway_domain::{Project, ProjectId};
use slipway_service::{Ctx, Service, ServiceResult};

/// One project, as child resolvers need it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Scope {
    /// The project's id.
    pub id: ProjectId,
    /// The organization's slug.
    pub org: String,
    /// The project's slug.
    pub project: String,
}

impl Scope {
    /// The scope of project `id`, addressed as `org/project`.
    pub fn new(id: ProjectId, org: &str, project: &str) -> Arc<Self> {
        Arc::new(Self {
            id,
            org: org.to_owned(),
            project: project.to_owned(),
        })
    }

    /// The scope of `project` in organization `org`.
    pub fn of(org: &str, project: &Project) -> Arc<Self> {
        Self::new(project.id, org, project.slug.as_str())
    }

    /// The scope of a project known only by id (a release or deployment read by id), for a
    /// caller who can view it.
    ///
    /// # Errors
    /// Not-found when it does not exist or the caller cannot view it.
    pub async fn by_id(service: &Service, ctx: &Ctx, id: ProjectId) -> ServiceResult<Arc<Self>> {
        let (org, project) = service.project_by_id(ctx, id).await?;
        Ok(Self::of(org.as_str(), &project))
    }
}

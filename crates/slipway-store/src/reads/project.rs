//! Reads of a project's environments and pointers: its state, its serving revision, and the
//! snapshot the resolution cache is built from.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use slipway_domain::environment::Environments;
use slipway_domain::resource::ResourceKind;
use slipway_domain::state::{Pointers, ProjectState};
use slipway_domain::{EnvironmentId, Project, ProjectId, Resource, ResourceId, Version};
use tracing::instrument;

use crate::connect::Store;
use crate::convert::environment::{environment_from_row, pointer_from_row};
use crate::convert::identity::project_from_row;
use crate::convert::resource::{resource_from_row, version_from_row};
use crate::entities::{environment, pointer, project, resource, version};
use crate::error::{StoreError, corrupt};

/// Everything a project serves, read in one consistent snapshot with a fixed number of queries
/// (five, whatever the number of environments, resources or pointers).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotData {
    /// The project.
    pub project: Project,
    /// Its environments and all their pointers.
    pub state: ProjectState,
    /// All its resources.
    pub resources: Vec<Resource>,
    /// Only the versions some pointer points at.
    pub versions: Vec<Version>,
    /// The serving revision this snapshot reflects.
    pub serving_revision: i64,
}

/// The environment ids of a project, as a subquery.
fn environments_of(project: ProjectId) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(environment::Column::Id)
        .from(environment::Entity)
        .and_where(environment::Column::ProjectId.eq(project.as_uuid()))
        .to_owned()
}

async fn load_environments<C: ConnectionTrait>(db: &C, project_id: ProjectId) -> Result<Environments, StoreError> {
    let rows = environment::Entity::find()
        .filter(environment::Column::ProjectId.eq(project_id.as_uuid()))
        .all(db)
        .await?;
    if rows.is_empty() {
        let exists = project::Entity::find_by_id(project_id.as_uuid())
            .one(db)
            .await?
            .is_some();
        return Err(if exists {
            corrupt("projects", project_id, "the project has no environments")
        } else {
            StoreError::NotFound("project")
        });
    }
    let items = rows
        .into_iter()
        .map(environment_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Environments::from_parts(project_id, items).map_err(|e| corrupt("environments", project_id, e))
}

async fn load_pointers<C: ConnectionTrait>(db: &C, project_id: ProjectId) -> Result<Pointers, StoreError> {
    let rows = pointer::Entity::find()
        .filter(pointer::Column::EnvironmentId.in_subquery(environments_of(project_id)))
        .all(db)
        .await?;
    let mut pointers = Pointers::new();
    for row in &rows {
        pointers
            .entry(EnvironmentId::from_uuid(row.environment_id))
            .or_default()
            .insert(ResourceId::from_uuid(row.resource_id), pointer_from_row(row)?);
    }
    Ok(pointers)
}

impl Store {
    /// A project's environments (the aggregate, its invariants checked).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown project; [`StoreError::Corrupt`] when the stored
    /// environments break an invariant.
    #[instrument(skip(self), level = "debug")]
    pub async fn environments(&self, project: ProjectId) -> Result<Environments, StoreError> {
        load_environments(&self.db, project).await
    }

    /// A project's environments and every pointer, read in one consistent snapshot.
    ///
    /// # Errors
    /// As [`Store::environments`].
    #[instrument(skip(self), level = "debug")]
    pub async fn project_state(&self, project: ProjectId) -> Result<ProjectState, StoreError> {
        let tx = self.begin_read().await?;
        let environments = load_environments(&tx, project).await?;
        let pointers = load_pointers(&tx, project).await?;
        tx.commit().await?;
        Ok(ProjectState { environments, pointers })
    }

    /// Everything a project serves (see [`SnapshotData`]), in five queries inside one read
    /// transaction.
    ///
    /// # Errors
    /// As [`Store::environments`].
    #[instrument(skip(self), level = "debug")]
    pub async fn snapshot(&self, project_id: ProjectId) -> Result<SnapshotData, StoreError> {
        let tx = self.begin_read().await?;
        let project_row = project::Entity::find_by_id(project_id.as_uuid())
            .one(&tx)
            .await?
            .ok_or(StoreError::NotFound("project"))?;
        let serving_revision = project_row.serving_revision;
        let project = project_from_row(project_row)?;
        let environments = load_environments(&tx, project_id).await?;
        let pointers = load_pointers(&tx, project_id).await?;
        let resources = resource::Entity::find()
            .filter(resource::Column::ProjectId.eq(project_id.as_uuid()))
            .all(&tx)
            .await?
            .into_iter()
            .map(resource_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let pointed = Query::select()
            .column(pointer::Column::VersionId)
            .from(pointer::Entity)
            .and_where(pointer::Column::EnvironmentId.in_subquery(environments_of(project_id)))
            .to_owned();
        let version_rows = version::Entity::find()
            .filter(version::Column::Id.in_subquery(pointed))
            .all(&tx)
            .await?;
        tx.commit().await?;

        let kinds: HashMap<ResourceId, ResourceKind> = resources.iter().map(|r| (r.id, r.kind)).collect();
        let versions = version_rows
            .into_iter()
            .map(|row| {
                let kind = kinds
                    .get(&ResourceId::from_uuid(row.resource_id))
                    .copied()
                    .ok_or_else(|| corrupt("versions", row.id, "its resource belongs to another project"))?;
                version_from_row(row, kind)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SnapshotData {
            project,
            state: ProjectState { environments, pointers },
            resources,
            versions,
            serving_revision,
        })
    }

    /// The project's serving revision: bumped by every commit that changes its environments or
    /// pointers. A cached snapshot older than this is stale.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown project.
    #[instrument(skip(self), level = "debug")]
    pub async fn serving_revision(&self, project: ProjectId) -> Result<i64, StoreError> {
        project::Entity::find_by_id(project.as_uuid())
            .select_only()
            .column(project::Column::ServingRevision)
            .into_tuple::<i64>()
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("project"))
    }

    /// The serving revisions of `projects` (unknown ids are left out), in one query per
    /// 500 ids: the batched form of [`Store::serving_revision`] that the
    /// background check of cached snapshots uses.
    ///
    /// # Errors
    /// The database is unreachable.
    #[instrument(skip_all, level = "debug", fields(projects = projects.len()))]
    pub async fn serving_revisions(&self, projects: &[ProjectId]) -> Result<HashMap<ProjectId, i64>, StoreError> {
        let mut revisions = HashMap::with_capacity(projects.len());
        for chunk in projects.chunks(REVISIONS_PER_QUERY) {
            let rows = project::Entity::find()
                .select_only()
                .column(project::Column::Id)
                .column(project::Column::ServingRevision)
                .filter(project::Column::Id.is_in(chunk.iter().map(|p| p.as_uuid())))
                .into_tuple::<(uuid::Uuid, i64)>()
                .all(&self.db)
                .await?;
            revisions.extend(
                rows.into_iter()
                    .map(|(id, revision)| (ProjectId::from_uuid(id), revision)),
            );
        }
        Ok(revisions)
    }
}

/// How many project ids one [`Store::serving_revisions`] query names (well inside SQLite's and
/// PostgreSQL's limits on bound parameters).
const REVISIONS_PER_QUERY: usize = 500;

//! Reads of releases (with their changes and approvals) and deployments.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use slipway_domain::deployment::Deployment;
use slipway_domain::release::{Release, ReleaseState};
use slipway_domain::{DeploymentId, EnvironmentId, ProjectId, ReleaseId};
use tracing::instrument;
use uuid::Uuid;

use crate::connect::Store;
use crate::convert::release::{deployment_from_row, release_from_rows};
use crate::entities::{deployment, release, release_approval, release_change};
use crate::error::StoreError;
use crate::page::{Page, PageRequest, number, paginate};

/// Which releases of a project to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseFilter {
    /// Only those targeting this environment.
    pub environment: Option<EnvironmentId>,
    /// Only those in one of these states (empty: any state).
    pub states: Vec<ReleaseState>,
}

/// Attaches changes and approvals to release rows: two queries, whatever the number of rows.
async fn releases_from_rows<C: ConnectionTrait>(db: &C, rows: Vec<release::Model>) -> Result<Vec<Release>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut changes: HashMap<Uuid, Vec<release_change::Model>> = HashMap::new();
    for c in release_change::Entity::find()
        .filter(release_change::Column::ReleaseId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        changes.entry(c.release_id).or_default().push(c);
    }
    let mut approvals: HashMap<Uuid, Vec<release_approval::Model>> = HashMap::new();
    for a in release_approval::Entity::find()
        .filter(release_approval::Column::ReleaseId.is_in(ids))
        .all(db)
        .await?
    {
        approvals.entry(a.release_id).or_default().push(a);
    }
    rows.into_iter()
        .map(|row| {
            let c = changes.remove(&row.id).unwrap_or_default();
            let a = approvals.remove(&row.id).unwrap_or_default();
            release_from_rows(row, c, a)
        })
        .collect()
}

fn time_cursor(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_time_cursor(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::InvalidCursor)
}

impl Store {
    /// The release with this id.
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for a row that fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn release(&self, id: ReleaseId) -> Result<Option<Release>, StoreError> {
        let rows: Vec<release::Model> = release::Entity::find_by_id(id.as_uuid())
            .one(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(releases_from_rows(&self.db, rows).await?.pop())
    }

    /// Releases by id, in no particular order; ids that name nothing are left out.
    ///
    /// # Errors
    /// As [`Store::release`].
    #[instrument(skip(self), level = "debug")]
    pub async fn releases_by_ids(&self, ids: &[ReleaseId]) -> Result<Vec<Release>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = release::Entity::find()
            .filter(release::Column::Id.is_in(ids.iter().map(ReleaseId::as_uuid)))
            .all(&self.db)
            .await?;
        releases_from_rows(&self.db, rows).await
    }

    /// A page of a project's releases, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; as [`Store::release`].
    #[instrument(skip(self), level = "debug")]
    pub async fn releases(
        &self,
        project: ProjectId,
        filter: ReleaseFilter,
        page: PageRequest,
    ) -> Result<Page<Release>, StoreError> {
        let mut query = release::Entity::find().filter(release::Column::ProjectId.eq(project.as_uuid()));
        if let Some(environment) = filter.environment {
            query = query.filter(release::Column::EnvironmentId.eq(environment.as_uuid()));
        }
        if !filter.states.is_empty() {
            query = query.filter(release::Column::State.is_in(filter.states.iter().map(|s| s.as_str())));
        }
        if let Some(after) = page.cursor("releases", 2)? {
            let at = parse_time_cursor(&after[0])?;
            let id = Uuid::parse_str(&after[1]).map_err(|_| StoreError::InvalidCursor)?;
            query = query.filter(
                Condition::any().add(release::Column::CreatedAt.lt(at)).add(
                    Condition::all()
                        .add(release::Column::CreatedAt.eq(at))
                        .add(release::Column::Id.lt(id)),
                ),
            );
        }
        let rows = query
            .order_by_desc(release::Column::CreatedAt)
            .order_by_desc(release::Column::Id)
            .limit(page.limit() + 1)
            .all(&self.db)
            .await?;
        let limit = usize::try_from(page.limit()).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        let rows: Vec<release::Model> = rows.into_iter().take(limit).collect();
        let next_cursor = if more {
            rows.last()
                .map(|r| crate::page::encode("releases", &[time_cursor(r.created_at), r.id.to_string()]))
        } else {
            None
        };
        Ok(Page {
            items: releases_from_rows(&self.db, rows).await?,
            next_cursor,
        })
    }

    /// Every open (pending or approved) release of every project, oldest first: the work list of
    /// the background expiry and auto-apply.
    ///
    /// # Errors
    /// As [`Store::release`].
    #[instrument(skip(self), level = "debug")]
    pub async fn open_releases(&self) -> Result<Vec<Release>, StoreError> {
        let rows = release::Entity::find()
            .filter(release::Column::State.is_in([ReleaseState::Pending.as_str(), ReleaseState::Approved.as_str()]))
            .order_by_asc(release::Column::CreatedAt)
            .order_by_asc(release::Column::Id)
            .all(&self.db)
            .await?;
        releases_from_rows(&self.db, rows).await
    }

    /// The open (pending or approved) releases of `projects`, and those of `releases` still
    /// open, oldest first: the work list of a background tick that only looks at what changed
    /// or fell due. No query at all when both lists are empty.
    ///
    /// # Errors
    /// As [`Store::release`].
    #[instrument(skip_all, level = "debug", fields(projects = projects.len(), releases = releases.len()))]
    pub async fn open_releases_among(
        &self,
        projects: &[ProjectId],
        releases: &[ReleaseId],
    ) -> Result<Vec<Release>, StoreError> {
        const IDS_PER_QUERY: usize = 500;
        let open = || release::Column::State.is_in([ReleaseState::Pending.as_str(), ReleaseState::Approved.as_str()]);
        let mut rows: Vec<release::Model> = Vec::new();
        for chunk in projects.chunks(IDS_PER_QUERY) {
            let ids = chunk.iter().map(|p| p.as_uuid());
            rows.extend(
                release::Entity::find()
                    .filter(open())
                    .filter(release::Column::ProjectId.is_in(ids))
                    .all(&self.db)
                    .await?,
            );
        }
        for chunk in releases.chunks(IDS_PER_QUERY) {
            let ids = chunk.iter().map(|r| r.as_uuid());
            rows.extend(
                release::Entity::find()
                    .filter(open())
                    .filter(release::Column::Id.is_in(ids))
                    .all(&self.db)
                    .await?,
            );
        }
        rows.sort_by_key(|r| (r.created_at, r.id));
        rows.dedup_by_key(|r| r.id);
        releases_from_rows(&self.db, rows).await
    }

    /// The deployment with this id.
    ///
    /// # Errors
    /// As [`Store::release`].
    #[instrument(skip(self), level = "debug")]
    pub async fn deployment(&self, id: DeploymentId) -> Result<Option<Deployment>, StoreError> {
        let row = deployment::Entity::find_by_id(id.as_uuid()).one(&self.db).await?;
        row.map(deployment_from_row).transpose()
    }

    /// A page of an environment's deployments, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; as [`Store::release`].
    #[instrument(skip(self), level = "debug")]
    pub async fn deployments(
        &self,
        environment: EnvironmentId,
        page: PageRequest,
    ) -> Result<Page<Deployment>, StoreError> {
        let mut query = deployment::Entity::find().filter(deployment::Column::EnvironmentId.eq(environment.as_uuid()));
        if let Some(after) = page.cursor("deployments", 1)? {
            query = query.filter(deployment::Column::Sequence.lt(number(&after[0])?));
        }
        let rows = query
            .order_by_desc(deployment::Column::Sequence)
            .limit(page.limit() + 1)
            .all(&self.db)
            .await?;
        paginate(
            rows,
            page.limit(),
            "deployments",
            |r| vec![r.sequence.to_string()],
            deployment_from_row,
        )
    }
}

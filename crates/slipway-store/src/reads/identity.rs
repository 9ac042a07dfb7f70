//! Reads of users, organizations, projects, memberships and roles.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use slipway_domain::organization::Membership;
use slipway_domain::{Organization, OrganizationId, Project, ProjectId, Role, User, UserId};
use tracing::instrument;
use uuid::Uuid;

use crate::connect::Store;
use crate::convert::identity::{
    organization_from_row, organization_membership_from_row, project_from_row, project_membership_from_row, role,
    user_from_row,
};
use crate::convert::micros;
use crate::entities::{organization, organization_membership, project, project_membership, user};
use crate::error::StoreError;

impl Store {
    /// The user known by a JWT subject.
    ///
    /// # Errors
    /// Database failures.
    #[instrument(skip_all, level = "debug")]
    pub async fn user_by_subject(&self, subject: &str) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::Subject.eq(subject))
            .one(&self.db)
            .await?;
        Ok(row.map(user_from_row))
    }

    /// Returns the user known by `subject`, creating it on first sight (safe against concurrent
    /// first requests) and refreshing its name and email when the token carries new ones. Not
    /// audited: seeing a user is not a mutation anyone asked for. Nothing is written when nothing
    /// changed, so that a request does not cost a write.
    ///
    /// # Errors
    /// Database failures.
    #[instrument(skip_all, level = "debug")]
    pub async fn upsert_user(
        &self,
        subject: &str,
        name: Option<&str>,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        if let Some(existing) = self.user_by_subject(subject).await? {
            let unchanged = name.is_none_or(|n| existing.name.as_deref() == Some(n))
                && email.is_none_or(|e| existing.email.as_deref() == Some(e));
            if unchanged {
                return Ok(existing);
            }
        }
        let sql = "INSERT INTO users (id, subject, name, email, created_at) VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT (subject) DO UPDATE SET name = COALESCE(excluded.name, users.name), \
                   email = COALESCE(excluded.email, users.email)";
        self.db
            .execute_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                sql,
                [
                    Uuid::now_v7().into(),
                    subject.into(),
                    name.map(str::to_owned).into(),
                    email.map(str::to_owned).into(),
                    micros(now).into(),
                ],
            ))
            .await?;
        self.user_by_subject(subject)
            .await?
            .ok_or_else(|| StoreError::Internal("a user vanished right after being saved".to_owned()))
    }

    /// The users with these ids (unknown ids are skipped).
    ///
    /// # Errors
    /// Database failures.
    #[instrument(skip_all, level = "debug", fields(count = ids.len()))]
    pub async fn users(&self, ids: &[UserId]) -> Result<Vec<User>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(ids.iter().map(UserId::as_uuid)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(user_from_row).collect())
    }

    /// The organization with this slug.
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for a row that fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn organization_by_slug(&self, slug: &str) -> Result<Option<Organization>, StoreError> {
        let row = organization::Entity::find()
            .filter(organization::Column::Slug.eq(slug))
            .one(&self.db)
            .await?;
        row.map(organization_from_row).transpose()
    }

    /// The organization with this id.
    ///
    /// # Errors
    /// As [`Store::organization_by_slug`].
    #[instrument(skip(self), level = "debug")]
    pub async fn organization(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError> {
        let row = organization::Entity::find_by_id(id.as_uuid()).one(&self.db).await?;
        row.map(organization_from_row).transpose()
    }

    /// The organizations a user belongs to, through an organization membership or a membership in
    /// one of its projects; by slug.
    ///
    /// # Errors
    /// As [`Store::organization_by_slug`].
    #[instrument(skip(self), level = "debug")]
    pub async fn organizations_of_user(&self, user_id: UserId) -> Result<Vec<Organization>, StoreError> {
        let direct = Query::select()
            .column(organization_membership::Column::OrganizationId)
            .from(organization_membership::Entity)
            .and_where(organization_membership::Column::UserId.eq(user_id.as_uuid()))
            .to_owned();
        let through_projects = Query::select()
            .column(project::Column::OrganizationId)
            .from(project::Entity)
            .and_where(
                project::Column::Id.in_subquery(
                    Query::select()
                        .column(project_membership::Column::ProjectId)
                        .from(project_membership::Entity)
                        .and_where(project_membership::Column::UserId.eq(user_id.as_uuid()))
                        .to_owned(),
                ),
            )
            .to_owned();
        let rows = organization::Entity::find()
            .filter(
                Condition::any()
                    .add(organization::Column::Id.in_subquery(direct))
                    .add(organization::Column::Id.in_subquery(through_projects)),
            )
            .order_by_asc(organization::Column::Slug)
            .all(&self.db)
            .await?;
        rows.into_iter().map(organization_from_row).collect()
    }

    /// The project with this slug in an organization.
    ///
    /// # Errors
    /// As [`Store::organization_by_slug`].
    #[instrument(skip(self), level = "debug")]
    pub async fn project_by_slug(&self, org: OrganizationId, slug: &str) -> Result<Option<Project>, StoreError> {
        let row = project::Entity::find()
            .filter(project::Column::OrganizationId.eq(org.as_uuid()))
            .filter(project::Column::Slug.eq(slug))
            .one(&self.db)
            .await?;
        row.map(project_from_row).transpose()
    }

    /// The project with this id.
    ///
    /// # Errors
    /// As [`Store::organization_by_slug`].
    #[instrument(skip(self), level = "debug")]
    pub async fn project(&self, id: ProjectId) -> Result<Option<Project>, StoreError> {
        let row = project::Entity::find_by_id(id.as_uuid()).one(&self.db).await?;
        row.map(project_from_row).transpose()
    }

    /// The projects of an organization, by slug.
    ///
    /// # Errors
    /// As [`Store::organization_by_slug`].
    #[instrument(skip(self), level = "debug")]
    pub async fn projects_of_organization(&self, org: OrganizationId) -> Result<Vec<Project>, StoreError> {
        let rows = project::Entity::find()
            .filter(project::Column::OrganizationId.eq(org.as_uuid()))
            .order_by_asc(project::Column::Slug)
            .all(&self.db)
            .await?;
        rows.into_iter().map(project_from_row).collect()
    }

    /// Whether `user` is an owner of `org`.
    ///
    /// # Errors
    /// Database failures.
    #[instrument(skip(self), level = "debug")]
    pub async fn is_organization_owner(&self, user_id: UserId, org: OrganizationId) -> Result<bool, StoreError> {
        let row = organization_membership::Entity::find_by_id((org.as_uuid(), user_id.as_uuid()))
            .one(&self.db)
            .await?;
        Ok(row.is_some_and(|m| m.role == Role::Owner.as_str()))
    }

    /// The user's role from their project membership only (organization ownership is not
    /// considered; see [`Store::project_roles`]).
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for an unknown stored role.
    #[instrument(skip(self), level = "debug")]
    pub async fn project_role(&self, user_id: UserId, project_id: ProjectId) -> Result<Option<Role>, StoreError> {
        let row = project_membership::Entity::find_by_id((project_id.as_uuid(), user_id.as_uuid()))
            .one(&self.db)
            .await?;
        row.map(|m| role("project_memberships", m.user_id, &m.role)).transpose()
    }

    /// The user's project memberships (every project, every source), by project id.
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for an unknown stored role or source.
    #[instrument(skip(self), level = "debug")]
    pub async fn project_memberships_of_user(&self, user_id: UserId) -> Result<Vec<Membership>, StoreError> {
        project_membership::Entity::find()
            .filter(project_membership::Column::UserId.eq(user_id.as_uuid()))
            .order_by_asc(project_membership::Column::ProjectId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(project_membership_from_row)
            .collect()
    }

    /// Every user's effective role in a project: owners of its organization are owners; everyone
    /// else has their project membership's role.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown project; as [`Store::project_role`].
    #[instrument(skip(self), level = "debug")]
    pub async fn project_roles(&self, project_id: ProjectId) -> Result<HashMap<UserId, Role>, StoreError> {
        let project = project::Entity::find_by_id(project_id.as_uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("project"))?;
        let mut roles = HashMap::new();
        for m in project_membership::Entity::find()
            .filter(project_membership::Column::ProjectId.eq(project_id.as_uuid()))
            .all(&self.db)
            .await?
        {
            roles.insert(
                UserId::from_uuid(m.user_id),
                role("project_memberships", m.user_id, &m.role)?,
            );
        }
        for m in organization_membership::Entity::find()
            .filter(organization_membership::Column::OrganizationId.eq(project.organization_id))
            .filter(organization_membership::Column::Role.eq(Role::Owner.as_str()))
            .all(&self.db)
            .await?
        {
            roles.insert(UserId::from_uuid(m.user_id), Role::Owner);
        }
        Ok(roles)
    }

    /// Who has access to a project: its project memberships, then the memberships of its
    /// organization (scope [`MembershipScope::Organization`](slipway_domain::organization::MembershipScope)),
    /// each oldest first.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown project; as [`Store::project_role`].
    #[instrument(skip(self), level = "debug")]
    pub async fn members(&self, project_id: ProjectId) -> Result<Vec<Membership>, StoreError> {
        let project = project::Entity::find_by_id(project_id.as_uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("project"))?;
        let mut members = project_membership::Entity::find()
            .filter(project_membership::Column::ProjectId.eq(project_id.as_uuid()))
            .order_by_asc(project_membership::Column::CreatedAt)
            .order_by_asc(project_membership::Column::UserId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(project_membership_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let org_members = organization_membership::Entity::find()
            .filter(organization_membership::Column::OrganizationId.eq(project.organization_id))
            .order_by_asc(organization_membership::Column::CreatedAt)
            .order_by_asc(organization_membership::Column::UserId)
            .all(&self.db)
            .await?;
        for row in org_members {
            members.push(organization_membership_from_row(row)?);
        }
        Ok(members)
    }
}

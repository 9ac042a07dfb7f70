//! Organizations, projects, users and members.

use serde_json::json;
use slipway_domain::environment::Environments;
use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::slug::{OrganizationSlug, ProjectSlug};
use slipway_domain::text::Name;
use slipway_domain::{EnvironmentId, Organization, OrganizationId, Permission, Project, ProjectId, Role, User};
use slipway_store::Write;
use tracing::instrument;
use uuid::Uuid;

use crate::Missing;
use crate::{Ctx, Revoked, Service, ServiceError, ServiceResult};

impl Service {
    /// The user behind a verified token's subject, created on first sight (name and email kept
    /// current). Not audited: signing in is not a mutation of the product's state.
    ///
    /// # Errors
    /// An empty or oversized subject; store failures.
    #[instrument(skip_all)]
    pub async fn user_for_subject(
        &self,
        subject: &str,
        name: Option<&str>,
        email: Option<&str>,
    ) -> ServiceResult<User> {
        if subject.is_empty() || subject.len() > 255 {
            return Err(ServiceError::validation("sub", "must be 1-255 bytes"));
        }
        Ok(self.store().upsert_user(subject, name, email, self.now()).await?)
    }

    /// Creates an organization; the caller becomes its owner.
    ///
    /// # Errors
    /// Invalid slug or name; a taken slug.
    #[instrument(skip(self, ctx))]
    pub async fn create_organization(&self, ctx: &Ctx, slug: &str, name: &str) -> ServiceResult<Organization> {
        let user = Self::signed_in(ctx)?;
        let organization = Organization {
            id: OrganizationId::from_uuid(Uuid::now_v7()),
            slug: OrganizationSlug::parse(slug)?,
            name: Name::parse(name)?,
            environment_quota: None,
            created_at: self.now(),
        };
        let owner = Membership {
            user_id: user.id,
            scope: MembershipScope::Organization(organization.id),
            role: Role::Owner,
            source: MembershipSource::Slipway,
            created_at: self.now(),
        };
        let audit = Self::entry(
            ctx,
            "organization.create",
            "organization",
            organization.id,
            None,
            Some(json!({"slug": slug, "name": organization.name.as_str()})),
        );
        self.commit(
            organization.id.as_uuid(),
            None,
            vec![
                Write::InsertOrganization(organization.clone()),
                Write::UpsertMembership(owner),
            ],
            audit,
        )
        .await?;
        Ok(organization)
    }

    /// An organization the caller belongs to (owners, and members of any of its projects).
    ///
    /// # Errors
    /// Not-found when it does not exist or the caller is not a member.
    #[instrument(skip_all)]
    pub async fn organization(&self, ctx: &Ctx, slug: &str) -> ServiceResult<Organization> {
        let user = Self::signed_in(ctx)?;
        let not_found = || ServiceError::NotFound(Missing::Organization(slug.to_string()));
        let org = self.store().organization_by_slug(slug).await?.ok_or_else(not_found)?;
        let visible = self
            .store()
            .organizations_of_user(user.id)
            .await?
            .iter()
            .any(|o| o.id == org.id);
        if visible { Ok(org) } else { Err(not_found()) }
    }

    /// The organizations the caller belongs to.
    ///
    /// # Errors
    /// Store failures.
    #[instrument(skip_all)]
    pub async fn my_organizations(&self, ctx: &Ctx) -> ServiceResult<Vec<Organization>> {
        let user = Self::signed_in(ctx)?;
        Ok(self.store().organizations_of_user(user.id).await?)
    }

    /// The projects of an organization that the caller can view.
    ///
    /// # Errors
    /// Store failures.
    #[instrument(skip_all)]
    pub async fn projects(&self, ctx: &Ctx, organization: &Organization) -> ServiceResult<Vec<Project>> {
        let mut visible = Vec::new();
        for project in self.store().projects_of_organization(organization.id).await? {
            if self
                .role_in(ctx, &project)
                .await?
                .is_some_and(|r| r.permits(Permission::ProjectView))
            {
                visible.push(project);
            }
        }
        Ok(visible)
    }

    /// Creates a project with its Production and Staging environments. Only organization owners
    /// may.
    ///
    /// # Errors
    /// Invalid slug or name; a taken slug; not an owner.
    #[instrument(skip(self, ctx))]
    pub async fn create_project(&self, ctx: &Ctx, org: &str, slug: &str, name: &str) -> ServiceResult<Project> {
        let organization = self.organization(ctx, org).await?;
        self.authorize_organization_owner(ctx, &organization).await?;
        let now = self.now();
        let project = Project {
            id: ProjectId::from_uuid(Uuid::now_v7()),
            organization_id: organization.id,
            slug: ProjectSlug::parse(slug)?,
            name: Name::parse(name)?,
            created_at: now,
        };
        let environments = Environments::for_new_project(
            project.id,
            EnvironmentId::from_uuid(Uuid::now_v7()),
            EnvironmentId::from_uuid(Uuid::now_v7()),
            now,
        );
        let audit = Self::entry(
            ctx,
            "project.create",
            "project",
            project.id,
            None,
            Some(json!({"slug": slug, "name": project.name.as_str(), "organization": org})),
        );
        self.commit(
            project.id.as_uuid(),
            Some(project.id),
            vec![Write::InsertProject {
                project: project.clone(),
                environments,
            }],
            audit,
        )
        .await?;
        Ok(project)
    }

    /// A project the caller can view, and the caller's role in it.
    ///
    /// # Errors
    /// Not-found when it does not exist or the caller cannot view it.
    #[instrument(skip_all)]
    pub async fn project(&self, ctx: &Ctx, org: &str, slug: &str) -> ServiceResult<(Project, Role)> {
        self.authorize_project(ctx, org, slug, Permission::ProjectView).await
    }

    /// A project known by id (a release or deployment read by id), with its organization's slug,
    /// when the caller can view it.
    ///
    /// # Errors
    /// Not-found when it does not exist or the caller cannot view it.
    #[instrument(skip_all)]
    pub async fn project_by_id(&self, ctx: &Ctx, id: ProjectId) -> ServiceResult<(OrganizationSlug, Project)> {
        let not_found = || ServiceError::NotFound(Missing::Row("project"));
        let project = self.store().project(id).await?.ok_or_else(not_found)?;
        self.authorize_in(ctx, &project, Permission::ProjectView, || Missing::Row("project"))
            .await?;
        let organization = self
            .store()
            .organization(project.organization_id)
            .await?
            .ok_or_else(not_found)?;
        Ok((organization.slug, project))
    }

    /// Adds a member (or changes their role). Needs `project:manage_members`; only owners may
    /// grant the owner role.
    ///
    /// # Errors
    /// Unknown user subject; permission; granting owner as an admin.
    #[instrument(skip(self, ctx))]
    pub async fn add_member(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        subject: &str,
        role: Role,
    ) -> ServiceResult<Membership> {
        let (project, my_role) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageMembers)
            .await?;
        let existing = self.store().user_by_subject(subject).await?;
        let before = match &existing {
            Some(u) => self.store().project_role(u.id, project.id).await?,
            None => None,
        };
        // Authorized before anything is written, so a refused request leaves no trace.
        slipway_auth::authorize::require_member_change(
            slipway_auth::ProjectAccess::new(false, Some(my_role)),
            before,
            Some(role),
        )
        .map_err(|d| Self::denied(d, || Missing::project(org, project.slug.as_str())))?;
        let user = match existing {
            Some(u) => u,
            // Members may be added before they first sign in: the user is created now.
            None => self.user_for_subject(subject, None, None).await?,
        };
        let membership = Membership {
            user_id: user.id,
            scope: MembershipScope::Project(project.id),
            role,
            source: MembershipSource::Slipway,
            created_at: self.now(),
        };
        let audit = Self::entry(
            ctx,
            "member.add",
            "user",
            user.id,
            before.map(|r| json!({"role": r.as_str()})),
            Some(json!({"subject": subject, "role": role.as_str()})),
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::UpsertMembership(membership.clone())],
            audit,
        )
        .await?;
        Ok(membership)
    }

    /// Removes a member's project role (organization ownership is untouched).
    ///
    /// # Errors
    /// Unknown member; permission; an admin removing an owner.
    #[instrument(skip(self, ctx))]
    pub async fn remove_member(&self, ctx: &Ctx, org: &str, project: &str, subject: &str) -> ServiceResult<()> {
        let (project, my_role) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageMembers)
            .await?;
        let not_found = || ServiceError::NotFound(Missing::Member(subject.to_string()));
        let user = self.store().user_by_subject(subject).await?.ok_or_else(not_found)?;
        let role = self
            .store()
            .project_role(user.id, project.id)
            .await?
            .ok_or_else(not_found)?;
        slipway_auth::authorize::require_member_change(
            slipway_auth::ProjectAccess::new(false, Some(my_role)),
            Some(role),
            None,
        )
        .map_err(|d| Self::denied(d, || Missing::Member(subject.to_string())))?;
        let audit = Self::entry(
            ctx,
            "member.remove",
            "user",
            user.id,
            Some(json!({"subject": subject, "role": role.as_str()})),
            None,
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::DeleteMembership {
                user: user.id,
                scope: MembershipScope::Project(project.id),
            }],
            audit,
        )
        .await?;
        self.announce_revocation(project.id, Revoked::Member(user.id));
        Ok(())
    }

    /// The members of a project.
    ///
    /// # Errors
    /// Not-found without `project:view`.
    #[instrument(skip_all)]
    pub async fn members(&self, ctx: &Ctx, org: &str, project: &str) -> ServiceResult<Vec<(Membership, Option<User>)>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let members = self.store().members(project.id).await?;
        let ids: Vec<_> = members.iter().map(|m| m.user_id).collect();
        let users = self.store().users(&ids).await?;
        Ok(members
            .into_iter()
            .map(|m| {
                let user = users.iter().find(|u| u.id == m.user_id).cloned();
                (m, user)
            })
            .collect())
    }
}

impl Service {
    /// Sets an organization's environment quota (a plan limit, `None`: unlimited). An operator's
    /// action: only Slipway itself (the CLI) may do it, not the organization's own members.
    ///
    /// # Errors
    /// Unknown organization; any caller but the system.
    #[instrument(skip(self, ctx))]
    pub async fn set_environment_quota(&self, ctx: &Ctx, org: &str, quota: Option<u32>) -> ServiceResult<Organization> {
        if !matches!(ctx.caller, crate::Caller::System) {
            return Err(ServiceError::Forbidden {
                permission: None,
                message: "only an operator may change plan limits".into(),
            });
        }
        let mut organization = self
            .store()
            .organization_by_slug(org)
            .await?
            .ok_or_else(|| ServiceError::NotFound(Missing::Organization(org.to_string())))?;
        let before = json!({"environment_quota": organization.environment_quota});
        organization.environment_quota = quota;
        let audit = Self::entry(
            ctx,
            "organization.set_quota",
            "organization",
            organization.id,
            Some(before),
            Some(json!({"environment_quota": quota})),
        );
        self.commit(
            organization.id.as_uuid(),
            None,
            vec![Write::UpdateOrganization(organization.clone())],
            audit,
        )
        .await?;
        Ok(organization)
    }
}

impl Service {
    /// Users by id, for loaders (no authorization: callers pass ids they obtained through an
    /// authorized read; only public profile fields are returned).
    ///
    /// # Errors
    /// Store failures.
    #[instrument(level = "debug", skip_all)]
    pub async fn users_by_ids(&self, ids: &[slipway_domain::UserId]) -> ServiceResult<Vec<User>> {
        Ok(self.store().users(ids).await?)
    }
}

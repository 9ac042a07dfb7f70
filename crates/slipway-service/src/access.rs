//! Authorization of use cases: the caller's effective role in a project, and the rule that a
//! caller without `project:view` gets not-found (no existence leak).

use std::collections::HashMap;

use slipway_auth::AccessDenied;
use slipway_domain::organization::effective_role;
use slipway_domain::{Organization, Permission, Project, ProjectId, Role, UserId};

use crate::Missing;
use crate::{Caller, Ctx, Service, ServiceError, ServiceResult};

/// Each user's effective role in one project (for approval counting).
pub(crate) type Roles = HashMap<UserId, Role>;

impl Service {
    /// The project `org/slug`, without any authorization (callers authorize).
    pub(crate) async fn project_by_slugs(&self, org: &str, slug: &str) -> ServiceResult<Project> {
        let not_found = || ServiceError::NotFound(Missing::project(org, slug));
        let organization = self.store().organization_by_slug(org).await?.ok_or_else(not_found)?;
        self.store()
            .project_by_slug(organization.id, slug)
            .await?
            .ok_or_else(not_found)
    }

    /// The caller's effective role in `project` (organization owners own every project).
    pub(crate) async fn role_in(&self, ctx: &Ctx, project: &Project) -> ServiceResult<Option<Role>> {
        match &ctx.caller {
            Caller::User(user) => {
                let owner = self
                    .store()
                    .is_organization_owner(user.id, project.organization_id)
                    .await?;
                let role = if owner {
                    None
                } else {
                    self.store().project_role(user.id, project.id).await?
                };
                Ok(effective_role(owner, role))
            }
            Caller::System => Ok(Some(Role::Owner)),
            Caller::ApiKey(_) => Ok(None),
        }
    }

    /// Loads `org/slug` and checks that the caller holds `permission` there. A caller who cannot
    /// even view the project gets not-found, exactly as if it did not exist.
    pub(crate) async fn authorize_project(
        &self,
        ctx: &Ctx,
        org: &str,
        slug: &str,
        permission: Permission,
    ) -> ServiceResult<(Project, Role)> {
        let project = self.project_by_slugs(org, slug).await?;
        let role = self
            .authorize_in(ctx, &project, permission, || Missing::project(org, slug))
            .await?;
        Ok((project, role))
    }

    /// Checks that the caller holds `permission` in `project`, which they found by slugs or by
    /// the id of something in it. An API key holds no permission through this path (it only
    /// resolves configuration): it is refused with FORBIDDEN in its own project and, like any
    /// caller who cannot view a project, gets not-found in every other.
    pub(crate) async fn authorize_in(
        &self,
        ctx: &Ctx,
        project: &Project,
        permission: Permission,
        what: impl FnOnce() -> Missing,
    ) -> ServiceResult<Role> {
        if let Caller::ApiKey(key) = &ctx.caller {
            return Err(if key.project_id == project.id {
                Self::key_refused(Some(permission))
            } else {
                ServiceError::NotFound(what())
            });
        }
        let role = self.role_in(ctx, project).await?;
        Self::require(role, permission, what)
    }

    /// The refusal of an API key asking for anything but configuration.
    fn key_refused(permission: Option<Permission>) -> ServiceError {
        ServiceError::Forbidden {
            permission,
            message: "API keys may only read configuration".into(),
        }
    }

    /// Checks a role against a permission with the not-found rule.
    pub(crate) fn require(
        role: Option<Role>,
        permission: Permission,
        what: impl FnOnce() -> Missing,
    ) -> ServiceResult<Role> {
        slipway_auth::require(role, permission).map_err(|denied| Self::denied(denied, what))
    }

    /// Maps slipway-auth's refusal onto the service's errors (not-found hides existence).
    pub(crate) fn denied(denied: AccessDenied, what: impl FnOnce() -> Missing) -> ServiceError {
        match denied {
            AccessDenied::NotFound => ServiceError::NotFound(what()),
            AccessDenied::Forbidden { permission } => ServiceError::forbidden(permission),
            AccessDenied::Restricted { rule } => ServiceError::Forbidden {
                permission: None,
                message: rule.to_owned(),
            },
        }
    }

    /// Checks the caller is an owner of `organization` (organization-level actions), with the
    /// not-found rule for non-members.
    pub(crate) async fn authorize_organization_owner(
        &self,
        ctx: &Ctx,
        organization: &Organization,
    ) -> ServiceResult<()> {
        let user = Self::signed_in(ctx)?;
        if self.store().is_organization_owner(user.id, organization.id).await? {
            return Ok(());
        }
        let member_somewhere = self
            .store()
            .organizations_of_user(user.id)
            .await?
            .iter()
            .any(|o| o.id == organization.id);
        slipway_auth::authorize::require_organization_owner(false, member_somewhere)
            .map_err(|denied| Self::denied(denied, || Missing::Organization(organization.slug.to_string())))
    }

    /// Everyone's effective role in a project.
    pub(crate) async fn roles(&self, project: ProjectId) -> ServiceResult<Roles> {
        Ok(self.store().project_roles(project).await?)
    }

    /// The signed-in user; FORBIDDEN for an API key (authenticated, but not a user), else
    /// unauthenticated.
    ///
    /// # Errors
    /// As above, when the caller is not a user.
    pub fn signed_in(ctx: &Ctx) -> ServiceResult<&slipway_domain::User> {
        match &ctx.caller {
            Caller::User(user) => Ok(user),
            Caller::ApiKey(_) => Err(Self::key_refused(None)),
            Caller::System => Err(ServiceError::Unauthenticated),
        }
    }
}

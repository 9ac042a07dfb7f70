//! Environments: create, update, reorder, move role flags, delete.

use serde_json::{Value, json};
use slipway_domain::environment::{Environment, EnvironmentPatch, Environments, NewEnvironment, RoleChange};
use slipway_domain::slug::EnvironmentSlug;
use slipway_domain::text::{Color, Description, Name};
use slipway_domain::{EnvironmentId, Permission, Project};
use slipway_store::Write;
use tracing::instrument;
use uuid::Uuid;

use crate::Missing;
use crate::{Ctx, Event, Service, ServiceError, ServiceResult};

/// What a planned change of a project's environments writes, audits and returns.
pub(crate) struct EnvironmentChange<T> {
    /// The writes (the revision guard is added).
    pub writes: Vec<Write>,
    /// The environments to announce as changed.
    pub changed: Vec<EnvironmentId>,
    /// The audit action.
    pub action: &'static str,
    /// The audit target (an environment slug, or `*`).
    pub target: String,
    /// The audit's before and after.
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The environments whose roles or policy changed: each becomes an `environment.changed`
    /// webhook event, queued in the change's commit.
    pub notify: Vec<Environment>,
    /// What the use case returns.
    pub value: T,
}

/// The fields of a new environment, as the caller sent them (parsed here).
#[derive(Debug, Clone, Default)]
pub struct EnvironmentInput {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Description (empty when absent).
    pub description: Option<String>,
    /// `#rrggbb` (a neutral gray when absent).
    pub color: Option<String>,
    /// Marked production.
    pub is_production: bool,
}

/// Changes to an environment; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentUpdate {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New color.
    pub color: Option<String>,
}

/// Role flags to move, by slug.
#[derive(Debug, Clone, Default)]
pub struct RolesInput {
    /// Make this environment the default publish target.
    pub default_publish_target: Option<String>,
    /// Make this environment the gateway fallback.
    pub gateway_fallback: Option<String>,
    /// Set or clear production marks.
    pub production: Vec<(String, bool)>,
}

pub(crate) fn summary(env: &Environment) -> Value {
    json!({
        "slug": env.slug.as_str(),
        "name": env.name.as_str(),
        "description": env.description.as_str(),
        "color": env.color.to_string(),
        "position": env.position,
        "production": env.is_production,
        "default_publish_target": env.is_default_publish_target,
        "gateway_fallback": env.is_gateway_fallback,
    })
}

fn lookup(environments: &Environments, slug: &str) -> ServiceResult<EnvironmentId> {
    environments
        .by_slug(slug)
        .map(|e| e.id)
        .ok_or_else(|| ServiceError::NotFound(Missing::Environment(slug.to_string())))
}

impl Service {
    /// The environments of a project the caller can view.
    ///
    /// # Errors
    /// Not-found without `project:view`.
    #[instrument(skip_all)]
    pub async fn environments(&self, ctx: &Ctx, org: &str, project: &str) -> ServiceResult<(Project, Environments)> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let environments = self.store().environments(project.id).await?;
        Ok((project, environments))
    }

    /// One environment.
    ///
    /// # Errors
    /// Not-found for an unknown slug or without `project:view`.
    #[instrument(skip_all)]
    pub async fn environment(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        slug: &str,
    ) -> ServiceResult<(Project, Environment)> {
        let (project, environments) = self.environments(ctx, org, project).await?;
        let env = environments
            .by_slug(slug)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(Missing::Environment(slug.to_string())))?;
        Ok((project, env))
    }

    /// Changes a project's environments, read-modify-write: `plan` is applied to the
    /// environments as they are now, and its writes commit with a guard on the serving
    /// revision. In this instance the change waits for the project's other writers (deploys,
    /// other environment changes), so it never races them; when another instance's commit wins
    /// meanwhile, the change is planned again on what that commit left, up to the service's
    /// usual number of attempts — the caller sees CONFLICT only when every attempt lost.
    pub(crate) async fn change_environments<T>(
        &self,
        ctx: &Ctx,
        project: &Project,
        plan: impl Fn(&mut Environments) -> ServiceResult<EnvironmentChange<T>>,
    ) -> ServiceResult<T> {
        let _writer = self.lock_writer(project.id).await;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_change_environments(ctx, project, &plan).await {
                Err(e) if e.is_race() && attempt < crate::releases::MAX_ATTEMPTS => {
                    tracing::debug!(project = %project.id, attempt, "environments changed meanwhile; planning again");
                    crate::releases::backoff(attempt).await;
                }
                outcome => return outcome,
            }
        }
    }

    async fn try_change_environments<T>(
        &self,
        ctx: &Ctx,
        project: &Project,
        plan: &impl Fn(&mut Environments) -> ServiceResult<EnvironmentChange<T>>,
    ) -> ServiceResult<T> {
        // The revision is read first: if the environments change after it, the guard fails.
        let revision = self.store().serving_revision(project.id).await?;
        let mut environments = self.store().environments(project.id).await?;
        let change = plan(&mut environments)?;
        let guard = Write::ExpectServingRevision {
            project: project.id,
            revision,
        };
        let audit = Self::entry(
            ctx,
            change.action,
            "environment",
            &change.target,
            change.before,
            change.after,
        );
        let mut writes: Vec<Write> = std::iter::once(guard).chain(change.writes).collect();
        let now = self.now();
        for environment in &change.notify {
            writes.extend(self.environment_webhooks(project, environment, now).await?);
        }
        self.commit(project.id.as_uuid(), Some(project.id), writes, audit)
            .await?;
        for environment_id in change.changed {
            self.announce(Event::EnvironmentChanged {
                project_id: project.id,
                environment_id,
                deployment_id: None,
            });
        }
        Ok(change.value)
    }

    /// Creates an environment, within the organization's quota.
    ///
    /// # Errors
    /// Invalid or reserved slug, bad name/description/color, taken slug, quota reached,
    /// permission.
    #[instrument(skip(self, ctx, input), fields(slug = %input.slug))]
    pub async fn create_environment(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        input: EnvironmentInput,
    ) -> ServiceResult<Environment> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageEnvironments)
            .await?;
        let new = NewEnvironment {
            slug: EnvironmentSlug::parse(&input.slug)?,
            name: Name::parse(&input.name)?,
            description: Description::parse(input.description.as_deref().unwrap_or(""))?,
            color: Color::parse(input.color.as_deref().unwrap_or("#6b7280"))?,
            is_production: input.is_production,
        };
        let quota = self
            .store()
            .organization(project.organization_id)
            .await?
            .and_then(|o| o.environment_quota);
        let id = EnvironmentId::from_uuid(Uuid::now_v7());
        let now = self.now();
        self.change_environments(ctx, &project, |environments| {
            let env = environments.create(id, new.clone(), quota, now)?.clone();
            Ok(EnvironmentChange {
                notify: Vec::new(),
                writes: vec![Write::InsertEnvironment(env.clone())],
                changed: vec![env.id],
                action: "environment.create",
                target: env.slug.as_str().to_owned(),
                before: None,
                after: Some(summary(&env)),
                value: env,
            })
        })
        .await
    }

    /// Renames, re-describes or recolors an environment (the slug never changes).
    ///
    /// # Errors
    /// Bad values, unknown environment, permission.
    #[instrument(skip(self, ctx, update))]
    pub async fn update_environment(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        slug: &str,
        update: EnvironmentUpdate,
    ) -> ServiceResult<Environment> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageEnvironments)
            .await?;
        let patch = EnvironmentPatch {
            name: update.name.as_deref().map(Name::parse).transpose()?,
            description: update.description.as_deref().map(Description::parse).transpose()?,
            color: update.color.as_deref().map(Color::parse).transpose()?,
        };
        self.change_environments(ctx, &project, |environments| {
            let id = lookup(environments, slug)?;
            let before = environments.get(id).map(summary);
            let env = environments.update(id, patch.clone())?.clone();
            Ok(EnvironmentChange {
                notify: Vec::new(),
                writes: vec![Write::SaveEnvironments(vec![env.clone()])],
                changed: vec![env.id],
                action: "environment.update",
                target: slug.to_owned(),
                before,
                after: Some(summary(&env)),
                value: env,
            })
        })
        .await
    }

    /// Puts the environments in the given order (every slug exactly once).
    ///
    /// # Errors
    /// Not a permutation of the project's environments; permission.
    #[instrument(skip(self, ctx))]
    pub async fn reorder_environments(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        order: &[String],
    ) -> ServiceResult<Environments> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageEnvironments)
            .await?;
        self.change_environments(ctx, &project, |environments| {
            let before: Vec<&str> = environments.all().iter().map(|e| e.slug.as_str()).collect();
            let before = json!(before);
            let ids = order
                .iter()
                .map(|s| {
                    environments
                        .by_slug(s)
                        .map(|e| e.id)
                        .ok_or_else(|| ServiceError::validation("order", format!("unknown environment '{s}'")))
                })
                .collect::<ServiceResult<Vec<_>>>()?;
            environments.reorder(&ids)?;
            Ok(EnvironmentChange {
                notify: Vec::new(),
                writes: vec![Write::SaveEnvironments(environments.all().to_vec())],
                changed: environments.all().iter().map(|e| e.id).collect(),
                action: "environment.reorder",
                target: "*".to_owned(),
                before: Some(before),
                after: Some(json!(order)),
                value: environments.clone(),
            })
        })
        .await
    }

    /// Moves the default publish target and/or gateway fallback and sets production marks, in one
    /// step. Moving an exclusive role needs `project:manage_default_environment` on top of
    /// `project:manage_environments`. A new gateway fallback takes effect for every following
    /// resolution.
    ///
    /// # Errors
    /// Unknown environment; permission.
    #[instrument(skip(self, ctx))]
    pub async fn set_environment_roles(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        input: RolesInput,
    ) -> ServiceResult<Environments> {
        let (project, role) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageEnvironments)
            .await?;
        let needed = slipway_auth::authorize::environment_roles_permissions(
            input.default_publish_target.is_some(),
            input.gateway_fallback.is_some(),
        );
        slipway_auth::require_all(Some(role), needed)
            .map_err(|d| Self::denied(d, || Missing::Project(org.to_string())))?;
        self.change_environments(ctx, &project, |environments| {
            let change = RoleChange {
                default_publish_target: input
                    .default_publish_target
                    .as_deref()
                    .map(|s| lookup(environments, s))
                    .transpose()?,
                gateway_fallback: input
                    .gateway_fallback
                    .as_deref()
                    .map(|s| lookup(environments, s))
                    .transpose()?,
                production: input
                    .production
                    .iter()
                    .map(|(s, flag)| Ok((lookup(environments, s)?, *flag)))
                    .collect::<ServiceResult<_>>()?,
            };
            let before: Vec<Value> = environments.all().iter().map(summary).collect();
            let old = environments.clone();
            environments.set_roles(&change)?;
            let after: Vec<Value> = environments.all().iter().map(summary).collect();
            let roles = |e: &Environment| (e.is_production, e.is_default_publish_target, e.is_gateway_fallback);
            let notify = environments
                .all()
                .iter()
                .filter(|env| old.get(env.id).map(roles) != Some(roles(env)))
                .cloned()
                .collect();
            Ok(EnvironmentChange {
                notify,
                writes: vec![Write::SaveEnvironments(environments.all().to_vec())],
                changed: environments.all().iter().map(|e| e.id).collect(),
                action: "environment.set_roles",
                target: "*".to_owned(),
                before: Some(json!(before)),
                after: Some(json!(after)),
                value: environments.clone(),
            })
        })
        .await
    }

    /// Deletes an environment and its pointers. System environments and role holders cannot be
    /// deleted.
    ///
    /// # Errors
    /// A system or role-holding environment (conflict); unknown; permission.
    #[instrument(skip(self, ctx))]
    pub async fn delete_environment(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        slug: &str,
    ) -> ServiceResult<Environment> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageEnvironments)
            .await?;
        self.change_environments(ctx, &project, |environments| {
            let id = lookup(environments, slug)?;
            let removed = environments.delete(id)?;
            Ok(EnvironmentChange {
                notify: Vec::new(),
                writes: vec![Write::DeleteEnvironment(id)],
                changed: vec![removed.id],
                action: "environment.delete",
                target: slug.to_owned(),
                before: Some(summary(&removed)),
                after: None,
                value: removed,
            })
        })
        .await
    }
}

//! Environments of a project and the operations on them, with the invariants DESIGN.md sets:
//! unique immutable slugs, exactly one default publish target and exactly one gateway fallback,
//! system environments that cannot be deleted, and the organization's quota.

use chrono::{DateTime, Utc};

use crate::error::ValidationError;
use crate::policy::PromotionPolicy;
use crate::slug::EnvironmentSlug;
use crate::text::{Color, Description, Name};
use crate::{DomainError, EnvironmentId, ProjectId};

/// A named deployment target inside a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Generated at creation; stable across renames (the slug is too).
    pub id: EnvironmentId,
    /// The owning project.
    pub project_id: ProjectId,
    /// Unique in the project, immutable.
    pub slug: EnvironmentSlug,
    /// The name people see in the dashboard (1–64 characters, renamable).
    pub name: Name,
    /// What the environment is for (0–280 characters).
    pub description: Description,
    /// Shown in the dashboard.
    pub color: Color,
    /// Order shown (0 first).
    pub position: u32,
    /// Production and Staging, created with the project; never deleted.
    pub is_system: bool,
    /// Marked production (for reporting and policy); any number may be.
    pub is_production: bool,
    /// New versions are published here unless told otherwise; exactly one per project.
    pub is_default_publish_target: bool,
    /// Serves gateways that name no environment, and resources an environment lacks; exactly one.
    pub is_gateway_fallback: bool,
    /// The promotion policy for releases targeting this environment.
    pub policy: PromotionPolicy,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// The role flags that must be held by exactly one environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExclusiveRole {
    /// The default publish target.
    DefaultPublishTarget,
    /// The gateway fallback.
    GatewayFallback,
}

impl ExclusiveRole {
    /// The role's name in messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExclusiveRole::DefaultPublishTarget => "default publish target",
            ExclusiveRole::GatewayFallback => "gateway fallback",
        }
    }
}

/// The fields of a new environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnvironment {
    /// Slug (not a reserved one).
    pub slug: EnvironmentSlug,
    /// The name people see (1–64 characters).
    pub name: Name,
    /// What the environment is for (0–280 characters).
    pub description: Description,
    /// The `#rrggbb` the dashboard shows it in.
    pub color: Color,
    /// Whether it is marked production.
    pub is_production: bool,
}

/// A change to an environment's editable fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvironmentPatch {
    /// The name to show from now on; `None` keeps the current one.
    pub name: Option<Name>,
    /// The description to show from now on; `None` keeps the current one.
    pub description: Option<Description>,
    /// The color to show from now on; `None` keeps the current one.
    pub color: Option<Color>,
}

/// A change of role flags, applied as one operation so no state with zero or two holders of an
/// exclusive role can exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleChange {
    /// Move the default publish target here.
    pub default_publish_target: Option<EnvironmentId>,
    /// Move the gateway fallback here.
    pub gateway_fallback: Option<EnvironmentId>,
    /// Set or clear the production mark of these environments.
    pub production: Vec<(EnvironmentId, bool)>,
}

/// All environments of one project: the aggregate that keeps their invariants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environments {
    project_id: ProjectId,
    items: Vec<Environment>,
}

impl Environments {
    /// The environments of a new project: Production (`prod`: default publish target, gateway
    /// fallback, production) and Staging (`staging`).
    pub fn for_new_project(
        project_id: ProjectId,
        prod_id: EnvironmentId,
        staging_id: EnvironmentId,
        now: DateTime<Utc>,
    ) -> Self {
        let system = |id, slug, name: &str, color, position, flag| Environment {
            id,
            project_id,
            slug,
            name: Name::from_trusted(name),
            description: Description::default(),
            color,
            position,
            is_system: true,
            is_production: flag,
            is_default_publish_target: flag,
            is_gateway_fallback: flag,
            policy: PromotionPolicy::initial(),
            created_at: now,
        };
        Self {
            project_id,
            items: vec![
                system(
                    prod_id,
                    EnvironmentSlug::production(),
                    "Production",
                    Color::rgb(0xdc, 0x26, 0x26),
                    0,
                    true,
                ),
                system(
                    staging_id,
                    EnvironmentSlug::staging(),
                    "Staging",
                    Color::rgb(0xd9, 0x77, 0x06),
                    1,
                    false,
                ),
            ],
        }
    }

    /// Rebuilds the aggregate from stored environments, checking its invariants.
    ///
    /// # Errors
    /// The environments do not all belong to `project_id`, ids or slugs repeat, or an exclusive
    /// role is not held exactly once.
    pub fn from_parts(project_id: ProjectId, mut items: Vec<Environment>) -> Result<Self, DomainError> {
        items.sort_by_key(|e| (e.position, e.created_at, e.id));
        let set = Self { project_id, items };
        set.check_invariants()?;
        Ok(set)
    }

    /// Checks every invariant (used after loading, and by property tests).
    ///
    /// # Errors
    /// A [`DomainError::Invariant`] naming the broken invariant.
    pub fn check_invariants(&self) -> Result<(), DomainError> {
        let broken = |m: &str| Err(DomainError::Invariant(m.to_owned()));
        if self.items.iter().any(|e| e.project_id != self.project_id) {
            return broken("an environment belongs to another project");
        }
        for (i, e) in self.items.iter().enumerate() {
            if self.items[..i].iter().any(|o| o.slug == e.slug) {
                return broken("two environments share a slug");
            }
            if self.items[..i].iter().any(|o| o.id == e.id) {
                return broken("two environments share an id");
            }
        }
        if self.items.iter().filter(|e| e.is_default_publish_target).count() != 1 {
            return broken("the default publish target is not held exactly once");
        }
        if self.items.iter().filter(|e| e.is_gateway_fallback).count() != 1 {
            return broken("the gateway fallback is not held exactly once");
        }
        Ok(())
    }

    /// The project every environment of this set belongs to.
    pub const fn project_id(&self) -> ProjectId {
        self.project_id
    }

    /// The environments, in display order.
    pub fn all(&self) -> &[Environment] {
        &self.items
    }

    /// Finds an environment by id.
    pub fn get(&self, id: EnvironmentId) -> Option<&Environment> {
        self.items.iter().find(|e| e.id == id)
    }

    /// Finds an environment by slug.
    pub fn by_slug(&self, slug: &str) -> Option<&Environment> {
        self.items.iter().find(|e| e.slug.as_str() == slug)
    }

    /// The environment holding `role`.
    ///
    /// # Errors
    /// Only if the invariants were broken, which `from_parts` refuses.
    pub fn holder(&self, role: ExclusiveRole) -> Result<&Environment, DomainError> {
        self.items
            .iter()
            .find(|e| match role {
                ExclusiveRole::DefaultPublishTarget => e.is_default_publish_target,
                ExclusiveRole::GatewayFallback => e.is_gateway_fallback,
            })
            .ok_or_else(|| DomainError::Invariant(format!("no {} environment", role.as_str())))
    }

    /// The gateway fallback environment.
    ///
    /// # Errors
    /// Only if the invariants were broken.
    pub fn gateway_fallback(&self) -> Result<&Environment, DomainError> {
        self.holder(ExclusiveRole::GatewayFallback)
    }

    /// The default publish target.
    ///
    /// # Errors
    /// Only if the invariants were broken.
    pub fn default_publish_target(&self) -> Result<&Environment, DomainError> {
        self.holder(ExclusiveRole::DefaultPublishTarget)
    }

    fn get_mut(&mut self, id: EnvironmentId) -> Result<&mut Environment, DomainError> {
        self.items
            .iter_mut()
            .find(|e| e.id == id)
            .ok_or(DomainError::NotFound("environment"))
    }

    /// Adds an environment at the end of the order.
    ///
    /// # Errors
    /// The id or the slug is taken ([`DomainError::Conflict`]) or the quota is reached
    /// ([`DomainError::QuotaExceeded`]).
    pub fn create(
        &mut self,
        id: EnvironmentId,
        new: NewEnvironment,
        quota: Option<u32>,
        now: DateTime<Utc>,
    ) -> Result<&Environment, DomainError> {
        if let Some(limit) = quota
            && self.items.len() >= usize::try_from(limit).unwrap_or(usize::MAX)
        {
            return Err(DomainError::QuotaExceeded { limit });
        }
        if self.get(id).is_some() {
            return Err(DomainError::Conflict(format!(
                "an environment with id {id} already exists"
            )));
        }
        if self.by_slug(new.slug.as_str()).is_some() {
            return Err(DomainError::Conflict(format!(
                "an environment with slug '{}' already exists",
                new.slug
            )));
        }
        let position = self.items.iter().map(|e| e.position + 1).max().unwrap_or(0);
        self.items.push(Environment {
            id,
            project_id: self.project_id,
            slug: new.slug,
            name: new.name,
            description: new.description,
            color: new.color,
            position,
            is_system: false,
            is_production: new.is_production,
            is_default_publish_target: false,
            is_gateway_fallback: false,
            policy: PromotionPolicy::initial(),
            created_at: now,
        });
        self.get(id).ok_or(DomainError::NotFound("environment"))
    }

    /// Changes name, description or color (the slug is immutable).
    ///
    /// # Errors
    /// `id` is not an environment of this project.
    pub fn update(&mut self, id: EnvironmentId, patch: EnvironmentPatch) -> Result<&Environment, DomainError> {
        let env = self.get_mut(id)?;
        if let Some(name) = patch.name {
            env.name = name;
        }
        if let Some(description) = patch.description {
            env.description = description;
        }
        if let Some(color) = patch.color {
            env.color = color;
        }
        Ok(env)
    }

    /// Puts the environments in the given order; it must list every environment exactly once.
    ///
    /// # Errors
    /// A [`DomainError::Validation`] on `order` when it is not a permutation of the environments.
    pub fn reorder(&mut self, order: &[EnvironmentId]) -> Result<(), DomainError> {
        let is_permutation = order.len() == self.items.len()
            && self
                .items
                .iter()
                .all(|e| order.iter().filter(|id| **id == e.id).count() == 1);
        if !is_permutation {
            return Err(
                ValidationError::new("order", "must list every environment of the project exactly once").into(),
            );
        }
        for (position, id) in order.iter().enumerate() {
            let env = self.get_mut(*id)?;
            env.position = u32::try_from(position).unwrap_or(u32::MAX);
        }
        self.items.sort_by_key(|e| e.position);
        Ok(())
    }

    /// Moves exclusive roles and production marks in one step.
    ///
    /// # Errors
    /// An unknown environment; nothing changes then.
    pub fn set_roles(&mut self, change: &RoleChange) -> Result<(), DomainError> {
        let ids = change
            .default_publish_target
            .iter()
            .chain(&change.gateway_fallback)
            .chain(change.production.iter().map(|(id, _)| id));
        for id in ids {
            if self.get(*id).is_none() {
                return Err(DomainError::NotFound("environment"));
            }
        }
        for env in &mut self.items {
            if let Some(target) = change.default_publish_target {
                env.is_default_publish_target = env.id == target;
            }
            if let Some(target) = change.gateway_fallback {
                env.is_gateway_fallback = env.id == target;
            }
            if let Some((_, flag)) = change.production.iter().rev().find(|(id, _)| *id == env.id) {
                env.is_production = *flag;
            }
        }
        Ok(())
    }

    /// Replaces an environment's policy with `policy` (already revised).
    ///
    /// # Errors
    /// `id` is not an environment of this project.
    pub fn set_policy(&mut self, id: EnvironmentId, policy: PromotionPolicy) -> Result<&Environment, DomainError> {
        let env = self.get_mut(id)?;
        env.policy = policy;
        Ok(env)
    }

    /// Checks that an environment may be deleted, and removes it.
    ///
    /// # Errors
    /// A system environment, or one holding an exclusive role ([`DomainError::Conflict`]).
    pub fn delete(&mut self, id: EnvironmentId) -> Result<Environment, DomainError> {
        let env = self.get(id).ok_or(DomainError::NotFound("environment"))?;
        if env.is_system {
            return Err(DomainError::Conflict(format!(
                "'{}' is a system environment and cannot be deleted",
                env.slug
            )));
        }
        for (held, role) in [
            (env.is_default_publish_target, ExclusiveRole::DefaultPublishTarget),
            (env.is_gateway_fallback, ExclusiveRole::GatewayFallback),
        ] {
            if held {
                return Err(DomainError::Conflict(format!(
                    "'{}' is the {}; move that role to another environment first",
                    env.slug,
                    role.as_str()
                )));
            }
        }
        let index = self
            .items
            .iter()
            .position(|e| e.id == id)
            .ok_or(DomainError::NotFound("environment"))?;
        Ok(self.items.remove(index))
    }
}

#[cfg(test)]
mod tests;

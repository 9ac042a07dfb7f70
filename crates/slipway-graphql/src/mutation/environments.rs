//! Environment mutations: create, update, reorder, move role flags, delete, and set the
//! promotion policy.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object};
use chrono::{DateTime, Utc};
use slipway_domain::environment::Environments;
use slipway_service::environments::{EnvironmentInput, EnvironmentUpdate, RolesInput};
use slipway_service::policies::PolicyInput;

use crate::context::use_case;
use crate::error::GqlResult;
use crate::pagination::list_complexity;
use crate::scope::Scope;
use crate::types::enums::Role;
use crate::types::environment::Environment;

/// A new environment.
#[derive(InputObject, Debug)]
pub struct CreateEnvironmentInput {
    /// `[a-z][a-z0-9-]{0,31}`, unique in the project and immutable; `prod` and `staging` are
    /// reserved.
    pub slug: String,
    /// 1–64 characters.
    pub name: String,
    /// 0–280 characters.
    pub description: Option<String>,
    /// `#rrggbb` (a neutral gray when absent).
    pub color: Option<String>,
    /// Marked production (for reporting and policy).
    #[graphql(default)]
    pub is_production: bool,
}

/// Changes to an environment; absent fields stay as they are (the slug never changes).
#[derive(InputObject, Debug)]
pub struct UpdateEnvironmentInput {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New color.
    pub color: Option<String>,
}

/// Sets or clears one environment's production mark.
#[derive(InputObject, Debug)]
pub struct ProductionMarkInput {
    /// The environment's slug.
    pub environment: String,
    /// Whether it is marked production.
    pub is_production: bool,
}

/// Role flags to move, in one step. Moving the default publish target or the gateway fallback
/// needs the owner's `project:manage_default_environment`.
#[derive(InputObject, Debug)]
pub struct SetEnvironmentRolesInput {
    /// Slug of the new default publish target.
    pub default_publish_target: Option<String>,
    /// Slug of the new gateway fallback (takes effect for every following resolution).
    pub gateway_fallback: Option<String>,
    /// Production marks to set or clear.
    #[graphql(default)]
    pub production: Vec<ProductionMarkInput>,
}

/// A time range (UTC, start inclusive, end exclusive) in which nothing deploys.
#[derive(InputObject, Debug)]
pub struct FreezeWindowInput {
    /// Start.
    pub start: DateTime<Utc>,
    /// End, after the start.
    pub end: DateTime<Utc>,
    /// Why (at most 280 characters).
    #[graphql(default)]
    pub reason: String,
}

/// A whole promotion policy: it replaces the current one as a new revision. Absent fields take
/// the defaults of a new environment's policy.
#[derive(InputObject, Debug)]
pub struct PromotionPolicyInput {
    /// Slugs of the environments promotions may come from (empty: any).
    #[graphql(default)]
    pub allowed_sources: Vec<String>,
    /// Whether publish and direct releases may target the environment.
    #[graphql(default = true)]
    pub allow_direct: bool,
    /// Distinct approvals needed, 0 to 10.
    #[graphql(default)]
    pub required_approvals: u32,
    /// Roles whose approvals count (empty: those holding `release:approve`).
    #[graphql(default)]
    pub approver_roles: Vec<Role>,
    /// The author's own approval never counts.
    #[graphql(default = true)]
    pub prevent_self_approval: bool,
    /// Seconds a promoted version must have been live in the source (at most a year).
    #[graphql(default)]
    pub min_soak_seconds: u64,
    /// When nothing deploys.
    #[graphql(default)]
    pub freeze_windows: Vec<FreezeWindowInput>,
    /// Deploy as soon as the quorum is reached (else an explicit `applyRelease`).
    #[graphql(default = true)]
    pub auto_apply: bool,
    /// Pending and approved releases older than this expire (null: never).
    pub expires_after_seconds: Option<u64>,
}

impl From<PromotionPolicyInput> for PolicyInput {
    fn from(p: PromotionPolicyInput) -> Self {
        PolicyInput {
            allowed_sources: p.allowed_sources,
            allow_direct: p.allow_direct,
            required_approvals: p.required_approvals,
            approver_roles: p.approver_roles.into_iter().map(Into::into).collect(),
            prevent_self_approval: p.prevent_self_approval,
            min_soak_seconds: p.min_soak_seconds,
            freeze_windows: p
                .freeze_windows
                .into_iter()
                .map(|w| (w.start, w.end, w.reason))
                .collect(),
            auto_apply: p.auto_apply,
            expires_after_seconds: p.expires_after_seconds,
        }
    }
}

fn listed(environments: Environments, org: &str, project: &str) -> Vec<Environment> {
    let scope = Scope::new(environments.project_id(), org, project);
    let all = Arc::new(environments);
    all.all()
        .iter()
        .map(|e| Environment::new(e.clone(), Arc::clone(&scope), Some(Arc::clone(&all))))
        .collect()
}

/// Environment mutations.
#[derive(Debug, Default)]
pub struct EnvironmentMutations;

/// Environment mutations.
#[Object]
impl EnvironmentMutations {
    /// Creates an environment (within the organization's environment quota).
    async fn create_environment(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        input: CreateEnvironmentInput,
    ) -> async_graphql::Result<Environment> {
        let (service, caller) = use_case(ctx)?;
        let input = EnvironmentInput {
            slug: input.slug,
            name: input.name,
            description: input.description,
            color: input.color,
            is_production: input.is_production,
        };
        let env = service
            .create_environment(caller, &org, &project, input)
            .await
            .gql(ctx)?;
        Ok(Environment::new(
            env.clone(),
            Scope::new(env.project_id, &org, &project),
            None,
        ))
    }

    /// Renames, re-describes or recolors environment `slug`.
    async fn update_environment(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        slug: String,
        input: UpdateEnvironmentInput,
    ) -> async_graphql::Result<Environment> {
        let (service, caller) = use_case(ctx)?;
        let update = EnvironmentUpdate {
            name: input.name,
            description: input.description,
            color: input.color,
        };
        let env = service
            .update_environment(caller, &org, &project, &slug, update)
            .await
            .gql(ctx)?;
        Ok(Environment::new(
            env.clone(),
            Scope::new(env.project_id, &org, &project),
            None,
        ))
    }

    /// Puts the environments in the given order: every slug of the project exactly once.
    /// Returns them in their new order.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn reorder_environments(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        order: Vec<String>,
    ) -> async_graphql::Result<Vec<Environment>> {
        let (service, caller) = use_case(ctx)?;
        let environments = service
            .reorder_environments(caller, &org, &project, &order)
            .await
            .gql(ctx)?;
        Ok(listed(environments, &org, &project))
    }

    /// Moves the default publish target and/or gateway fallback and sets production marks, in
    /// one step. Returns every environment.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn set_environment_roles(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        input: SetEnvironmentRolesInput,
    ) -> async_graphql::Result<Vec<Environment>> {
        let (service, caller) = use_case(ctx)?;
        let roles = RolesInput {
            default_publish_target: input.default_publish_target,
            gateway_fallback: input.gateway_fallback,
            production: input
                .production
                .into_iter()
                .map(|m| (m.environment, m.is_production))
                .collect(),
        };
        let environments = service
            .set_environment_roles(caller, &org, &project, roles)
            .await
            .gql(ctx)?;
        Ok(listed(environments, &org, &project))
    }

    /// Deletes environment `slug` and its pointers. System environments, and those holding the
    /// default publish target or gateway fallback role, cannot be deleted (`CONFLICT`).
    /// Returns the deleted environment.
    async fn delete_environment(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        slug: String,
    ) -> async_graphql::Result<Environment> {
        let (service, caller) = use_case(ctx)?;
        let env = service
            .delete_environment(caller, &org, &project, &slug)
            .await
            .gql(ctx)?;
        Ok(Environment::new(
            env.clone(),
            Scope::new(env.project_id, &org, &project),
            None,
        ))
    }

    /// Replaces the promotion policy of environment `environment` with a new revision.
    /// Returns the environment with its new policy.
    async fn set_promotion_policy(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        environment: String,
        input: PromotionPolicyInput,
    ) -> async_graphql::Result<Environment> {
        let (service, caller) = use_case(ctx)?;
        service
            .set_promotion_policy(caller, &org, &project, &environment, input.into())
            .await
            .gql(ctx)?;
        let (p, env) = service
            .environment(caller, &org, &project, &environment)
            .await
            .gql(ctx)?;
        Ok(Environment::new(env, Scope::of(&org, &p), None))
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::InputType;
    use slipway_domain::policy::PolicySpec;

    use super::*;

    /// The input's defaults are literals in the schema; they must stay those of a new
    /// environment's policy.
    #[test]
    fn policy_input_defaults_match_the_domain() {
        let empty = async_graphql::Value::Object(Default::default());
        let input = PromotionPolicyInput::parse(Some(empty)).unwrap();
        let spec = PolicySpec::default();
        assert!(input.allowed_sources.is_empty() && input.approver_roles.is_empty());
        assert!(input.freeze_windows.is_empty());
        assert_eq!(input.allow_direct, spec.allow_direct);
        assert_eq!(input.required_approvals, spec.required_approvals);
        assert_eq!(input.prevent_self_approval, spec.prevent_self_approval);
        assert_eq!(input.min_soak_seconds, spec.min_soak_seconds);
        assert_eq!(input.auto_apply, spec.auto_apply);
        assert_eq!(input.expires_after_seconds, spec.expires_after_seconds);
    }
}

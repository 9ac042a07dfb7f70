//! Promotion policies: setting the rules of an environment (each change is a new revision).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use slipway_domain::policy::{FreezeWindow, PolicySpec, PromotionPolicy};
use slipway_domain::{Permission, Role};
use slipway_store::Write;
use tracing::instrument;

use crate::Missing;
use crate::environments::EnvironmentChange;
use crate::{Ctx, Service, ServiceError, ServiceResult};

/// A policy as the caller sends it; environments by slug.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    /// Slugs of the environments promotions may come from (empty: any).
    pub allowed_sources: Vec<String>,
    /// Whether publish/direct releases may target the environment.
    pub allow_direct: bool,
    /// 0 to 10.
    pub required_approvals: u32,
    /// Roles whose approvals count (empty: those holding `release:approve`).
    pub approver_roles: Vec<Role>,
    /// The author's approval never counts.
    pub prevent_self_approval: bool,
    /// Seconds a promoted version must have been live in the source.
    pub min_soak_seconds: u64,
    /// `(start, end, reason)` ranges in UTC.
    pub freeze_windows: Vec<(DateTime<Utc>, DateTime<Utc>, String)>,
    /// Deploy as soon as the quorum is reached.
    pub auto_apply: bool,
    /// Pending/approved releases older than this expire.
    pub expires_after_seconds: Option<u64>,
}

impl Default for PolicyInput {
    fn default() -> Self {
        let spec = PolicySpec::default();
        Self {
            allowed_sources: Vec::new(),
            allow_direct: spec.allow_direct,
            required_approvals: spec.required_approvals,
            approver_roles: Vec::new(),
            prevent_self_approval: spec.prevent_self_approval,
            min_soak_seconds: spec.min_soak_seconds,
            freeze_windows: Vec::new(),
            auto_apply: spec.auto_apply,
            expires_after_seconds: None,
        }
    }
}

pub(crate) fn policy_summary(policy: &PromotionPolicy) -> Value {
    let s = policy.spec();
    json!({
        "revision": policy.revision(),
        "allowed_sources": s.allowed_sources.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "allow_direct": s.allow_direct,
        "required_approvals": s.required_approvals,
        "approver_roles": s.approver_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "prevent_self_approval": s.prevent_self_approval,
        "min_soak_seconds": s.min_soak_seconds,
        "freeze_windows": s.freeze_windows.iter().map(|w| json!({"start": w.start, "end": w.end, "reason": w.reason})).collect::<Vec<_>>(),
        "auto_apply": s.auto_apply,
        "expires_after_seconds": s.expires_after_seconds,
    })
}

impl Service {
    /// Replaces the promotion policy of an environment with a new revision.
    ///
    /// # Errors
    /// A rule out of range, an unknown source environment, permission.
    #[instrument(skip(self, ctx, input))]
    pub async fn set_promotion_policy(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        slug: &str,
        input: PolicyInput,
    ) -> ServiceResult<PromotionPolicy> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManagePolicies)
            .await?;
        let freeze_windows = input
            .freeze_windows
            .iter()
            .map(|(start, end, reason)| FreezeWindow::new(*start, *end, reason))
            .collect::<Result<Vec<_>, _>>()?;
        self.change_environments(ctx, &project, |environments| {
            let env = environments
                .by_slug(slug)
                .cloned()
                .ok_or_else(|| ServiceError::NotFound(Missing::Environment(slug.to_string())))?;
            let allowed_sources = input
                .allowed_sources
                .iter()
                .map(|s| {
                    environments.by_slug(s).map(|e| e.id).ok_or_else(|| {
                        ServiceError::validation("allowed_sources", format!("unknown environment '{s}'"))
                    })
                })
                .collect::<ServiceResult<Vec<_>>>()?;
            let spec = PolicySpec {
                allowed_sources,
                allow_direct: input.allow_direct,
                required_approvals: input.required_approvals,
                approver_roles: input.approver_roles.clone(),
                prevent_self_approval: input.prevent_self_approval,
                min_soak_seconds: input.min_soak_seconds,
                freeze_windows: freeze_windows.clone(),
                auto_apply: input.auto_apply,
                expires_after_seconds: input.expires_after_seconds,
            };
            let policy = env.policy.revise(spec, env.id)?;
            let updated = environments.set_policy(env.id, policy.clone())?.clone();
            Ok(EnvironmentChange {
                notify: vec![updated.clone()],
                writes: vec![Write::SaveEnvironments(vec![updated])],
                changed: vec![env.id],
                action: "policy.set",
                target: slug.to_owned(),
                before: Some(policy_summary(&env.policy)),
                after: Some(policy_summary(&policy)),
                value: policy,
            })
        })
        .await
    }
}

//! Promotion policies as read (the input side is in `mutation::environments`).

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use slipway_domain::environment::Environments;
use slipway_domain::policy::PromotionPolicy as DomainPolicy;

use super::enums::Role;
use super::load_environments;
use crate::pagination::list_complexity;
use crate::scope::Scope;

/// The rules a target environment imposes on the releases that move its pointers, checked when
/// a release is created and again when it is applied. Every change is a new revision.
pub struct PromotionPolicy {
    policy: DomainPolicy,
    scope: Arc<Scope>,
    siblings: Option<Arc<Environments>>,
}

impl PromotionPolicy {
    /// Wraps `policy`; `siblings` (the project's environments) names the allowed sources.
    pub(crate) fn new(policy: DomainPolicy, scope: Arc<Scope>, siblings: Option<Arc<Environments>>) -> Self {
        Self {
            policy,
            scope,
            siblings,
        }
    }
}

/// A time range (UTC, start inclusive, end exclusive) in which nothing deploys.
#[derive(SimpleObject)]
pub struct FreezeWindow {
    /// When the freeze starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// The rules a target environment imposes on the releases that move its pointers, checked when
/// a release is created and again when it is applied. Every change is a new revision.
#[Object]
impl PromotionPolicy {
    /// 1 for a new environment, +1 on every change.
    async fn revision(&self) -> u32 {
        self.policy.revision()
    }

    /// Slugs of the environments promotions may come from (empty: any).
    async fn allowed_sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let ids = &self.policy.spec().allowed_sources;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let all = match &self.siblings {
            Some(all) => Arc::clone(all),
            None => load_environments(ctx, &self.scope).await?,
        };
        Ok(ids
            .iter()
            .filter_map(|id| all.get(*id).map(|e| e.slug.as_str().to_owned()))
            .collect())
    }

    /// Whether publish and direct releases may target the environment (false: only promotions
    /// and rollbacks).
    async fn allow_direct(&self) -> bool {
        self.policy.spec().allow_direct
    }

    /// Distinct approvals needed, 0 to 10.
    async fn required_approvals(&self) -> u32 {
        self.policy.spec().required_approvals
    }

    /// The roles whose approvals count (the roles holding `release:approve` unless the policy
    /// names others).
    async fn approver_roles(&self) -> Vec<Role> {
        self.policy.approver_roles().into_iter().map(Role::from).collect()
    }

    /// The roles the policy names explicitly (empty: the default approver roles).
    async fn explicit_approver_roles(&self) -> Vec<Role> {
        self.policy
            .spec()
            .approver_roles
            .iter()
            .copied()
            .map(Role::from)
            .collect()
    }

    /// Whether the author's own approval never counts.
    async fn prevent_self_approval(&self) -> bool {
        self.policy.spec().prevent_self_approval
    }

    /// How long a promoted version must have been live in the source, in seconds.
    async fn min_soak_seconds(&self) -> u64 {
        self.policy.spec().min_soak_seconds
    }

    /// When nothing deploys.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn freeze_windows(&self) -> Vec<FreezeWindow> {
        self.policy
            .spec()
            .freeze_windows
            .iter()
            .map(|w| FreezeWindow {
                start: w.start,
                end: w.end,
                reason: w.reason.clone(),
            })
            .collect()
    }

    /// Whether a release deploys as soon as its quorum is reached (else an explicit
    /// `applyRelease`).
    async fn auto_apply(&self) -> bool {
        self.policy.spec().auto_apply
    }

    /// Pending and approved releases older than this many seconds expire (null: never).
    async fn expires_after_seconds(&self) -> Option<u64> {
        self.policy.spec().expires_after_seconds
    }
}

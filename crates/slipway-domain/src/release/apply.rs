//! The checks made when a release is created and again when it is applied: the policy's rules
//! against its *current* revision, the compare-and-swap on the target's pointers and, for a
//! promotion, on the source's.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::access::Role;
use crate::policy::{PolicyRule, PolicyViolation, PromotionPolicy};
use crate::state::LivePointer;
use crate::text::Message;
use crate::{DomainError, ResourceId, UserId};

use super::{Bypass, Change, Release, ReleaseOrigin};

/// A caller holding `policy:bypass` who asks to override whatever rule blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BypassRequest {
    /// Who (the caller must hold `policy:bypass`; checked by the caller of this module).
    pub user: UserId,
    /// Why (required).
    pub reason: Message,
}

/// What the world looks like when a release is created or applied.
pub struct ApplyContext<'a> {
    /// Now.
    pub now: DateTime<Utc>,
    /// The target's policy, at its current revision.
    pub policy: &'a PromotionPolicy,
    /// The target's pointers now.
    pub target_pointers: &'a BTreeMap<ResourceId, LivePointer>,
    /// For a promotion: the source's pointers now.
    pub source_pointers: Option<&'a BTreeMap<ResourceId, LivePointer>>,
    /// Each user's current role in the project (approvals from users who lost an approving role
    /// stop counting).
    pub role_of: &'a (dyn Fn(UserId) -> Option<Role> + Sync),
    /// A bypass, if the caller asked for one.
    pub bypass: Option<BypassRequest>,
}

/// What applying a release should do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyDecision {
    /// Move the pointers; `bypass` is set when rules were overridden.
    Deploy {
        /// The bypass to record on the release, if rules were overridden.
        bypass: Option<Bypass>,
    },
    /// A freeze window is in force: stay approved and try again when it ends.
    Wait {
        /// When the window ends.
        until: DateTime<Utc>,
    },
    /// The target or the source moved on: mark the release superseded; nothing moves.
    Supersede {
        /// Why, for the audit log and the user.
        reason: String,
    },
    /// The release is past its expiry: mark it expired; nothing moves.
    Expire,
}

/// The rules about where a release comes from and how long promoted versions have soaked;
/// checked at creation and at apply.
pub fn origin_violations(origin: ReleaseOrigin, changes: &[Change], ctx: &ApplyContext<'_>) -> Vec<PolicyViolation> {
    let mut violations = Vec::new();
    match origin {
        ReleaseOrigin::Publish | ReleaseOrigin::Direct => {
            if let Err(v) = ctx.policy.check_direct() {
                violations.push(v);
            }
        }
        ReleaseOrigin::Promotion { source } => {
            if let Err(v) = ctx.policy.check_source(source) {
                violations.push(v);
            }
            if let Some(source_pointers) = ctx.source_pointers {
                let unsoaked = changes
                    .iter()
                    .filter_map(|c| c.to_version.and(source_pointers.get(&c.resource_id)))
                    .find_map(|p| ctx.policy.check_soak(p.since, ctx.now).err());
                violations.extend(unsoaked);
            }
        }
        ReleaseOrigin::Rollback { .. } => {}
    }
    violations
}

/// Decides what applying `release` does now. Order matters: a closed release never applies; an
/// expired one expires; a moved target or source supersedes; then the policy's rules block
/// (unless bypassed) and a freeze window makes it wait.
///
/// # Errors
/// [`DomainError::InvalidTransition`] for a closed release; [`DomainError::Policy`] with the first
/// blocking rule when no bypass was asked for.
pub fn decide_apply(release: &Release, ctx: &ApplyContext<'_>) -> Result<ApplyDecision, DomainError> {
    if release.state().is_terminal() {
        return Err(DomainError::InvalidTransition {
            state: release.state(),
            action: "apply",
        });
    }
    if release.is_expired(ctx.policy, ctx.now) {
        return Ok(ApplyDecision::Expire);
    }
    for change in release.changes() {
        let now_serving = ctx.target_pointers.get(&change.resource_id).map(|p| p.version_id);
        if now_serving != change.from_version {
            return Ok(ApplyDecision::Supersede {
                reason: "the target environment's pointer moved since the release was created".into(),
            });
        }
    }
    if let ReleaseOrigin::Promotion { .. } = release.origin() {
        let source = ctx.source_pointers.ok_or(DomainError::NotFound("source environment"))?;
        let still_served = release
            .changes()
            .iter()
            .all(|c| source.get(&c.resource_id).map(|p| p.version_id) == c.to_version);
        if !still_served {
            return Ok(ApplyDecision::Supersede {
                reason: "the source environment no longer serves the promoted versions".into(),
            });
        }
    }

    let mut violations = origin_violations(release.origin(), release.changes(), ctx);
    if !release.has_quorum(ctx.policy, ctx.role_of) {
        let have = release.counting_approvers(ctx.policy, ctx.role_of).len();
        violations.push(PolicyViolation::new(
            PolicyRule::RequiredApprovals,
            format!(
                "{have} of {} required approvals count",
                ctx.policy.spec().required_approvals
            ),
        ));
    }
    let freeze = ctx.policy.active_freeze(ctx.now);

    match &ctx.bypass {
        Some(request) => {
            let mut rules: Vec<PolicyRule> = violations.iter().map(|v| v.rule).collect();
            if freeze.is_some() {
                rules.push(PolicyRule::FreezeWindows);
            }
            let bypass = (!rules.is_empty()).then(|| Bypass {
                user: request.user,
                reason: request.reason.clone(),
                rules,
                at: ctx.now,
            });
            Ok(ApplyDecision::Deploy { bypass })
        }
        None => {
            if let Some(first) = violations.into_iter().next() {
                return Err(DomainError::Policy(first));
            }
            match freeze {
                Some(window) => Ok(ApplyDecision::Wait { until: window.end }),
                None => Ok(ApplyDecision::Deploy { bypass: None }),
            }
        }
    }
}

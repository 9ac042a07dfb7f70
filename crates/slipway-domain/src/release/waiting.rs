//! Why an open release has not deployed yet: which approvals count, how many are needed, and
//! every reason it waits, read from the same rules [`decide_apply`](super::decide_apply) applies.
//!
//! The answer is for people (a release page, a CLI's status line); what the release does next is
//! still decided only by [`advance`](super::advance).

use chrono::{DateTime, Duration, Utc};

use crate::access::Role;
use crate::policy::PolicyViolation;

use super::{ApplyContext, Approval, Release, ReleaseOrigin, ReleaseState, origin_violations};

/// One reason an open release waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitReason {
    /// Not enough approvals count yet.
    Approvals {
        /// How many more counting approvals are needed.
        missing: u32,
        /// The roles whose approvals count.
        roles: Vec<Role>,
    },
    /// A freeze window is in force; nothing deploys before it ends.
    FreezeWindow {
        /// When the window ends.
        until: DateTime<Utc>,
    },
    /// A promoted version has not been live in the source long enough.
    Soak {
        /// When the last promoted version will have soaked long enough.
        until: DateTime<Utc>,
    },
    /// The quorum is met but the policy does not apply automatically: someone must apply it.
    ExplicitApply,
    /// A rule of the target's current policy refuses where the release comes from (the policy
    /// changed since it was created); only a bypass can deploy it.
    Blocked(PolicyViolation),
    /// The target (or the promotion's source) moved since the release was created: it can
    /// never apply and will be marked superseded.
    Stale,
}

/// Where an open release stands against its target's current policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalStatus {
    /// The approvals that count, in the order given.
    pub counting: Vec<Approval>,
    /// How many counting approvals the policy requires.
    pub required: u32,
    /// The roles whose approvals count.
    pub approver_roles: Vec<Role>,
    /// Why it waits (empty for a closed release, or one that deploys on its next step).
    pub reasons: Vec<WaitReason>,
    /// When it expires, if the policy expires releases.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Where `release` stands under `ctx` (the target's current policy, pointers and roles; the
/// context's bypass is ignored).
pub fn approval_status(release: &Release, ctx: &ApplyContext<'_>) -> ApprovalStatus {
    let policy = ctx.policy;
    let users = release.counting_approvers(policy, ctx.role_of);
    let counting: Vec<Approval> = users
        .iter()
        .filter_map(|u| release.parts().approvals.iter().find(|a| a.user == *u))
        .cloned()
        .collect();
    let required = policy.spec().required_approvals;
    let approver_roles = policy.approver_roles();
    let expires_at = policy.expiry_of(release.parts().created_at);
    let mut reasons = Vec::new();
    if !release.state().is_terminal() {
        if is_stale(release, ctx) {
            reasons.push(WaitReason::Stale);
        }
        let have = u32::try_from(counting.len()).unwrap_or(u32::MAX);
        if have < required {
            reasons.push(WaitReason::Approvals {
                missing: required - have,
                roles: approver_roles.clone(),
            });
        }
        if let Some(until) = soak_until(release, ctx) {
            reasons.push(WaitReason::Soak { until });
        }
        reasons.extend(
            origin_violations(release.origin(), release.changes(), ctx)
                .into_iter()
                .filter(|v| v.rule != crate::policy::PolicyRule::MinSoakSeconds)
                .map(WaitReason::Blocked),
        );
        if let Some(window) = policy.active_freeze(ctx.now) {
            reasons.push(WaitReason::FreezeWindow { until: window.end });
        }
        if release.state() == ReleaseState::Approved && !policy.spec().auto_apply {
            reasons.push(WaitReason::ExplicitApply);
        }
    }
    ApprovalStatus {
        counting,
        required,
        approver_roles,
        reasons,
        expires_at,
    }
}

/// Whether the target or the source no longer matches what the release expects.
fn is_stale(release: &Release, ctx: &ApplyContext<'_>) -> bool {
    let target_moved = release
        .changes()
        .iter()
        .any(|c| ctx.target_pointers.get(&c.resource_id).map(|p| p.version_id) != c.from_version);
    let source_moved = matches!(release.origin(), ReleaseOrigin::Promotion { .. })
        && ctx.source_pointers.is_none_or(|source| {
            release
                .changes()
                .iter()
                .any(|c| source.get(&c.resource_id).map(|p| p.version_id) != c.to_version)
        });
    target_moved || source_moved
}

/// For a promotion under a soak rule: when its least-soaked version will have soaked enough,
/// if that is still ahead.
fn soak_until(release: &Release, ctx: &ApplyContext<'_>) -> Option<DateTime<Utc>> {
    let ReleaseOrigin::Promotion { .. } = release.origin() else {
        return None;
    };
    let needed = i64::try_from(ctx.policy.spec().min_soak_seconds).ok()?;
    if needed == 0 {
        return None;
    }
    let source = ctx.source_pointers?;
    let newest = release
        .changes()
        .iter()
        .filter_map(|c| c.to_version.and(source.get(&c.resource_id)))
        .map(|p| p.since)
        .max()?;
    let until = newest.checked_add_signed(Duration::seconds(needed))?;
    (until > ctx.now).then_some(until)
}

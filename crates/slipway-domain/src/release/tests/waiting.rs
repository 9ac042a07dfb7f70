//! Why a release waits: counting approvals, the needed count and each typed reason.

use super::*;
use crate::policy::{FreezeWindow, PolicyRule};

fn promoted_from(source: EnvironmentId) -> Release {
    new_release(
        ReleaseOrigin::Promotion { source },
        promotion_changes(&pointers(&[(1, 2, 0)]), &pointers(&[(1, 1, -1000)]), None).unwrap(),
        user(1),
    )
}

struct World {
    policy: PromotionPolicy,
    target: BTreeMap<ResourceId, LivePointer>,
    source: BTreeMap<ResourceId, LivePointer>,
    now: i64,
}

impl World {
    fn new(spec: PolicySpec) -> Self {
        Self {
            policy: policy_with(spec),
            target: pointers(&[(1, 1, -1000)]),
            source: pointers(&[(1, 2, 0)]),
            now: 10,
        }
    }

    fn status(&self, release: &Release) -> ApprovalStatus {
        let promotion = matches!(release.origin(), ReleaseOrigin::Promotion { .. });
        approval_status(
            release,
            &ApplyContext {
                now: t(self.now),
                policy: &self.policy,
                target_pointers: &self.target,
                source_pointers: promotion.then_some(&self.source),
                role_of: &role_of,
                bypass: None,
            },
        )
    }
}

#[test]
fn approvals_that_count_and_the_missing_number_with_the_roles() {
    let w = World::new(PolicySpec {
        required_approvals: 2,
        ..Default::default()
    });
    let mut r = promoted_from(env(2));
    // The author (1) and a viewer (5) approve: neither counts; an approver (2) does.
    for u in [1, 5, 2] {
        r.approve(user(u), &w.policy, &role_of, t(1)).unwrap();
    }
    let status = w.status(&r);
    assert_eq!(
        status.counting,
        vec![Approval {
            user: user(2),
            at: t(1)
        }]
    );
    assert_eq!(status.required, 2);
    assert_eq!(status.approver_roles, vec![Role::Owner, Role::Admin, Role::Approver]);
    assert_eq!(
        status.reasons,
        vec![WaitReason::Approvals {
            missing: 1,
            roles: vec![Role::Owner, Role::Admin, Role::Approver],
        }]
    );
}

#[test]
fn freeze_soak_explicit_apply_and_expiry_are_reported() {
    let mut w = World::new(PolicySpec {
        min_soak_seconds: 60,
        freeze_windows: vec![FreezeWindow::new(t(0), t(500), "launch").unwrap()],
        auto_apply: false,
        expires_after_seconds: Some(3600),
        ..Default::default()
    });
    let mut r = promoted_from(env(2));
    r.settle(&w.policy, &role_of, t(1));
    assert_eq!(r.state(), ReleaseState::Approved);
    let status = w.status(&r);
    assert_eq!(
        status.reasons,
        vec![
            WaitReason::Soak { until: t(60) },
            WaitReason::FreezeWindow { until: t(500) },
            WaitReason::ExplicitApply,
        ]
    );
    assert_eq!(status.expires_at, Some(t(3600)));
    w.now = 600;
    assert_eq!(w.status(&r).reasons, vec![WaitReason::ExplicitApply]);
}

#[test]
fn a_revised_policy_that_refuses_the_source_blocks_and_a_moved_target_is_stale() {
    let mut w = World::new(PolicySpec {
        allowed_sources: vec![env(9)],
        ..Default::default()
    });
    let r = promoted_from(env(2));
    let reasons = w.status(&r).reasons;
    assert!(
        matches!(reasons.as_slice(), [WaitReason::Blocked(v)] if v.rule == PolicyRule::AllowedSources),
        "{reasons:?}"
    );
    w.target = pointers(&[(1, 7, 5)]);
    assert_eq!(w.status(&r).reasons.first(), Some(&WaitReason::Stale));
}

#[test]
fn a_closed_release_waits_for_nothing() {
    let w = World::new(PolicySpec {
        required_approvals: 3,
        ..Default::default()
    });
    let mut r = promoted_from(env(2));
    r.reject(user(2), msg("no"), t(2)).unwrap();
    let status = w.status(&r);
    assert!(status.reasons.is_empty());
    assert_eq!(status.required, 3);
}

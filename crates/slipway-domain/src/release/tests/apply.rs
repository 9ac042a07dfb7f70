//! The apply-time decision: expiry, compare-and-swap on target and source, policy rules, freeze
//! windows and bypasses.

use super::*;
use crate::policy::{FreezeWindow, PolicyRule};

/// The staging environment promotions come from.
fn source_env() -> EnvironmentId {
    env(2)
}

/// Another environment, not an allowed source.
fn other_env() -> EnvironmentId {
    env(4)
}

/// The target serves r1@v1 for a long time already.
fn target_now() -> BTreeMap<ResourceId, LivePointer> {
    pointers(&[(1, 1, -1000)])
}

/// The source serves r1@v2 since t(0) and r2@v3 since t(30).
fn source_now() -> BTreeMap<ResourceId, LivePointer> {
    pointers(&[(1, 2, 0), (2, 3, 30)])
}

fn live(v: u128, since: i64) -> LivePointer {
    LivePointer {
        version_id: ver(v),
        since: t(since),
        revision: 7,
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Publish,
    Direct,
    Promotion,
    Rollback,
}

fn make(kind: Kind) -> Release {
    let target = target_now();
    let (origin, changes) = match kind {
        Kind::Publish => (
            ReleaseOrigin::Publish,
            vec![publish_change(&target, res(1), ver(9)).unwrap()],
        ),
        Kind::Direct => (
            ReleaseOrigin::Direct,
            direct_changes(&target, &[(res(2), Some(ver(4)))]).unwrap(),
        ),
        Kind::Promotion => (
            ReleaseOrigin::Promotion { source: source_env() },
            promotion_changes(&source_now(), &target, None).unwrap(),
        ),
        Kind::Rollback => (
            ReleaseOrigin::Rollback {
                deployment: DeploymentId::from_uuid(Uuid::from_u128(50)),
            },
            rollback_changes(&target, &[(res(1), ver(0))].into()).unwrap(),
        ),
    };
    new_release(origin, changes, user(1))
}

#[derive(Debug, PartialEq)]
enum Want {
    Deploy,
    Bypassed(Vec<PolicyRule>),
    Wait(i64),
    Supersede,
    Expire,
    Blocked(PolicyRule),
}

struct Case {
    name: &'static str,
    kind: Kind,
    spec: PolicySpec,
    approvers: &'static [u128],
    now: i64,
    target_moved: bool,
    source_moved: bool,
    bypass: bool,
    want: Want,
}

impl Default for Case {
    fn default() -> Self {
        Self {
            name: "",
            kind: Kind::Publish,
            spec: PolicySpec::default(),
            approvers: &[],
            now: 1,
            target_moved: false,
            source_moved: false,
            bypass: false,
            want: Want::Deploy,
        }
    }
}

fn freeze(start: i64, end: i64) -> Vec<FreezeWindow> {
    vec![FreezeWindow::new(t(start), t(end), "launch").unwrap()]
}

fn run(case: &Case) -> Result<ApplyDecision, DomainError> {
    let policy = policy_with(case.spec.clone());
    let mut release = make(case.kind);
    for approver in case.approvers {
        release.approve(user(*approver), &policy, &role_of, t(1)).unwrap();
    }
    let mut target = target_now();
    if case.target_moved {
        for change in release.changes() {
            target.insert(change.resource_id, live(8, 0));
        }
    }
    let mut source = source_now();
    if case.source_moved {
        source.insert(res(1), live(8, 0));
    }
    let is_promotion = matches!(case.kind, Kind::Promotion);
    let ctx = ApplyContext {
        now: t(case.now),
        policy: &policy,
        target_pointers: &target,
        source_pointers: is_promotion.then_some(&source),
        role_of: &role_of,
        bypass: case.bypass.then(|| BypassRequest {
            user: user(6),
            reason: msg("incident 42"),
        }),
    };
    decide_apply(&release, &ctx)
}

fn outcome(case: &Case, got: Result<ApplyDecision, DomainError>) -> Want {
    match got {
        Ok(ApplyDecision::Deploy { bypass: None }) => Want::Deploy,
        Ok(ApplyDecision::Deploy { bypass: Some(b) }) => {
            assert_eq!(
                (b.user, b.reason.as_str(), b.at),
                (user(6), "incident 42", t(case.now)),
                "{}",
                case.name
            );
            assert!(!b.rules.is_empty(), "{}: a bypass that overrides nothing", case.name);
            Want::Bypassed(b.rules)
        }
        Ok(ApplyDecision::Wait { until }) => Want::Wait((until - t(0)).num_seconds()),
        Ok(ApplyDecision::Supersede { reason }) => {
            assert!(!reason.is_empty(), "{}", case.name);
            Want::Supersede
        }
        Ok(ApplyDecision::Expire) => Want::Expire,
        Err(DomainError::Policy(v)) => Want::Blocked(v.rule),
        Err(e) => panic!("{}: unexpected error {e:?}", case.name),
    }
}

#[test]
fn apply_decisions() {
    let strict = || PolicySpec {
        allow_direct: false,
        required_approvals: 1,
        freeze_windows: freeze(10, 20),
        ..Default::default()
    };
    let cases = vec![
        Case {
            name: "no rules: a publish deploys",
            ..Default::default()
        },
        Case {
            name: "expired when pending",
            spec: PolicySpec {
                expires_after_seconds: Some(60),
                required_approvals: 1,
                ..Default::default()
            },
            now: 60,
            want: Want::Expire,
            ..Default::default()
        },
        Case {
            name: "expired even when approved",
            spec: PolicySpec {
                expires_after_seconds: Some(60),
                required_approvals: 1,
                ..Default::default()
            },
            approvers: &[2],
            now: 61,
            want: Want::Expire,
            ..Default::default()
        },
        Case {
            name: "a bypass does not revive an expired release",
            spec: PolicySpec {
                expires_after_seconds: Some(60),
                ..Default::default()
            },
            now: 600,
            bypass: true,
            want: Want::Expire,
            ..Default::default()
        },
        Case {
            name: "expired beats a moved target",
            spec: PolicySpec {
                expires_after_seconds: Some(60),
                ..Default::default()
            },
            now: 60,
            target_moved: true,
            want: Want::Expire,
            ..Default::default()
        },
        Case {
            name: "just before expiry it deploys",
            spec: PolicySpec {
                expires_after_seconds: Some(60),
                ..Default::default()
            },
            now: 59,
            ..Default::default()
        },
        Case {
            name: "a moved target pointer supersedes",
            target_moved: true,
            want: Want::Supersede,
            ..Default::default()
        },
        Case {
            name: "a moved target supersedes a direct release that adds a pointer",
            kind: Kind::Direct,
            target_moved: true,
            want: Want::Supersede,
            ..Default::default()
        },
        Case {
            name: "a moved target pointer supersedes even with a bypass",
            kind: Kind::Rollback,
            target_moved: true,
            bypass: true,
            want: Want::Supersede,
            ..Default::default()
        },
        Case {
            name: "a moved source pointer supersedes a promotion",
            kind: Kind::Promotion,
            source_moved: true,
            bypass: true,
            want: Want::Supersede,
            ..Default::default()
        },
        Case {
            name: "a moved target supersedes a promotion",
            kind: Kind::Promotion,
            target_moved: true,
            want: Want::Supersede,
            ..Default::default()
        },
        Case {
            name: "allow_direct=false blocks a publish",
            spec: PolicySpec {
                allow_direct: false,
                ..Default::default()
            },
            want: Want::Blocked(PolicyRule::AllowDirect),
            ..Default::default()
        },
        Case {
            name: "allow_direct=false blocks a direct release",
            kind: Kind::Direct,
            spec: PolicySpec {
                allow_direct: false,
                ..Default::default()
            },
            want: Want::Blocked(PolicyRule::AllowDirect),
            ..Default::default()
        },
        Case {
            name: "allow_direct=false lets a rollback through",
            kind: Kind::Rollback,
            spec: PolicySpec {
                allow_direct: false,
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "allow_direct=false lets a promotion through",
            kind: Kind::Promotion,
            spec: PolicySpec {
                allow_direct: false,
                ..Default::default()
            },
            now: 100,
            ..Default::default()
        },
        Case {
            name: "a promotion from an allowed source deploys",
            kind: Kind::Promotion,
            spec: PolicySpec {
                allowed_sources: vec![source_env(), other_env()],
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "a promotion from a source not allowed is blocked",
            kind: Kind::Promotion,
            spec: PolicySpec {
                allowed_sources: vec![other_env()],
                ..Default::default()
            },
            want: Want::Blocked(PolicyRule::AllowedSources),
            ..Default::default()
        },
        Case {
            name: "soak is measured from the source pointer's since (r2 since t(30))",
            kind: Kind::Promotion,
            spec: PolicySpec {
                min_soak_seconds: 100,
                ..Default::default()
            },
            now: 129,
            want: Want::Blocked(PolicyRule::MinSoakSeconds),
            ..Default::default()
        },
        Case {
            name: "soaked long enough",
            kind: Kind::Promotion,
            spec: PolicySpec {
                min_soak_seconds: 100,
                ..Default::default()
            },
            now: 130,
            ..Default::default()
        },
        Case {
            name: "min_soak_seconds=0 never blocks, even if the source moved after `now` by our clock",
            kind: Kind::Promotion,
            now: 29,
            ..Default::default()
        },
        Case {
            name: "min_soak_seconds does not apply to a publish",
            spec: PolicySpec {
                min_soak_seconds: 100,
                ..Default::default()
            },
            ..Default::default()
        },
        Case {
            name: "no approval: quorum missing",
            spec: PolicySpec {
                required_approvals: 2,
                ..Default::default()
            },
            want: Want::Blocked(PolicyRule::RequiredApprovals),
            ..Default::default()
        },
        Case {
            name: "the author's and a viewer's approvals do not make a quorum",
            spec: PolicySpec {
                required_approvals: 2,
                ..Default::default()
            },
            approvers: &[1, 2, 5],
            want: Want::Blocked(PolicyRule::RequiredApprovals),
            ..Default::default()
        },
        Case {
            name: "two approvers make a quorum of two",
            spec: PolicySpec {
                required_approvals: 2,
                ..Default::default()
            },
            approvers: &[1, 2, 4],
            ..Default::default()
        },
        Case {
            name: "an approved release in a freeze window waits until its end",
            spec: PolicySpec {
                required_approvals: 1,
                freeze_windows: freeze(10, 20),
                ..Default::default()
            },
            approvers: &[2],
            now: 15,
            want: Want::Wait(20),
            ..Default::default()
        },
        Case {
            name: "at the end of the freeze window it deploys",
            spec: PolicySpec {
                freeze_windows: freeze(10, 20),
                ..Default::default()
            },
            now: 20,
            ..Default::default()
        },
        Case {
            name: "a blocking rule is reported before a freeze",
            spec: PolicySpec {
                required_approvals: 1,
                freeze_windows: freeze(10, 20),
                ..Default::default()
            },
            now: 15,
            want: Want::Blocked(PolicyRule::RequiredApprovals),
            ..Default::default()
        },
        Case {
            name: "a bypass overrides direct, quorum and freeze and records all three",
            spec: strict(),
            now: 15,
            bypass: true,
            want: Want::Bypassed(vec![
                PolicyRule::AllowDirect,
                PolicyRule::RequiredApprovals,
                PolicyRule::FreezeWindows,
            ]),
            ..Default::default()
        },
        Case {
            name: "a bypass records only the freeze when only the freeze blocks",
            spec: strict(),
            kind: Kind::Rollback,
            approvers: &[3],
            now: 15,
            bypass: true,
            want: Want::Bypassed(vec![PolicyRule::FreezeWindows]),
            ..Default::default()
        },
        Case {
            name: "a bypass records nothing when nothing blocks",
            spec: strict(),
            kind: Kind::Rollback,
            approvers: &[3],
            now: 25,
            bypass: true,
            ..Default::default()
        },
        Case {
            name: "a bypass overrides source and soak on a promotion",
            kind: Kind::Promotion,
            spec: PolicySpec {
                allowed_sources: vec![other_env()],
                min_soak_seconds: 100,
                ..Default::default()
            },
            now: 50,
            bypass: true,
            want: Want::Bypassed(vec![PolicyRule::AllowedSources, PolicyRule::MinSoakSeconds]),
            ..Default::default()
        },
    ];
    for case in &cases {
        let got = outcome(case, run(case));
        assert_eq!(got, case.want, "{}", case.name);
    }
}

#[test]
fn the_policy_is_checked_at_its_current_revision() {
    // Approved under a lenient policy, the release is blocked once the policy grows stricter.
    let lenient = policy(1);
    let mut r = make(Kind::Publish);
    r.approve(user(2), &lenient, &role_of, t(1)).unwrap();
    assert_eq!(r.state(), ReleaseState::Approved);
    let stricter = lenient
        .revise(
            PolicySpec {
                required_approvals: 2,
                ..Default::default()
            },
            target_env(),
        )
        .unwrap();
    let target = target_now();
    let ctx = ApplyContext {
        now: t(2),
        policy: &stricter,
        target_pointers: &target,
        source_pointers: None,
        role_of: &role_of,
        bypass: None,
    };
    assert!(matches!(
        decide_apply(&r, &ctx),
        Err(DomainError::Policy(v)) if v.rule == PolicyRule::RequiredApprovals
    ));
}

//! Every transition from every state, cancellation rights and approval counting.

use super::*;

#[derive(Debug, Clone, Copy)]
enum Action {
    Approve,
    Reject,
    Cancel,
    Supersede,
    Expire,
    MarkDeployed,
}

impl Action {
    const ALL: [Action; 6] = [
        Action::Approve,
        Action::Reject,
        Action::Cancel,
        Action::Supersede,
        Action::Expire,
        Action::MarkDeployed,
    ];

    /// The action named in [`DomainError::InvalidTransition`].
    const fn name(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Cancel => "cancel",
            Action::Supersede => "supersede",
            Action::Expire => "expire",
            Action::MarkDeployed => "deploy",
        }
    }

    /// The state an open release is in after the action (one approval meets a quorum of one).
    const fn leads_to(self) -> ReleaseState {
        match self {
            Action::Approve => ReleaseState::Approved,
            Action::Reject => ReleaseState::Rejected,
            Action::Cancel => ReleaseState::Cancelled,
            Action::Supersede => ReleaseState::Superseded,
            Action::Expire => ReleaseState::Expired,
            Action::MarkDeployed => ReleaseState::Deployed,
        }
    }

    fn run(self, r: &mut Release) -> Result<(), DomainError> {
        let now = t(5);
        match self {
            Action::Approve => r.approve(user(2), &policy(1), &role_of, now).map(|_| ()),
            Action::Reject => r.reject(user(2), msg("not now"), now),
            Action::Cancel => r.cancel(user(1), false, msg("changed my mind"), now),
            Action::Supersede => r.supersede(now),
            Action::Expire => r.expire(now),
            Action::MarkDeployed => r.mark_deployed(DeploymentId::from_uuid(Uuid::from_u128(77)), None, now),
        }
    }
}

/// A release by user 1 restored in `state` (as the store would load it).
fn in_state(state: ReleaseState) -> Release {
    let mut parts = release(user(1)).parts().clone();
    parts.state = state;
    Release::restore(parts)
}

#[test]
fn every_action_from_every_state() {
    for state in ReleaseState::ALL {
        for action in Action::ALL {
            let mut r = in_state(state);
            let before = r.clone();
            let result = action.run(&mut r);
            if state.is_terminal() {
                assert_eq!(
                    result,
                    Err(DomainError::InvalidTransition {
                        state,
                        action: action.name()
                    }),
                    "{action:?} from {state}"
                );
                assert_eq!(r, before, "a refused {action:?} from {state} changes nothing");
            } else {
                assert_eq!(result, Ok(()), "{action:?} from {state}");
                assert_eq!(r.state(), action.leads_to(), "{action:?} from {state}");
                assert_eq!(r.parts().updated_at, t(5), "{action:?} from {state}");
                assert_eq!(r.changes(), before.changes(), "a release's changes never change");
            }
        }
    }
}

#[test]
fn transitions_record_who_and_why() {
    let mut r = in_state(ReleaseState::Pending);
    Action::Reject.run(&mut r).unwrap();
    let decision = r.parts().decision.clone().unwrap();
    assert_eq!((decision.user, decision.reason.as_str()), (user(2), "not now"));

    let mut r = in_state(ReleaseState::Approved);
    Action::MarkDeployed.run(&mut r).unwrap();
    assert_eq!(
        r.parts().deployment_id,
        Some(DeploymentId::from_uuid(Uuid::from_u128(77)))
    );
    assert_eq!(r.parts().bypass, None);
}

#[test]
fn closed_releases_cannot_be_applied_even_with_a_bypass() {
    let target = pointers(&[]);
    for state in ReleaseState::ALL.into_iter().filter(|s| s.is_terminal()) {
        for bypass in [
            None,
            Some(BypassRequest {
                user: user(6),
                reason: msg("hotfix"),
            }),
        ] {
            let r = in_state(state);
            let ctx = ApplyContext {
                now: t(1),
                policy: &policy(0),
                target_pointers: &target,
                source_pointers: None,
                role_of: &role_of,
                bypass,
            };
            assert_eq!(
                decide_apply(&r, &ctx),
                Err(DomainError::InvalidTransition { state, action: "apply" })
            );
        }
    }
}

#[test]
fn only_the_author_or_an_admin_may_cancel() {
    for (who, is_admin, allowed) in [
        (user(1), false, true),
        (user(4), true, true),
        (user(2), false, false),
        (user(7), false, false),
    ] {
        for state in [ReleaseState::Pending, ReleaseState::Approved] {
            let mut r = in_state(state);
            let before = r.clone();
            let result = r.cancel(who, is_admin, msg("no"), t(1));
            if allowed {
                assert_eq!(result, Ok(()));
                assert_eq!(r.state(), ReleaseState::Cancelled);
                assert_eq!(r.parts().decision.as_ref().map(|d| d.user), Some(who));
            } else {
                assert!(matches!(result, Err(DomainError::Forbidden(_))), "{who} {state}");
                assert_eq!(r, before);
            }
        }
    }
}

#[test]
fn approver_roles_decide_whose_approval_counts() {
    let admins_only = policy_with(PolicySpec {
        required_approvals: 1,
        approver_roles: vec![Role::Admin],
        ..Default::default()
    });
    let mut r = release(user(1));
    let approver = r.approve(user(2), &admins_only, &role_of, t(1)).unwrap();
    assert!(!approver.counted && !approver.reached_quorum);
    let owner = r.approve(user(6), &admins_only, &role_of, t(2)).unwrap();
    assert!(!owner.counted, "an owner is not an admin for approver_roles");
    assert_eq!(r.state(), ReleaseState::Pending);
    let admin = r.approve(user(4), &admins_only, &role_of, t(3)).unwrap();
    assert!(admin.counted && admin.reached_quorum);
    assert_eq!((admin.count, admin.required), (1, 1));
    assert_eq!(r.state(), ReleaseState::Approved);
    assert_eq!(r.counting_approvers(&admins_only, &role_of), vec![user(4)]);

    // A role that lacks release:approve can never be an approver role: the policy refuses it.
    let developers = PromotionPolicy::from_spec(
        1,
        PolicySpec {
            required_approvals: 1,
            approver_roles: vec![Role::Developer],
            ..Default::default()
        },
        target_env(),
    );
    assert!(matches!(developers, Err(e) if e.field() == "approver_roles"));

    // By default the roles holding release:approve count, a developer's or viewer's does not.
    let default = policy(1);
    let mut r = release(user(1));
    for (u, counts) in [(user(7), false), (user(5), false), (user(99), false), (user(6), true)] {
        assert_eq!(r.approve(u, &default, &role_of, t(1)).unwrap().counted, counts, "{u}");
    }
}

#[test]
fn the_author_counts_when_self_approval_is_allowed() {
    let spec = PolicySpec {
        required_approvals: 1,
        prevent_self_approval: false,
        ..Default::default()
    };
    let mut r = release(user(4));
    assert!(
        r.approve(user(4), &policy_with(spec), &role_of, t(1))
            .unwrap()
            .reached_quorum
    );
    let mut r = release(user(4));
    assert!(!r.approve(user(4), &policy(1), &role_of, t(1)).unwrap().counted);
}

#[test]
fn no_required_approvals_settles_at_once() {
    let mut r = release(user(1));
    assert_eq!(r.state(), ReleaseState::Pending);
    assert!(r.settle(&policy(0), &role_of, t(9)));
    assert_eq!(r.state(), ReleaseState::Approved);
    assert_eq!(r.parts().updated_at, t(9));
    let mut r = release(user(1));
    assert!(!r.settle(&policy(1), &role_of, t(9)));
    assert_eq!(r.state(), ReleaseState::Pending);
}

#[test]
fn settling_never_reopens_a_closed_release() {
    for state in ReleaseState::ALL.into_iter().filter(|s| s.is_terminal()) {
        let mut r = in_state(state);
        r.settle(&policy(0), &role_of, t(1));
        assert_eq!(r.state(), state);
    }
}

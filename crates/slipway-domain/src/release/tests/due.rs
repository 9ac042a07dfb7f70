//! When a release is next due for a re-check: its expiry, the end of a freeze window holding an
//! approved release, nothing for a closed one — and, as a property, no decision ever changes
//! with time alone before the moment named.

use super::*;
use crate::policy::FreezeWindow;
use proptest::prelude::*;

fn in_state(state: ReleaseState) -> Release {
    let mut parts = release(user(1)).parts().clone();
    parts.state = state;
    Release::restore(parts)
}

fn policy_of(expires_after: Option<u64>, freezes: &[(i64, i64)]) -> PromotionPolicy {
    policy_with(PolicySpec {
        required_approvals: 1,
        expires_after_seconds: expires_after,
        freeze_windows: freezes
            .iter()
            .map(|&(start, end)| FreezeWindow::new(t(start), t(end), "freeze").unwrap())
            .collect(),
        ..Default::default()
    })
}

#[test]
fn closed_releases_are_never_due() {
    let p = policy_of(Some(60), &[(0, 100)]);
    for state in ReleaseState::ALL.into_iter().filter(|s| s.is_terminal()) {
        assert_eq!(in_state(state).recheck_due(&p, t(10)), None, "{state}");
    }
}

#[test]
fn an_open_release_is_due_at_its_expiry() {
    let p = policy_of(Some(60), &[]);
    for state in [ReleaseState::Pending, ReleaseState::Approved] {
        assert_eq!(in_state(state).recheck_due(&p, t(10)), Some(t(60)), "{state}");
        assert_eq!(in_state(state).recheck_due(&p, t(90)), Some(t(60)), "past: due now");
    }
    assert_eq!(
        in_state(ReleaseState::Pending).recheck_due(&policy_of(None, &[]), t(10)),
        None
    );
}

#[test]
fn an_approved_release_in_a_freeze_is_due_when_the_window_ends() {
    let p = policy_of(None, &[(0, 100), (300, 400)]);
    let approved = in_state(ReleaseState::Approved);
    assert_eq!(approved.recheck_due(&p, t(50)), Some(t(100)));
    assert_eq!(approved.recheck_due(&p, t(200)), None, "between windows nothing waits");
    assert_eq!(approved.recheck_due(&p, t(350)), Some(t(400)));
    assert_eq!(
        in_state(ReleaseState::Pending).recheck_due(&p, t(50)),
        None,
        "a pending release waits for approvals, not for the thaw"
    );
    let both = policy_of(Some(70), &[(0, 100)]);
    assert_eq!(
        approved.recheck_due(&both, t(50)),
        Some(t(70)),
        "the earlier of the two"
    );
}

/// What applying would decide at `now`, as a comparable value.
fn decision_at(r: &Release, p: &PromotionPolicy, now: i64) -> String {
    let target = BTreeMap::new();
    let ctx = ApplyContext {
        now: t(now),
        policy: p,
        target_pointers: &target,
        source_pointers: None,
        role_of: &role_of,
        bypass: None,
    };
    format!("{:?}", decide_apply(r, &ctx))
}

proptest! {
    /// Between a re-check at `now` and the due moment it names, the apply decision does not
    /// change: skipping the release until then misses nothing.
    #[test]
    fn nothing_changes_before_the_due_moment(
        approved in any::<bool>(),
        expires in proptest::option::of(1u64..500),
        windows in proptest::collection::vec((0i64..400, 1i64..200), 0..3),
        now in 0i64..600,
        later in 1i64..600,
    ) {
        let windows: Vec<(i64, i64)> = windows.into_iter().map(|(s, len)| (s, s + len)).collect();
        let p = policy_of(expires, &windows);
        let mut r = release(user(1));
        if approved {
            r.approve(user(2), &p, &role_of, t(0)).unwrap();
        }
        let due = r.recheck_due(&p, t(now));
        let then = now + later;
        if due.is_none_or(|d| t(then) < d) {
            let before = decision_at(&r, &p, now);
            let after = decision_at(&r, &p, then);
            // A freeze window's end is named only for the window in force; a release waiting
            // between windows may meet a later window, which makes it wait, never deploy.
            let waits_again = after.contains("Wait");
            prop_assert!(before == after || waits_again, "{before} → {after} at {then}, due {due:?}");
        }
    }
}

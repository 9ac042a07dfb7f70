//! Promotion-policy input: a spec is accepted exactly when every rule holds, an accepted policy
//! is in canonical form (validating its own spec again gives it back), and freeze windows follow
//! the time and text rules.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use slipway_domain::policy::{FreezeWindow, PolicySpec, PromotionPolicy};
use slipway_domain::text::charset::{self, Lines};
use slipway_domain::{EnvironmentId, Permission, Role};
use uuid::Uuid;

use crate::support::{around_limit, config};

/// One year and a day, the longest soak or expiry a policy accepts.
const MAX_SECONDS: u64 = 366 * 24 * 3600;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0).single().unwrap() + Duration::seconds(seconds)
}

fn own() -> EnvironmentId {
    EnvironmentId::from_uuid(Uuid::from_u128(1))
}

fn window() -> impl Strategy<Value = FreezeWindow> {
    (-100i64..100, 1i64..100, "[a-z ]{0,10}")
        .prop_map(|(start, length, reason)| FreezeWindow::new(at(start), at(start + length), &reason).unwrap())
}

fn seconds() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..10, (MAX_SECONDS - 2)..(MAX_SECONDS + 3), any::<u64>()]
}

fn spec() -> impl Strategy<Value = PolicySpec> {
    (
        prop::collection::vec(
            (1u128..6).prop_map(|n| EnvironmentId::from_uuid(Uuid::from_u128(n))),
            0..5,
        ),
        any::<bool>(),
        prop_oneof![0u32..12, any::<u32>()],
        prop::collection::vec(prop::sample::select(&Role::ALL[..]), 0..6),
        any::<bool>(),
        seconds(),
        prop_oneof![4 => prop::collection::vec(window(), 0..4), 1 => prop::collection::vec(window(), 99..102)],
        any::<bool>(),
        prop::option::of(seconds()),
    )
        .prop_map(
            |(
                allowed_sources,
                allow_direct,
                required_approvals,
                approver_roles,
                prevent_self_approval,
                min_soak_seconds,
                freeze_windows,
                auto_apply,
                expires_after_seconds,
            )| PolicySpec {
                allowed_sources,
                allow_direct,
                required_approvals,
                approver_roles,
                prevent_self_approval,
                min_soak_seconds,
                freeze_windows,
                auto_apply,
                expires_after_seconds,
            },
        )
}

fn holds(spec: &PolicySpec) -> bool {
    spec.approver_roles
        .iter()
        .all(|r| r.permits(Permission::ReleaseApprove))
        && spec.required_approvals <= 10
        && !spec.allowed_sources.contains(&own())
        && spec.min_soak_seconds <= MAX_SECONDS
        && spec
            .expires_after_seconds
            .is_none_or(|s| (1..=MAX_SECONDS).contains(&s))
        && spec.freeze_windows.len() <= 100
}

const FIELDS: &[&str] = &[
    "approver_roles",
    "required_approvals",
    "allowed_sources",
    "min_soak_seconds",
    "expires_after_seconds",
    "freeze_windows",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn specs_are_accepted_exactly_when_every_rule_holds(spec in spec(), revision in any::<u32>()) {
        match PromotionPolicy::from_spec(revision, spec.clone(), own()) {
            Ok(policy) => {
                prop_assert!(holds(&spec), "{:?}", spec);
                prop_assert_eq!(policy.revision(), revision);
                let again = PromotionPolicy::from_spec(revision, policy.spec().clone(), own());
                prop_assert_eq!(again.as_ref(), Ok(&policy));
                let s = policy.spec();
                prop_assert!(s.allowed_sources.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(s.approver_roles.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(s.freeze_windows.windows(2).all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end)));
                prop_assert_eq!(s.freeze_windows.len(), spec.freeze_windows.len());
                let revised = policy.revise(spec.clone(), own()).unwrap();
                prop_assert_eq!(revised.revision(), revision.saturating_add(1));
            }
            Err(e) => {
                prop_assert!(!holds(&spec), "{:?}: {}", spec, e);
                prop_assert!(FIELDS.contains(&e.field()), "{}", e);
            }
        }
    }

    #[test]
    fn freeze_windows_follow_the_time_and_text_rules(
        start in -1000i64..1000,
        length in -5i64..5,
        reason in around_limit(FreezeWindow::MAX_REASON_CHARS),
    ) {
        let kept = reason.replace("\r\n", "\n");
        let expected = length > 0
            && kept.chars().count() <= FreezeWindow::MAX_REASON_CHARS
            && kept.chars().all(|c| charset::refusal(c, Lines::Multi).is_none());
        match FreezeWindow::new(at(start), at(start + length), &reason) {
            Ok(window) => {
                prop_assert!(expected, "{:?}", reason);
                prop_assert_eq!(window.reason.as_str(), kept.trim());
                prop_assert!(window.contains(at(start)) && !window.contains(at(start + length)));
                let again = FreezeWindow::new(window.start, window.end, &window.reason);
                prop_assert_eq!(again.as_ref(), Ok(&window));
                let stored = FreezeWindow::from_stored(window.start, window.end, &window.reason);
                prop_assert_eq!(stored.as_ref(), Ok(&window));
            }
            Err(e) => {
                prop_assert!(!expected, "{:?}: {}", reason, e);
                prop_assert!(e.field().starts_with("freeze_windows"), "{}", e);
            }
        }
    }
}

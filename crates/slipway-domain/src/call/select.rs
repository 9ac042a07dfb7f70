//! Route selection: the first route whose conditions all hold, a weighted choice among its
//! targets (driven by a roll the caller supplies, or pinned by the rule's sticky attribute), and
//! the resulting attempt plan.

use sha2::{Digest, Sha256};

use super::attributes::RequestAttributes;
use super::plan::CallPlan;
use crate::content::{MatchCondition, Route, RouteTarget, RoutingRuleContent};

fn holds(condition: &MatchCondition, attrs: &RequestAttributes) -> bool {
    match condition {
        MatchCondition::Eq { field, value } => attrs.get(field) == Some(value.as_str()),
        // An attribute the request lacks differs from every value.
        MatchCondition::Neq { field, value } => attrs.get(field) != Some(value.as_str()),
        MatchCondition::In { field, values } => attrs.get(field).is_some_and(|v| values.iter().any(|x| x == v)),
        MatchCondition::Prefix { field, value } => attrs.get(field).is_some_and(|v| v.starts_with(value.as_str())),
    }
}

/// The first route, in order, whose conditions all hold (a route without conditions matches
/// everything); `None` when no route matches.
pub fn match_route<'a>(rule: &'a RoutingRuleContent, attrs: &RequestAttributes) -> Option<&'a Route> {
    rule.routes
        .iter()
        .find(|route| route.conditions.iter().all(|c| holds(c, attrs)))
}

/// The target a roll picks: each target owns a share of `0..sum(weights)` proportional to its
/// weight, in order, and the roll (taken modulo the sum) falls in exactly one share. `None` only
/// for an empty list.
pub fn choose_weighted(targets: &[RouteTarget], roll: u64) -> Option<usize> {
    let total: u64 = targets.iter().map(|t| u64::from(t.weight)).sum();
    if total == 0 {
        return None;
    }
    let mut point = roll % total;
    for (i, target) in targets.iter().enumerate() {
        let weight = u64::from(target.weight);
        if point < weight {
            return Some(i);
        }
        point -= weight;
    }
    None
}

/// The roll a sticky value pins: the same value always gives the same roll.
pub fn sticky_roll(value: &str) -> u64 {
    let digest = Sha256::digest(value.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

/// The plan for a request through a routing rule: the matched route, the weighted target (the
/// rule's sticky attribute, when the request carries it, pins the choice; else `random_roll`
/// decides), its retries, then the route's fallbacks in order. `None` when no route matches.
pub fn plan_for_rule(rule: &RoutingRuleContent, attrs: &RequestAttributes, random_roll: u64) -> Option<CallPlan> {
    let route = match_route(rule, attrs)?;
    let roll = rule
        .sticky
        .as_deref()
        .and_then(|field| attrs.get(field))
        .map_or(random_roll, sticky_roll);
    let chosen = choose_weighted(&route.targets, roll)?;
    Some(CallPlan::through_route(route, chosen))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn target(provider: &str, weight: u32) -> RouteTarget {
        RouteTarget {
            provider: provider.into(),
            model: "m".into(),
            weight,
        }
    }

    fn route(name: &str, conditions: Vec<MatchCondition>) -> Route {
        Route {
            name: name.into(),
            conditions,
            targets: vec![target("a", 1)],
            fallbacks: vec![],
            timeout_ms: 1000,
            retries: 0,
        }
    }

    fn attrs(metadata: &[(&str, &str)]) -> RequestAttributes {
        RequestAttributes {
            model: "gpt-4o".into(),
            user: None,
            metadata: metadata
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn conditions_are_checked_against_the_request() {
        let cases = [
            (
                MatchCondition::Eq {
                    field: "metadata.tier".into(),
                    value: "gold".into(),
                },
                true,
            ),
            (
                MatchCondition::Neq {
                    field: "metadata.tier".into(),
                    value: "gold".into(),
                },
                false,
            ),
            (
                MatchCondition::Neq {
                    field: "metadata.absent".into(),
                    value: "gold".into(),
                },
                true,
            ),
            (
                MatchCondition::In {
                    field: "model".into(),
                    values: vec!["x".into(), "gpt-4o".into()],
                },
                true,
            ),
            (
                MatchCondition::Prefix {
                    field: "model".into(),
                    value: "gpt-".into(),
                },
                true,
            ),
            (
                MatchCondition::Eq {
                    field: "user".into(),
                    value: "u".into(),
                },
                false,
            ),
        ];
        for (condition, expected) in cases {
            assert_eq!(
                holds(&condition, &attrs(&[("tier", "gold")])),
                expected,
                "{condition:?}"
            );
        }
    }

    #[test]
    fn the_first_matching_route_wins() {
        let gold = MatchCondition::Eq {
            field: "metadata.tier".into(),
            value: "gold".into(),
        };
        let rule = RoutingRuleContent {
            routes: vec![route("premium", vec![gold]), route("default", vec![])],
            sticky: None,
        };
        assert_eq!(match_route(&rule, &attrs(&[("tier", "gold")])).unwrap().name, "premium");
        assert_eq!(match_route(&rule, &attrs(&[])).unwrap().name, "default");
        let only_premium = RoutingRuleContent {
            routes: vec![rule.routes[0].clone()],
            sticky: None,
        };
        assert!(plan_for_rule(&only_premium, &attrs(&[]), 0).is_none());
    }

    #[test]
    fn weights_split_the_roll_range() {
        let targets = [target("a", 1), target("b", 3)];
        let picks: Vec<usize> = (0..8).map(|roll| choose_weighted(&targets, roll).unwrap()).collect();
        assert_eq!(picks, vec![0, 1, 1, 1, 0, 1, 1, 1]);
        assert_eq!(choose_weighted(&[], 5), None);
    }

    #[test]
    fn a_sticky_value_pins_the_target() {
        let mut r = route("default", vec![]);
        r.targets = (0..10).map(|i| target(&format!("p{i}"), 1)).collect();
        let rule = RoutingRuleContent {
            routes: vec![r],
            sticky: Some("metadata.session".into()),
        };
        let session = attrs(&[("session", "s-42")]);
        let first = plan_for_rule(&rule, &session, 0).unwrap().attempts[0].target.clone();
        for roll in 1..50 {
            assert_eq!(plan_for_rule(&rule, &session, roll).unwrap().attempts[0].target, first);
        }
        let spread: std::collections::BTreeSet<String> = (0..50)
            .map(|roll| {
                plan_for_rule(&rule, &attrs(&[]), roll).unwrap().attempts[0]
                    .target
                    .provider
                    .clone()
            })
            .collect();
        assert!(spread.len() > 1, "without the sticky attribute the roll decides");
    }
}

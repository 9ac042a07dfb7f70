//! Routing-rule content: valid rules are accepted and round-trip; random ones are accepted only
//! when every rule holds (unique trimmed names, a catch-all only last, targets and numbers in
//! range, well-formed match conditions).

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Value, json};
use slipway_domain::content::{Content, MatchCondition, RouteTarget, RoutingRuleContent};
use slipway_domain::resource::{ResourceKey, ResourceKind};

use crate::support::{assert_content_round_trips, config, hostile_string, mutated};

fn valid_target() -> impl Strategy<Value = Value> {
    ("[a-z0-9][a-z0-9._/-]{0,20}", "[a-z0-9][a-z0-9.:-]{0,30}", 1u32..=10_000)
        .prop_map(|(provider, model, weight)| json!({"provider": provider, "model": model, "weight": weight}))
}

fn valid_condition() -> impl Strategy<Value = Value> {
    let field = "[a-z][a-z0-9._-]{0,20}";
    prop_oneof![
        (field, hostile_string(10)).prop_map(|(f, v)| json!({"op": "eq", "field": f, "value": v})),
        (field, hostile_string(10)).prop_map(|(f, v)| json!({"op": "neq", "field": f, "value": v})),
        (field, hostile_string(10)).prop_map(|(f, v)| json!({"op": "prefix", "field": f, "value": v})),
        (field, prop::collection::vec(hostile_string(6), 1..5))
            .prop_map(|(f, v)| json!({"op": "in", "field": f, "values": v})),
    ]
}

/// A rule that breaks nothing: routes `r0`, `r1`, … each with conditions but the last.
fn valid_rule() -> impl Strategy<Value = Value> {
    let route = (
        prop::collection::vec(valid_condition(), 1..4),
        prop::collection::vec(valid_target(), 1..4),
        prop::collection::vec(valid_target(), 0..3),
        prop::option::of(1u32..=600_000),
        0u8..=10,
    );
    (prop::collection::vec(route, 1..5), any::<bool>()).prop_map(|(routes, catch_all)| {
        let last = routes.len() - 1;
        let routes: Vec<Value> = routes
            .into_iter()
            .enumerate()
            .map(|(i, (conditions, targets, fallbacks, timeout, retries))| {
                let mut route = json!({
                    "name": format!("r{i}"),
                    "match": if catch_all && i == last { json!([]) } else { json!(conditions) },
                    "targets": targets,
                    "fallbacks": fallbacks,
                    "retries": retries,
                });
                if let Some(timeout) = timeout {
                    route["timeout_ms"] = json!(timeout);
                }
                route
            })
            .collect();
        json!({"routes": routes})
    })
}

/// Valid rules with a few nodes replaced by values at or past a limit, or keys removed.
fn noisy_rule() -> impl Strategy<Value = Value> {
    mutated(valid_rule())
}

fn target_holds(target: &RouteTarget, weighted: bool) -> bool {
    ResourceKey::parse(&target.provider).is_ok()
        && !target.model.trim().is_empty()
        && target.model.trim().len() <= 128
        && (!weighted || (1..=10_000).contains(&target.weight))
}

fn condition_holds(condition: &MatchCondition) -> bool {
    let (field, values): (&String, Vec<&String>) = match condition {
        MatchCondition::Eq { field, value }
        | MatchCondition::Neq { field, value }
        | MatchCondition::Prefix { field, value } => (field, vec![value]),
        MatchCondition::In { field, values } => (field, values.iter().collect()),
    };
    !field.is_empty()
        && field.len() <= 128
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && (1..=100).contains(&values.len())
        && values.iter().all(|v| v.len() <= 1024)
}

/// Every rule of an accepted routing rule, restated over the parsed value.
fn assert_routing_rules(rule: &RoutingRuleContent) -> Result<(), TestCaseError> {
    prop_assert!((1..=100).contains(&rule.routes.len()));
    let names: BTreeSet<&str> = rule.routes.iter().map(|r| r.name.as_str()).collect();
    prop_assert_eq!(names.len(), rule.routes.len());
    for (i, route) in rule.routes.iter().enumerate() {
        prop_assert!(!route.name.is_empty() && route.name.trim() == route.name && route.name.chars().count() <= 64);
        prop_assert!(
            !route.conditions.is_empty() || i + 1 == rule.routes.len(),
            "catch-all not last"
        );
        prop_assert!(route.conditions.iter().all(condition_holds));
        prop_assert!((1..=32).contains(&route.targets.len()) && route.fallbacks.len() <= 32);
        prop_assert!(route.targets.iter().all(|t| target_holds(t, true)));
        prop_assert!(route.fallbacks.iter().all(|t| target_holds(t, false)));
        prop_assert!((1..=600_000).contains(&route.timeout_ms));
        prop_assert!(route.retries <= 10);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn valid_rules_are_accepted_and_round_trip(value in valid_rule()) {
        let content = Content::parse(ResourceKind::RoutingRule, value.clone());
        prop_assert!(content.is_ok(), "{}: {:?}", value, content);
        let content = content.unwrap();
        let Content::RoutingRule(rule) = &content else { panic!("a routing rule") };
        assert_routing_rules(rule)?;
        assert_content_round_trips(&content, ResourceKind::RoutingRule)?;
    }

    #[test]
    fn noisy_rules_are_accepted_only_when_every_rule_holds(value in noisy_rule()) {
        match Content::parse(ResourceKind::RoutingRule, value) {
            Ok(content) => {
                let Content::RoutingRule(rule) = &content else { panic!("a routing rule") };
                assert_routing_rules(rule)?;
                assert_content_round_trips(&content, ResourceKind::RoutingRule)?;
            }
            Err(e) => prop_assert!(e.field().starts_with("content"), "{}", e),
        }
    }
}

//! Gateway call rules over random rules and requests: the first route whose conditions all hold
//! is the one chosen, weighted choice gives each target exactly its share of the roll range, a
//! sticky value pins the target whatever the roll, the attempt plan is the chosen target's tries
//! then each fallback's in order, and rendering fills every placeholder exactly once.

use std::collections::BTreeMap;

use proptest::prelude::*;
use slipway_domain::call::{RequestAttributes, choose_weighted, match_route, plan_for_rule, render_messages};
use slipway_domain::content::{
    MatchCondition, MessageRole, PromptContent, PromptMessage, PromptParameters, Route, RouteTarget, RoutingRuleContent,
};

fn target() -> impl Strategy<Value = RouteTarget> {
    ("[a-c]", 1u32..=20).prop_map(|(provider, weight)| RouteTarget {
        provider,
        model: "m".into(),
        weight,
    })
}

fn condition() -> impl Strategy<Value = MatchCondition> {
    let field = prop_oneof![
        Just("metadata.tier".to_owned()),
        Just("user".to_owned()),
        Just("model".to_owned())
    ];
    let value = "[ab]{1,2}";
    prop_oneof![
        (field.clone(), value).prop_map(|(field, value)| MatchCondition::Eq { field, value }),
        (field.clone(), value).prop_map(|(field, value)| MatchCondition::Neq { field, value }),
        (field.clone(), value).prop_map(|(field, value)| MatchCondition::Prefix { field, value }),
        (field, prop::collection::vec(value, 1..3)).prop_map(|(field, values)| MatchCondition::In { field, values }),
    ]
}

fn rule() -> impl Strategy<Value = RoutingRuleContent> {
    let route = (
        prop::collection::vec(condition(), 0..3),
        prop::collection::vec(target(), 1..4),
        prop::collection::vec(target(), 0..3),
        0u8..3,
    );
    (prop::collection::vec(route, 1..5), any::<bool>()).prop_map(|(routes, sticky)| RoutingRuleContent {
        routes: routes
            .into_iter()
            .enumerate()
            .map(|(i, (conditions, targets, fallbacks, retries))| Route {
                name: format!("r{i}"),
                conditions,
                targets,
                fallbacks,
                timeout_ms: 1000,
                retries,
            })
            .collect(),
        sticky: sticky.then(|| "metadata.session".to_owned()),
    })
}

fn request() -> impl Strategy<Value = RequestAttributes> {
    (
        "[ab]{1,3}",
        prop::option::of("[ab]{1,2}"),
        prop::option::of("[ab]{1,2}"),
        prop::option::of("[a-z]{1,4}"),
    )
        .prop_map(|(model, user, tier, session)| RequestAttributes {
            model,
            user,
            metadata: tier
                .map(|t| ("tier".to_owned(), t))
                .into_iter()
                .chain(session.map(|s| ("session".to_owned(), s)))
                .collect(),
        })
}

/// The model of a condition, written independently of the implementation.
fn holds(condition: &MatchCondition, attrs: &RequestAttributes) -> bool {
    let get = |field: &str| match field {
        "model" => Some(attrs.model.clone()),
        "user" => attrs.user.clone(),
        other => attrs.metadata.get(other.trim_start_matches("metadata.")).cloned(),
    };
    match condition {
        MatchCondition::Eq { field, value } => get(field).as_ref() == Some(value),
        MatchCondition::Neq { field, value } => get(field).as_ref() != Some(value),
        MatchCondition::In { field, values } => get(field).is_some_and(|v| values.contains(&v)),
        MatchCondition::Prefix { field, value } => get(field).is_some_and(|v| v.starts_with(value)),
    }
}

proptest! {
    #[test]
    fn the_first_route_whose_conditions_all_hold_is_chosen(rule in rule(), attrs in request()) {
        let expected = rule.routes.iter().position(|r| r.conditions.iter().all(|c| holds(c, &attrs)));
        let got = match_route(&rule, &attrs).map(|r| r.name.clone());
        prop_assert_eq!(got, expected.map(|i| format!("r{i}")));
    }

    #[test]
    fn each_target_owns_exactly_its_weight_of_the_roll_range(
        targets in prop::collection::vec(target(), 1..6),
        offset in 0u64..1_000,
    ) {
        let total: u64 = targets.iter().map(|t| u64::from(t.weight)).sum();
        let mut counts = vec![0u64; targets.len()];
        for roll in 0..total {
            counts[choose_weighted(&targets, offset * total + roll).unwrap()] += 1;
        }
        let weights: Vec<u64> = targets.iter().map(|t| u64::from(t.weight)).collect();
        prop_assert_eq!(counts, weights);
    }

    #[test]
    fn the_plan_is_the_chosen_target_then_each_fallback_with_their_retries(
        rule in rule(),
        attrs in request(),
        roll in any::<u64>(),
    ) {
        let Some(route) = match_route(&rule, &attrs) else {
            prop_assert!(plan_for_rule(&rule, &attrs, roll).is_none());
            return Ok(());
        };
        let plan = plan_for_rule(&rule, &attrs, roll).unwrap();
        let tries = usize::from(route.retries) + 1;
        prop_assert_eq!(plan.attempts.len(), tries * (1 + route.fallbacks.len()));
        prop_assert!(route.targets.contains(&plan.attempts[0].target));
        for (i, attempt) in plan.attempts.iter().enumerate() {
            prop_assert_eq!(usize::from(attempt.retry), i % tries);
            prop_assert_eq!(&attempt.target, &plan.attempts[i - i % tries].target);
            prop_assert_eq!(attempt.fallback, i >= tries);
            if i >= tries {
                prop_assert_eq!(&attempt.target, &route.fallbacks[i / tries - 1]);
            }
        }
    }

    #[test]
    fn a_sticky_value_gives_the_same_plan_whatever_the_roll(
        rule in rule(),
        attrs in request(),
        a in any::<u64>(),
        b in any::<u64>(),
    ) {
        prop_assume!(rule.sticky.is_some() && attrs.metadata.contains_key("session"));
        prop_assert_eq!(plan_for_rule(&rule, &attrs, a), plan_for_rule(&rule, &attrs, b));
    }

    #[test]
    fn rendering_fills_every_placeholder_with_its_input_once(
        pieces in prop::collection::vec(("[a-z {}]{0,8}", prop::sample::select(vec!["x", "y"])), 1..6),
        x in "[a-z{} ]{0,8}",
        y in "[a-z{} ]{0,8}",
    ) {
        // Literal text never holds a placeholder of its own: braces appear only one at a time.
        let pieces: Vec<(String, &str)> = pieces
            .into_iter()
            .map(|(text, var)| (text.replace("{{", "{").replace("}}", "}").replace("{}", "{ }"), var))
            .filter(|(text, _)| !text.ends_with('{') && !text.starts_with('}'))
            .collect();
        prop_assume!(!pieces.is_empty());
        let template: String = pieces.iter().map(|(text, var)| format!("{text}{{{{{var}}}}}")).collect();
        let expected: String = pieces
            .iter()
            .map(|(text, var)| format!("{text}{}", if *var == "x" { &x } else { &y }))
            .collect();
        let prompt = PromptContent {
            model: "m".into(),
            messages: vec![PromptMessage { role: MessageRole::User, content: template }],
            parameters: PromptParameters::default(),
            variables: vec!["x".into(), "y".into()],
            routing_rule: None,
        };
        let inputs = BTreeMap::from([("x".to_owned(), x.clone()), ("y".to_owned(), y.clone())]);
        let rendered = render_messages(&prompt, &inputs).unwrap();
        prop_assert_eq!(&rendered[0].content, &expected);
    }
}

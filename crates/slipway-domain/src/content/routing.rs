//! Routing-rule content: ordered routes, each with match conditions, weighted targets,
//! fallbacks, a timeout and a retry count. Versions of a routing rule are called releases in the
//! product's vocabulary.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::resource::ResourceKey;

/// One condition a request must meet for a route to match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum MatchCondition {
    /// The request attribute equals `value`.
    Eq {
        /// Request attribute, such as `metadata.tier` or `user.country`.
        field: String,
        /// The value the attribute must equal.
        value: String,
    },
    /// The request attribute differs from `value`.
    Neq {
        /// The request attribute compared (for example `metadata.tier`).
        field: String,
        /// Value it must not have.
        value: String,
    },
    /// The request attribute is one of `values`.
    In {
        /// The request attribute compared (for example `metadata.tier`).
        field: String,
        /// Accepted values (1 to 100).
        values: Vec<String>,
    },
    /// The request attribute starts with `value`.
    Prefix {
        /// The request attribute compared (for example `metadata.tier`).
        field: String,
        /// The text the attribute must start with.
        value: String,
    },
}

/// Where a matched request is sent: a provider (by resource key) and one of its models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTarget {
    /// The key of a provider resource in the same project.
    pub provider: String,
    /// The model name at that provider.
    pub model: String,
    /// Relative share of traffic, 1 to 10,000 (fallbacks ignore it).
    #[serde(default = "default_weight")]
    pub weight: u32,
}

const fn default_weight() -> u32 {
    1
}

/// One route of a routing rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Unique name in the rule.
    pub name: String,
    /// All must hold for the route to match; none means "match everything" (a catch-all).
    #[serde(default, rename = "match")]
    pub conditions: Vec<MatchCondition>,
    /// Weighted targets (at least one).
    pub targets: Vec<RouteTarget>,
    /// Tried in order when the chosen target fails.
    #[serde(default)]
    pub fallbacks: Vec<RouteTarget>,
    /// Per-attempt timeout in milliseconds (1 to 600,000).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
    /// Retries on the same target before falling back (0 to 10).
    #[serde(default)]
    pub retries: u8,
}

const fn default_timeout_ms() -> u32 {
    30_000
}

/// The content of a routing-rule release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRuleContent {
    /// Routes, tried in order; the first that matches wins.
    pub routes: Vec<Route>,
    /// A request attribute (such as `metadata.session`) whose value pins the weighted choice:
    /// requests carrying the same value go to the same target while the release is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<String>,
}

fn check_target(target: &RouteTarget, weighted: bool) -> Result<(), ValidationError> {
    ResourceKey::parse(&target.provider).map_err(|e| ValidationError::new("provider", e.message()))?;
    let model = target.model.trim();
    if model.is_empty() || model.len() > 128 {
        return Err(ValidationError::new("model", "must be 1-128 characters"));
    }
    if weighted && !(1..=10_000).contains(&target.weight) {
        return Err(ValidationError::new("weight", "must be between 1 and 10000"));
    }
    Ok(())
}

fn is_attribute_name(field: &str) -> bool {
    !field.is_empty()
        && field.len() <= 128
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn check_condition(condition: &MatchCondition) -> Result<(), ValidationError> {
    let (field, values): (&str, Vec<&String>) = match condition {
        MatchCondition::Eq { field, value }
        | MatchCondition::Neq { field, value }
        | MatchCondition::Prefix { field, value } => (field, vec![value]),
        MatchCondition::In { field, values } => (field, values.iter().collect()),
    };
    if !is_attribute_name(field) {
        return Err(ValidationError::new(
            "field",
            "must be 1-128 characters of a-z, 0-9, '.', '_', '-'",
        ));
    }
    if values.is_empty() || values.len() > 100 {
        return Err(ValidationError::new("values", "must hold 1 to 100 values"));
    }
    if values.iter().any(|v| v.len() > 1024) {
        return Err(ValidationError::new("value", "must be at most 1024 bytes"));
    }
    Ok(())
}

impl Route {
    fn validate(&self) -> Result<(), ValidationError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 64 || name != self.name {
            return Err(ValidationError::new(
                "name",
                "must be 1-64 characters without surrounding spaces",
            ));
        }
        for (i, condition) in self.conditions.iter().enumerate() {
            check_condition(condition).map_err(|e| e.within(&format!("match[{i}]")))?;
        }
        if self.targets.is_empty() {
            return Err(ValidationError::new("targets", "must hold at least one target"));
        }
        if self.targets.len() > 32 || self.fallbacks.len() > 32 {
            return Err(ValidationError::new("targets", "at most 32 targets and 32 fallbacks"));
        }
        for (i, target) in self.targets.iter().enumerate() {
            check_target(target, true).map_err(|e| e.within(&format!("targets[{i}]")))?;
        }
        for (i, target) in self.fallbacks.iter().enumerate() {
            check_target(target, false).map_err(|e| e.within(&format!("fallbacks[{i}]")))?;
        }
        if !(1..=600_000).contains(&self.timeout_ms) {
            return Err(ValidationError::new("timeout_ms", "must be between 1 and 600000"));
        }
        if self.retries > 10 {
            return Err(ValidationError::new("retries", "must be between 0 and 10"));
        }
        Ok(())
    }
}

impl RoutingRuleContent {
    /// Checks every rule of a routing rule; field paths are relative to the content.
    ///
    /// # Errors
    /// The first broken rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.routes.is_empty() {
            return Err(ValidationError::new("routes", "must hold at least one route"));
        }
        if self.routes.len() > 100 {
            return Err(ValidationError::new("routes", "at most 100 routes"));
        }
        if self.sticky.as_deref().is_some_and(|f| !is_attribute_name(f)) {
            return Err(ValidationError::new(
                "sticky",
                "must be 1-128 characters of a-z, 0-9, '.', '_', '-'",
            ));
        }
        let mut names = BTreeSet::new();
        let last = self.routes.len() - 1;
        for (i, route) in self.routes.iter().enumerate() {
            let field = format!("routes[{i}]");
            route.validate().map_err(|e| e.within(&field))?;
            if !names.insert(route.name.as_str()) {
                return Err(ValidationError::new(
                    format!("{field}.name"),
                    format!("'{}' is used by two routes", route.name),
                ));
            }
            if route.conditions.is_empty() && i != last {
                return Err(ValidationError::new(
                    format!("{field}.match"),
                    "a catch-all route (no conditions) must be the last one, or the routes after it never match",
                ));
            }
        }
        Ok(())
    }

    /// The provider keys this rule sends traffic to (targets and fallbacks).
    pub fn provider_keys(&self) -> BTreeSet<&str> {
        self.routes
            .iter()
            .flat_map(|r| r.targets.iter().chain(&r.fallbacks))
            .map(|t| t.provider.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(provider: &str) -> RouteTarget {
        RouteTarget {
            provider: provider.into(),
            model: "gpt-4o".into(),
            weight: 1,
        }
    }

    fn route(name: &str, conditions: Vec<MatchCondition>) -> Route {
        Route {
            name: name.into(),
            conditions,
            targets: vec![target("openai")],
            fallbacks: vec![],
            timeout_ms: 1000,
            retries: 0,
        }
    }

    fn eq(field: &str, value: &str) -> MatchCondition {
        MatchCondition::Eq {
            field: field.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_valid_rule() {
        let rule = RoutingRuleContent {
            routes: vec![
                route("premium", vec![eq("metadata.tier", "gold")]),
                route("default", vec![]),
            ],
            sticky: Some("metadata.session".into()),
        };
        rule.validate().unwrap();
        assert_eq!(rule.provider_keys().into_iter().collect::<Vec<_>>(), vec!["openai"]);
    }

    #[test]
    fn broken_rules_name_the_field() {
        let mut no_targets = route("a", vec![]);
        no_targets.targets.clear();
        let mut heavy = route("a", vec![]);
        heavy.targets[0].weight = 0;
        let mut slow = route("a", vec![]);
        slow.timeout_ms = 0;
        let mut retrying = route("a", vec![]);
        retrying.retries = 11;
        let mut bad_fallback = route("a", vec![]);
        bad_fallback.fallbacks = vec![target("Bad Key")];
        let cases: Vec<(Vec<Route>, &str)> = vec![
            (vec![], "routes"),
            (vec![no_targets], "routes[0].targets"),
            (vec![heavy], "routes[0].targets[0].weight"),
            (vec![slow], "routes[0].timeout_ms"),
            (vec![retrying], "routes[0].retries"),
            (vec![bad_fallback], "routes[0].fallbacks[0].provider"),
            (vec![route("a", vec![]), route("b", vec![])], "routes[0].match"),
            (
                vec![route("a", vec![eq("x", "1")]), route("a", vec![])],
                "routes[1].name",
            ),
            (vec![route("a", vec![eq("", "1")])], "routes[0].match[0].field"),
            (
                vec![route(
                    "a",
                    vec![MatchCondition::In {
                        field: "x".into(),
                        values: vec![],
                    }],
                )],
                "routes[0].match[0].values",
            ),
        ];
        for (routes, field) in cases {
            let err = RoutingRuleContent { routes, sticky: None }.validate().unwrap_err();
            assert_eq!(err.field(), field, "{err}");
        }
    }

    #[test]
    fn wire_format_uses_op_tags() {
        let parsed: MatchCondition =
            serde_json::from_str(r#"{"op":"in","field":"user.country","values":["fr","de"]}"#).unwrap();
        assert_eq!(
            parsed,
            MatchCondition::In {
                field: "user.country".into(),
                values: vec!["fr".into(), "de".into()]
            }
        );
        assert!(serde_json::from_str::<MatchCondition>(r#"{"op":"regex","field":"x","value":"y"}"#).is_err());
    }
}

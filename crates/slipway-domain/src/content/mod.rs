//! Typed, validated content of a version, one type per resource kind, with canonical JSON and
//! its SHA-256.
//!
//! Content arrives as JSON (from GraphQL or a tool), is parsed into the kind's type, checked
//! against every rule of that kind, and from then on is known to be valid. Its canonical JSON (keys
//! sorted, no whitespace) is what is stored and hashed, so identical content always has the
//! identical [`ContentHash`].

mod canonical;
pub mod nesting;
pub mod prompt;
pub mod provider;
pub mod routing;

pub use canonical::to_canonical_string;
pub use prompt::{MessageRole, PromptContent, PromptMessage, PromptParameters};
pub use provider::{ProviderActivation, ProviderKind};
pub use routing::{MatchCondition, Route, RouteTarget, RoutingRuleContent};

use serde_json::Value;

use crate::ValidationError;
use crate::resource::{ContentHash, ResourceKind};

/// The largest content accepted, in bytes of canonical JSON.
pub const MAX_CONTENT_BYTES: usize = 512 * 1024;

/// A version's content: valid for its kind by construction.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A prompt version.
    Prompt(PromptContent),
    /// A routing-rule release.
    RoutingRule(RoutingRuleContent),
    /// A provider activation.
    Provider(ProviderActivation),
}

impl Eq for Content {}

fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ValidationError> {
    serde_json::from_value(value).map_err(|e| {
        // serde's message names the offending field ("missing field `model`", "unknown field
        // `temprature`, expected one of …") without echoing the whole input.
        ValidationError::new("content", e.to_string())
    })
}

impl Content {
    /// Parses and validates JSON content for a resource of `kind`.
    ///
    /// The nesting depth is checked first, without recursion, and a value nested deeper than
    /// [`nesting::MAX_CONTENT_DEPTH`] is refused (and taken apart safely) before the
    /// deserializer, or even `Drop`, could recurse into it.
    ///
    /// # Errors
    /// A [`ValidationError`] whose field is a path inside `content` (such as
    /// `content.messages[0].content`).
    ///
    /// # Examples
    ///
    /// ```
    /// use serde_json::json;
    /// use slipway_domain::ResourceKind;
    /// use slipway_domain::content::Content;
    ///
    /// let a = json!({"model": "gpt-4o", "messages": [{"role": "system", "content": "Hi"}]});
    /// let b = json!({"messages": [{"content": "Hi", "role": "system"}], "model": "gpt-4o"});
    /// let a = Content::parse(ResourceKind::Prompt, a).unwrap();
    /// let b = Content::parse(ResourceKind::Prompt, b).unwrap();
    /// // Key order is not content: both hash alike, so the second would be no new version.
    /// assert_eq!(a.hash(), b.hash());
    /// assert_eq!(a.canonical_json(), b.canonical_json());
    ///
    /// // A refusal names where in the content it is.
    /// let bad = json!({"model": "gpt-4o", "messages": [{"role": "robot", "content": "Hi"}]});
    /// let refused = Content::parse(ResourceKind::Prompt, bad).unwrap_err();
    /// assert!(refused.field().starts_with("content"), "{}", refused.field());
    /// ```
    pub fn parse(kind: ResourceKind, value: Value) -> Result<Self, ValidationError> {
        let value = nesting::check_depth(value)?;
        if !value.is_object() {
            return Err(ValidationError::new("content", "must be a JSON object"));
        }
        let content = match kind {
            ResourceKind::Prompt => Content::Prompt(from_value(value)?),
            ResourceKind::RoutingRule => Content::RoutingRule(from_value(value)?),
            ResourceKind::Provider => Content::Provider(from_value(value)?),
        };
        let checked = match &content {
            Content::Prompt(p) => p.validate(),
            Content::RoutingRule(r) => r.validate(),
            Content::Provider(a) => a.validate(),
        };
        checked.map_err(|e| e.within("content"))?;
        if content.canonical_json().len() > MAX_CONTENT_BYTES {
            return Err(ValidationError::new("content", "must be at most 512 KiB"));
        }
        Ok(content)
    }

    /// The kind of resource this content belongs to.
    pub const fn kind(&self) -> ResourceKind {
        match self {
            Content::Prompt(_) => ResourceKind::Prompt,
            Content::RoutingRule(_) => ResourceKind::RoutingRule,
            Content::Provider(_) => ResourceKind::Provider,
        }
    }

    /// The content as a JSON value.
    pub fn to_json(&self) -> Value {
        let serialized = match self {
            Content::Prompt(p) => serde_json::to_value(p),
            Content::RoutingRule(r) => serde_json::to_value(r),
            Content::Provider(a) => serde_json::to_value(a),
        };
        // These types hold only strings, numbers, lists and maps with string keys, which always
        // serialize; a non-finite float cannot get in because every float is range-checked.
        serialized.unwrap_or(Value::Null)
    }

    /// The canonical JSON text: keys sorted, no whitespace.
    pub fn canonical_json(&self) -> String {
        to_canonical_string(&self.to_json())
    }

    /// SHA-256 of the canonical JSON.
    pub fn hash(&self) -> ContentHash {
        ContentHash::of_bytes(self.canonical_json().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prompt_json() -> Value {
        json!({
            "model": "gpt-4o",
            "messages": [{"role": "system", "content": "You help with {{topic}}."}],
            "parameters": {"temperature": 0.2, "max_tokens": 256},
            "variables": ["topic"]
        })
    }

    #[test]
    fn identical_content_has_identical_hash() {
        let a = Content::parse(ResourceKind::Prompt, prompt_json()).unwrap();
        let reordered: Value = serde_json::from_str(
            r#"{"variables":["topic"],"parameters":{"max_tokens":256,"temperature":0.2},
                "messages":[{"content":"You help with {{topic}}.","role":"system"}],"model":"gpt-4o"}"#,
        )
        .unwrap();
        let b = Content::parse(ResourceKind::Prompt, reordered).unwrap();
        assert_eq!(a.hash(), b.hash());
        let mut changed = prompt_json();
        changed["parameters"]["temperature"] = json!(0.3);
        assert_ne!(Content::parse(ResourceKind::Prompt, changed).unwrap().hash(), a.hash());
    }

    #[test]
    fn canonical_json_round_trips() {
        let a = Content::parse(ResourceKind::Prompt, prompt_json()).unwrap();
        let again = Content::parse(ResourceKind::Prompt, serde_json::from_str(&a.canonical_json()).unwrap()).unwrap();
        assert_eq!(a, again);
        assert_eq!(a.canonical_json(), again.canonical_json());
    }

    #[test]
    fn errors_name_the_path() {
        let mut bad = prompt_json();
        bad["parameters"]["temperature"] = json!(3);
        let e = Content::parse(ResourceKind::Prompt, bad).unwrap_err();
        assert_eq!(e.field(), "content.parameters.temperature");

        let e = Content::parse(
            ResourceKind::Prompt,
            json!({"model": "x", "messages": [], "temprature": 1}),
        )
        .unwrap_err();
        assert_eq!(e.field(), "content");
        assert!(e.message().contains("temprature"), "{e}");

        let e = Content::parse(ResourceKind::Prompt, json!("text")).unwrap_err();
        assert!(e.message().contains("object"));

        let e = Content::parse(ResourceKind::Provider, prompt_json()).unwrap_err();
        assert_eq!(e.field(), "content");
    }

    #[test]
    fn every_kind_parses() {
        let rule = json!({"routes": [{"name": "default", "targets": [{"provider": "openai", "model": "gpt-4o", "weight": 100}]}]});
        let rule = Content::parse(ResourceKind::RoutingRule, rule).unwrap();
        assert_eq!(rule.kind(), ResourceKind::RoutingRule);
        // Defaults are made explicit in the canonical form, so omitting a default and spelling it
        // out give the same hash.
        assert!(rule.canonical_json().contains(r#""timeout_ms":30000"#));

        let provider = json!({"provider_kind": "openai", "base_url": "https://api.openai.com/v1", "models": ["gpt-4o"],
                               "credential": "00000000-0000-0000-0000-000000000001"});
        let provider = Content::parse(ResourceKind::Provider, provider).unwrap();
        let Content::Provider(activation) = &provider else {
            panic!("provider content")
        };
        assert_eq!(
            activation.credential_id().unwrap().to_string(),
            "00000000-0000-0000-0000-000000000001"
        );
    }

    /// Prompt-shaped content whose `messages` nest so that the whole value is `depth` levels
    /// deep, built without recursion.
    fn deep_prompt(depth: usize) -> Value {
        let mut messages = Value::Null;
        for _ in 1..depth {
            messages = Value::Array(vec![messages]);
        }
        let mut map = serde_json::Map::new();
        map.insert("model".to_owned(), json!("m"));
        map.insert("messages".to_owned(), messages);
        Value::Object(map)
    }

    #[test]
    fn nesting_is_bounded_before_anything_recurses() {
        for depth in [63, 64] {
            assert!(!nesting::deeper_than(&deep_prompt(depth), depth));
            assert!(nesting::deeper_than(&deep_prompt(depth), depth - 1));
            // Within the bound the value reaches the deserializer, which refuses its shape.
            let e = Content::parse(ResourceKind::Prompt, deep_prompt(depth)).unwrap_err();
            assert!(!e.message().contains("levels deep"), "{depth}: {e}");
        }
        for depth in [65, 10_000, 1_000_000] {
            for kind in ResourceKind::ALL {
                let e = Content::parse(kind, deep_prompt(depth)).unwrap_err();
                assert_eq!(e.field(), "content");
                assert_eq!(e.message(), "must not nest arrays and objects more than 64 levels deep");
            }
        }
        // Not even an object at the top: still refused for depth first, and dropped safely.
        let mut deep = Value::Null;
        for _ in 0..1_000_000 {
            deep = Value::Array(vec![deep]);
        }
        let e = Content::parse(ResourceKind::RoutingRule, deep).unwrap_err();
        assert!(e.message().contains("64 levels"), "{e}");
    }

    #[test]
    fn oversized_content_is_refused() {
        let big = "x".repeat(90_000);
        let messages: Vec<Value> = (0..7).map(|_| json!({"role": "user", "content": big})).collect();
        let e = Content::parse(ResourceKind::Prompt, json!({"model": "m", "messages": messages})).unwrap_err();
        assert!(e.message().contains("512 KiB"), "{e}");
    }
}

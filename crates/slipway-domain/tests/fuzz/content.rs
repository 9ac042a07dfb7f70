//! Content JSON of every kind, arbitrary: parsing never panics, refusals name a field inside
//! `content`, accepted content round-trips through its canonical JSON; nesting past the bound
//! is refused at every depth, and canonical JSON is idempotent on any value.

use proptest::prelude::*;
use serde_json::Value;
use slipway_domain::content::nesting::{MAX_CONTENT_DEPTH, deeper_than, dispose};
use slipway_domain::content::{Content, to_canonical_string};
use slipway_domain::resource::ResourceKind;

use crate::support::{assert_content_round_trips, config, json};

/// Every field name the three kinds know, and a few they do not.
const CONTENT_KEYS: &[&str] = &[
    "model",
    "messages",
    "role",
    "content",
    "parameters",
    "variables",
    "temperature",
    "max_tokens",
    "top_p",
    "frequency_penalty",
    "presence_penalty",
    "stop",
    "routes",
    "name",
    "match",
    "op",
    "field",
    "value",
    "values",
    "targets",
    "fallbacks",
    "provider",
    "weight",
    "timeout_ms",
    "retries",
    "provider_kind",
    "base_url",
    "models",
    "credential",
    "system",
    "user",
    "eq",
    "in",
    "openai",
    "extra",
];

/// The depth of `value` by plain recursion (the values here are shallow enough for that).
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn kind() -> impl Strategy<Value = ResourceKind> {
    prop::sample::select(&ResourceKind::ALL[..])
}

/// `inner` wrapped in `levels` arrays or objects (chosen by the bits of `shape`), built without
/// recursion.
fn wrapped(inner: Value, levels: usize, shape: u64) -> Value {
    let mut value = inner;
    for level in 0..levels {
        value = if shape.rotate_left(level as u32) & 1 == 0 {
            Value::Array(vec![Value::Null, value])
        } else {
            let mut map = serde_json::Map::new();
            map.insert("messages".to_owned(), value);
            Value::Object(map)
        };
    }
    value
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_json_never_panics_and_accepted_content_round_trips(kind in kind(), value in json(CONTENT_KEYS)) {
        match Content::parse(kind, value) {
            Ok(content) => assert_content_round_trips(&content, kind)?,
            Err(e) => {
                prop_assert!(e.field().starts_with("content"), "{}", e);
                prop_assert!(!e.message().is_empty());
            }
        }
    }

    #[test]
    fn nesting_past_the_bound_is_refused_first(
        kind in kind(),
        inner in json(CONTENT_KEYS),
        levels in prop_oneof![0usize..70, 55usize..70, 70usize..3000],
        shape in any::<u64>(),
    ) {
        let value = wrapped(inner, levels, shape);
        let too_deep = deeper_than(&value, MAX_CONTENT_DEPTH);
        if levels < 200 {
            prop_assert_eq!(too_deep, depth(&value) > MAX_CONTENT_DEPTH);
        }
        let nesting_error = "must not nest arrays and objects more than 64 levels deep";
        match Content::parse(kind, value) {
            Ok(content) => {
                prop_assert!(!too_deep);
                assert_content_round_trips(&content, kind)?;
            }
            Err(e) => {
                prop_assert_eq!(e.message() == nesting_error, too_deep, "{}", e);
                prop_assert!(e.field().starts_with("content"));
            }
        }
    }

    #[test]
    fn canonical_json_is_idempotent_on_any_value(value in json(CONTENT_KEYS), levels in 0usize..400, shape in any::<u64>()) {
        let value = wrapped(value, levels, shape);
        let canonical = to_canonical_string(&value);
        let reread: Value = match serde_json::from_str(&canonical) {
            Ok(reread) => reread,
            // serde_json's reader stops at 128 levels; the canonical text of a deeper value is
            // still checked to be written in one piece.
            Err(_) => {
                prop_assert!(levels > 100);
                let opened = canonical.matches(['[', '{']).count();
                prop_assert!(opened >= levels, "{} < {}", opened, levels);
                dispose(value);
                return Ok(());
            }
        };
        prop_assert_eq!(&reread, &value);
        prop_assert_eq!(to_canonical_string(&reread), canonical);
        dispose(reread);
        dispose(value);
    }
}

//! Canonical JSON over random values: key order never matters, and the text parses back to the
//! same value.

use proptest::prelude::*;
use serde_json::{Map, Value};
use slipway_domain::content::to_canonical_string;

use crate::fixtures::config;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,8}".prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-e]{0,3}", 1 => ".{0,4}"]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(key(), value(), 0..8).prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// The same value with every object's entries inserted in another order (reversed, then rotated
/// by `seed`), which matters when serde_json keeps insertion order.
fn reordered(value: &Value, seed: usize) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().rev().collect();
            if !entries.is_empty() {
                let n = seed % entries.len();
                entries.rotate_left(n);
            }
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k.clone(), reordered(v, seed.wrapping_mul(31).wrapping_add(7)));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| reordered(v, seed + 1)).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn canonical_json_ignores_key_order_and_round_trips(v in object(), seed in any::<usize>()) {
        let canonical = to_canonical_string(&v);
        let shuffled = reordered(&v, seed);
        prop_assert_eq!(&shuffled, &v);
        prop_assert_eq!(to_canonical_string(&shuffled), canonical.clone());
        let text = serde_json::to_string(&shuffled).unwrap();
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(to_canonical_string(&reparsed), canonical.clone());
        let back: Value = serde_json::from_str(&canonical).unwrap();
        prop_assert_eq!(&back, &v);
        prop_assert_eq!(to_canonical_string(&back), canonical);
    }
}

#[test]
fn floats_survive_a_round_trip_through_canonical_text() {
    // serde_json's default float parser reads this one back one ulp off, which would change the
    // content hash of a version whose canonical JSON is read back.
    let v: Value = serde_json::json!({ "x": 8.833_610_721_759_77e-259_f64 });
    let canonical = to_canonical_string(&v);
    let back: Value = serde_json::from_str(&canonical).unwrap();
    assert_eq!(to_canonical_string(&back), canonical);
}

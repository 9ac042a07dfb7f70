//! Canonical JSON: object keys sorted, no insignificant whitespace, so equal content always has
//! equal bytes and therefore an equal SHA-256.
//!
//! This is written out by hand instead of relying on `serde_json::Value`'s map order, because a
//! workspace-wide `preserve_order` feature switched on by any other crate would silently change
//! the order (and with it every hash).

use serde_json::Value;

/// Writes `value` as canonical JSON.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(val, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // Null, booleans and numbers have exactly one serde_json rendering.
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&Value::String(s.to_owned()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let v = json!({"b": 1, "a": {"d": [true, null, "x\"y"], "c": 1.5}});
        assert_eq!(
            to_canonical_string(&v),
            r#"{"a":{"c":1.5,"d":[true,null,"x\"y"]},"b":1}"#
        );
    }

    #[test]
    fn same_content_in_another_order_is_equal() {
        let a: Value = serde_json::from_str(r#"{"x": 1, "y": [1, 2], "z": {"q": "é"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"z": {"q": "é"}, "y": [1,2], "x": 1}"#).unwrap();
        assert_eq!(to_canonical_string(&a), to_canonical_string(&b));
    }
}

//! Canonical JSON: object keys sorted, no insignificant whitespace, so equal content always has
//! equal bytes and therefore an equal SHA-256.
//!
//! This is written out by hand instead of relying on `serde_json::Value`'s map order, because a
//! workspace-wide `preserve_order` feature switched on by any other crate would silently change
//! the order (and with it every hash).

use serde_json::Value;

/// One piece of output still to write.
enum Step<'a> {
    Value(&'a Value),
    Key(&'a str),
    Punct(char),
}

/// Writes `value` as canonical JSON.
///
/// The value is walked on an explicit stack rather than by recursion, so any depth is written
/// without growing the call stack (content is bounded by
/// [`MAX_CONTENT_DEPTH`](super::nesting::MAX_CONTENT_DEPTH) anyway, but this function is public
/// and also canonicalizes audit events).
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    let mut stack = vec![Step::Value(value)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Punct(c) => out.push(c),
            Step::Key(key) => {
                write_string(key, &mut out);
                out.push(':');
            }
            Step::Value(Value::Object(map)) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                stack.push(Step::Punct('}'));
                // Pushed in reverse so that they pop in order.
                for (i, (key, val)) in entries.into_iter().enumerate().rev() {
                    stack.push(Step::Value(val));
                    stack.push(Step::Key(key));
                    if i > 0 {
                        stack.push(Step::Punct(','));
                    }
                }
            }
            Step::Value(Value::Array(items)) => {
                out.push('[');
                stack.push(Step::Punct(']'));
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push(Step::Value(item));
                    if i > 0 {
                        stack.push(Step::Punct(','));
                    }
                }
            }
            Step::Value(Value::String(s)) => write_string(s, &mut out),
            // Null, booleans and numbers have exactly one serde_json rendering.
            Step::Value(other) => out.push_str(&other.to_string()),
        }
    }
    out
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
    fn empty_containers_and_scalars() {
        assert_eq!(to_canonical_string(&json!({})), "{}");
        assert_eq!(to_canonical_string(&json!([])), "[]");
        assert_eq!(to_canonical_string(&json!([[], {}, [1]])), "[[],{},[1]]");
        assert_eq!(to_canonical_string(&json!("a\u{202E}")), "\"a\u{202E}\"");
        assert_eq!(to_canonical_string(&json!(null)), "null");
    }

    #[test]
    fn a_million_levels_do_not_overflow_the_stack() {
        let depth = 1_000_000;
        let mut value = Value::Null;
        for _ in 0..depth {
            value = Value::Array(vec![value]);
        }
        let text = to_canonical_string(&value);
        // Taken apart before asserting: a failing assertion would otherwise drop it recursively.
        crate::content::nesting::dispose(value);
        assert!(text == format!("{}null{}", "[".repeat(depth), "]".repeat(depth)));
    }

    #[test]
    fn same_content_in_another_order_is_equal() {
        let a: Value = serde_json::from_str(r#"{"x": 1, "y": [1, 2], "z": {"q": "é"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"z": {"q": "é"}, "y": [1,2], "x": 1}"#).unwrap();
        assert_eq!(to_canonical_string(&a), to_canonical_string(&b));
    }
}

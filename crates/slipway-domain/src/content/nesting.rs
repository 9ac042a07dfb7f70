//! How deeply content JSON may nest, measured and enforced without recursion.
//!
//! `serde_json::Value`'s own `Drop`, `Clone`, `PartialEq`, `Debug` and deserializer all recurse
//! once per level, so a value nested a few hundred thousand levels deep overflows the stack in
//! any of them — even in simply being dropped. `serde_json`'s text parser stops at 128 levels,
//! but a `Value` can be built by other means (a GraphQL JSON scalar, code), so the domain checks
//! the depth itself, on an explicit stack, before anything recursive touches the value, and takes
//! a refused value apart iteratively ([`dispose`]). Every kind's content is at most a handful of
//! levels deep, so the bound never refuses valid content.

use serde_json::Value;

use crate::ValidationError;

/// The deepest nesting of arrays and objects accepted in content: `{}` is depth 1,
/// `{"a": [1]}` depth 2; a bare number or string is depth 0.
pub const MAX_CONTENT_DEPTH: usize = 64;

/// Whether `value` nests arrays and objects more than `max` levels deep. Stops at the first
/// container past the bound, so its cost is bounded by the size of the value up to that point.
pub fn deeper_than(value: &Value, max: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((value, depth)) = stack.pop() {
        let is_container = matches!(value, Value::Array(_) | Value::Object(_));
        if is_container && depth > max {
            return true;
        }
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|child| (child, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|child| (child, depth + 1))),
            _ => {}
        }
    }
    false
}

/// Drops `value` one container at a time: each container is emptied onto an explicit stack
/// before it is dropped, so no drop recurses more than one level, however deep the value.
pub fn dispose(value: Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, child)| child)),
            _ => {}
        }
    }
}

/// Refuses content nested deeper than [`MAX_CONTENT_DEPTH`], taking a refused value apart
/// safely; otherwise gives the value back.
///
/// # Errors
/// A [`ValidationError`] on `content` stating the limit.
pub fn check_depth(value: Value) -> Result<Value, ValidationError> {
    if deeper_than(&value, MAX_CONTENT_DEPTH) {
        dispose(value);
        return Err(ValidationError::new(
            "content",
            format!("must not nest arrays and objects more than {MAX_CONTENT_DEPTH} levels deep"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An array nested `depth` levels deep, built without recursion.
    fn nested_arrays(depth: usize) -> Value {
        let mut value = Value::Null;
        for _ in 0..depth {
            value = Value::Array(vec![value]);
        }
        value
    }

    #[test]
    fn depth_counts_containers() {
        assert!(!deeper_than(&json!(1), 0));
        assert!(!deeper_than(&json!({}), 1));
        assert!(deeper_than(&json!({}), 0));
        assert!(!deeper_than(&json!({"a": [1, {"b": "x"}]}), 3));
        assert!(deeper_than(&json!({"a": [1, {"b": []}]}), 3));
        // The deepest branch counts, wherever it is.
        assert!(deeper_than(&json!([1, [2], [[3], [[[]]]]]), 4));
        assert!(!deeper_than(&json!([1, [2], [[3], [[[]]]]]), 5));
    }

    #[test]
    fn the_bound_is_exact_and_deep_values_are_refused_without_overflowing() {
        for depth in [0, 1, 63, 64] {
            assert!(check_depth(nested_arrays(depth)).is_ok(), "{depth}");
        }
        for depth in [65, 10_000, 1_000_000] {
            let e = check_depth(nested_arrays(depth)).unwrap_err();
            assert_eq!(e.field(), "content");
            assert!(e.message().contains("64 levels"), "{e}");
        }
    }

    #[test]
    fn dispose_takes_apart_a_very_deep_object() {
        let mut value = json!("leaf");
        for i in 0..1_000_000 {
            let mut map = serde_json::Map::new();
            map.insert(format!("k{}", i % 3), value);
            value = Value::Object(map);
        }
        assert!(deeper_than(&value, MAX_CONTENT_DEPTH));
        dispose(value);
    }
}

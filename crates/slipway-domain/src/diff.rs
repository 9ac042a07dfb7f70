//! Diffs: which resources two environments serve differently, and how two JSON documents (two
//! versions' content) differ, leaf by leaf.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::state::LivePointer;
use crate::{ResourceId, VersionId};

/// One resource that two environments serve differently (by their own pointers, not fallbacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointerDifference {
    /// The resource.
    pub resource_id: ResourceId,
    /// What the left environment points at (`None`: no pointer).
    pub left: Option<VersionId>,
    /// What the right environment points at (`None`: no pointer).
    pub right: Option<VersionId>,
}

/// The resources whose pointers differ between `left` and `right`, in resource order.
pub fn pointer_differences(
    left: &BTreeMap<ResourceId, LivePointer>,
    right: &BTreeMap<ResourceId, LivePointer>,
) -> Vec<PointerDifference> {
    let resources: BTreeSet<ResourceId> = left.keys().chain(right.keys()).copied().collect();
    resources
        .into_iter()
        .map(|resource_id| PointerDifference {
            resource_id,
            left: left.get(&resource_id).map(|p| p.version_id),
            right: right.get(&resource_id).map(|p| p.version_id),
        })
        .filter(|d| d.left != d.right)
        .collect()
}

/// One difference between two JSON documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonChange {
    /// Where, as a path like `messages[0].content`.
    pub path: String,
    /// The value before (`None`: added).
    pub before: Option<Value>,
    /// The value after (`None`: removed).
    pub after: Option<Value>,
}

/// The differences between two JSON values, leaf by leaf. Meant for version content, whose
/// nesting is bounded when it is parsed (the walk recurses once per level).
pub fn json_changes(before: &Value, after: &Value) -> Vec<JsonChange> {
    let mut out = Vec::new();
    walk("", Some(before), Some(after), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<JsonChange>) {
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                walk(&join(path, k), a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(&format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(JsonChange {
            path: path.to_owned(),
            before: a.cloned(),
            after: b.cloned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn json_changes_name_paths() {
        let a = json!({"model": "a", "messages": [{"content": "x"}], "gone": 1});
        let b = json!({"model": "b", "messages": [{"content": "x"}, {"content": "y"}], "new": true});
        let paths: Vec<String> = json_changes(&a, &b).into_iter().map(|c| c.path).collect();
        assert_eq!(paths, ["gone", "messages[1]", "model", "new"]);
        assert!(json_changes(&a, &a).is_empty());
    }

    #[test]
    fn pointer_differences_list_only_what_differs() {
        let at = DateTime::UNIX_EPOCH;
        let pointer = |n: u128| LivePointer {
            version_id: VersionId::from_uuid(Uuid::from_u128(n)),
            since: at,
            revision: 1,
        };
        let r = |n: u128| ResourceId::from_uuid(Uuid::from_u128(n));
        let left = BTreeMap::from([(r(1), pointer(10)), (r(2), pointer(20))]);
        let right = BTreeMap::from([(r(1), pointer(10)), (r(2), pointer(21)), (r(3), pointer(30))]);
        let diff = pointer_differences(&left, &right);
        let ids: Vec<ResourceId> = diff.iter().map(|d| d.resource_id).collect();
        assert_eq!(ids, [r(2), r(3)]);
        assert_eq!(diff[1].left, None);
    }
}

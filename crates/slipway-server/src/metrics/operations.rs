//! GraphQL requests counted by operation name, with the label's values bounded: the name comes
//! from the client, so only well-formed names get a series of their own, and only the first
//! [`MAX_OPERATIONS`] of them; unnamed requests share `(unnamed)`, everything else `(other)`.
//! A request without `operationName` is counted under the name its document declares first
//! ([`declared_name`]), as most clients (Slipway's dashboard and CLI too) leave the field out.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;

/// Distinct operation names counted on their own. Slipway's dashboard and CLI use a few dozen.
pub(crate) const MAX_OPERATIONS: usize = 200;
/// Longest name counted on its own.
const MAX_NAME_LEN: usize = 64;
/// The label of requests without an operation name.
pub(crate) const UNNAMED: &str = "(unnamed)";
/// The label of names past the cap, too long or not GraphQL names.
pub(crate) const OTHER: &str = "(other)";

/// The label set of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub(crate) struct OperationLabels {
    operation: String,
}

/// The counters by operation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Operations {
    pub(crate) family: Family<OperationLabels, Counter>,
    /// Names given a series of their own (`Family` does not tell its size).
    named: Arc<AtomicUsize>,
}

impl Operations {
    /// Counts one request for `name`.
    pub(crate) fn record(&self, name: Option<&str>) {
        let label = |operation: &str| OperationLabels {
            operation: operation.to_owned(),
        };
        let labels = match name {
            None | Some("") => label(UNNAMED),
            Some(name) if !is_graphql_name(name) => label(OTHER),
            Some(name) => {
                let labels = label(name);
                if let Some(counter) = self.family.get(&labels) {
                    counter.inc();
                    return;
                }
                // Two requests racing past `get` with one new name both count it: the count may
                // run ahead of the names, so the cap holds (and may bite a little early).
                if self.named.fetch_add(1, Ordering::Relaxed) >= MAX_OPERATIONS {
                    self.named.fetch_sub(1, Ordering::Relaxed);
                    label(OTHER)
                } else {
                    labels
                }
            }
        };
        self.family.get_or_create(&labels).inc();
    }
}

/// The name of the document's operation when it starts with one (`query Name`, `mutation
/// Name(…)`, `subscription Name`), read from its first two tokens only: a scan that cannot cost
/// more than the document's leading whitespace and comments, never a parse.
pub(crate) fn declared_name(document: &str) -> Option<&str> {
    let mut rest = document;
    // Insignificant before the first token: whitespace, commas, a byte-order mark, comments.
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '\u{feff}');
        match rest.strip_prefix('#') {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => break,
        }
    }
    let keyword_end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
    if !matches!(&rest[..keyword_end], "query" | "mutation" | "subscription") {
        return None;
    }
    let rest = rest[keyword_end..].trim_start();
    let name_end = rest
        .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
        .unwrap_or(rest.len());
    let name = &rest[..name_end];
    is_graphql_name(name).then_some(name)
}

/// `[_A-Za-z][_0-9A-Za-z]*`, at most [`MAX_NAME_LEN`] long.
fn is_graphql_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= MAX_NAME_LEN
        && bytes.next().is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(ops: &Operations, operation: &str) -> Option<u64> {
        ops.family
            .get(&OperationLabels {
                operation: operation.to_owned(),
            })
            .map(|c| c.get())
    }

    #[test]
    fn names_are_counted_and_odd_ones_collapse() {
        let ops = Operations::default();
        ops.record(Some("Releases"));
        ops.record(Some("Releases"));
        ops.record(None);
        ops.record(Some(""));
        ops.record(Some("not a name"));
        ops.record(Some(&"x".repeat(65)));
        assert_eq!(count(&ops, "Releases"), Some(2));
        assert_eq!(count(&ops, UNNAMED), Some(2));
        assert_eq!(count(&ops, OTHER), Some(2));
    }

    #[test]
    fn the_declared_name_is_read_from_the_first_tokens() {
        assert_eq!(declared_name("query Releases { releases { id } }"), Some("Releases"));
        assert_eq!(
            declared_name("  # why\n, mutation Publish($v: JSON!) { x }"),
            Some("Publish")
        );
        assert_eq!(
            declared_name("subscription OnRelease{ releaseUpdated { id } }"),
            Some("OnRelease")
        );
        assert_eq!(declared_name("query { viewer { user { id } } }"), None);
        assert_eq!(declared_name("{ viewer { user { id } } }"), None);
        assert_eq!(
            declared_name("fragment F on User { id } query Q { viewer { user { ...F } } }"),
            None
        );
        assert_eq!(declared_name("queryX Y { }"), None);
        assert_eq!(declared_name("# only a comment"), None);
        assert_eq!(declared_name(""), None);
    }

    #[test]
    fn names_past_the_cap_share_one_label() {
        let ops = Operations::default();
        for i in 0..MAX_OPERATIONS + 50 {
            ops.record(Some(&format!("Op{i}")));
        }
        ops.record(Some("Op0"));
        assert_eq!(count(&ops, "Op0"), Some(2));
        assert_eq!(count(&ops, &format!("Op{}", MAX_OPERATIONS - 1)), Some(1));
        assert_eq!(count(&ops, &format!("Op{MAX_OPERATIONS}")), None);
        assert_eq!(count(&ops, OTHER), Some(50));
    }
}

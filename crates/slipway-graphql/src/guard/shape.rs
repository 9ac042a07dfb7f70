//! The size of a parsed document once its fragments are expanded, measured without expanding
//! them: each fragment is summarized once (memoized, in dependency order, iteratively), so a few
//! hundred bytes of fragments that spread each other ten times are measured in microseconds and
//! refused, instead of costing validation minutes of CPU.
//!
//! Measured: selections after expansion (fields, spreads and inline fragments, in every
//! operation), selection depth after expansion (counted the way async-graphql's recursion check
//! counts it: fields, spreads and inline fragments each one level), aliases as written, and the
//! root fields of each mutation (after expansion: one request runs that many writes).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned};

/// The limits a document's shape is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShapeLimits {
    /// Selections in all operations, fragments expanded.
    pub max_selections: u64,
    /// Selection depth, fragments expanded.
    pub max_depth: usize,
    /// Aliased fields in the document.
    pub max_aliases: u64,
    /// Root fields of one mutation, fragments expanded.
    pub max_root_mutation_fields: u64,
}

/// Why a document's shape was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShapeError {
    /// More selections than allowed once fragments are expanded.
    TooManySelections { limit: u64 },
    /// Nested deeper than allowed once fragments are expanded.
    TooDeep { limit: usize },
    /// More aliases than allowed.
    TooManyAliases { limit: u64 },
    /// A mutation with more root fields than allowed.
    TooManyRootMutationFields { limit: u64 },
    /// Fragments that spread each other in a cycle.
    FragmentCycle { fragment: String },
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooManySelections { limit } => write!(
                f,
                "the document selects more than {limit} fields once its fragments are expanded"
            ),
            Self::TooDeep { limit } => write!(
                f,
                "the document is nested deeper than {limit} levels once its fragments are expanded"
            ),
            Self::TooManyAliases { limit } => write!(f, "the document uses more than {limit} aliases"),
            Self::TooManyRootMutationFields { limit } => {
                write!(f, "a mutation may run at most {limit} root fields per request")
            }
            Self::FragmentCycle { fragment } => write!(f, "fragment '{fragment}' spreads itself"),
        }
    }
}

/// What a selection set amounts to once expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Summary {
    /// Selections, saturating.
    selections: u64,
    /// Deepest level below this set.
    depth: usize,
    /// Fields at this set's own level (through spreads and inline fragments), saturating.
    root_fields: u64,
}

/// Checks `document` against `limits`.
pub(crate) fn check(document: &ExecutableDocument, limits: ShapeLimits) -> Result<(), ShapeError> {
    let aliases = count_aliases(document);
    if aliases > limits.max_aliases {
        return Err(ShapeError::TooManyAliases {
            limit: limits.max_aliases,
        });
    }
    let fragments = summarize_fragments(document)?;
    let operations: Vec<(OperationType, Summary)> = document
        .operations
        .iter()
        .map(|(_, op)| (op.node.ty, summarize(&op.node.selection_set.node, &fragments)))
        .collect();
    // Every fragment definition is validated once on its own too.
    let all = operations.iter().map(|(_, s)| s).chain(fragments.values());
    let selections = all.clone().fold(0_u64, |total, s| total.saturating_add(s.selections));
    if selections > limits.max_selections {
        return Err(ShapeError::TooManySelections {
            limit: limits.max_selections,
        });
    }
    if all.map(|s| s.depth).max().unwrap_or(0) > limits.max_depth {
        return Err(ShapeError::TooDeep {
            limit: limits.max_depth,
        });
    }
    let widest_mutation = operations
        .iter()
        .filter(|(ty, _)| *ty == OperationType::Mutation)
        .map(|(_, s)| s.root_fields)
        .max()
        .unwrap_or(0);
    if widest_mutation > limits.max_root_mutation_fields {
        return Err(ShapeError::TooManyRootMutationFields {
            limit: limits.max_root_mutation_fields,
        });
    }
    Ok(())
}

/// Summarizes `set` from the summaries of the fragments it spreads (an unknown fragment counts
/// as empty: validation reports it). Recursion follows the set's own nesting only, which the
/// nesting scan has bounded before parsing.
fn summarize(set: &SelectionSet, fragments: &HashMap<&Name, Summary>) -> Summary {
    let mut total = Summary::default();
    for item in &set.items {
        let (inner, own_level_fields) = match &item.node {
            Selection::Field(field) => {
                let inner = if field.node.selection_set.node.items.is_empty() {
                    Summary::default()
                } else {
                    let below = summarize(&field.node.selection_set.node, fragments);
                    Summary {
                        depth: below.depth + 1,
                        ..below
                    }
                };
                (inner, 1)
            }
            Selection::FragmentSpread(spread) => {
                let below = fragments
                    .get(&spread.node.fragment_name.node)
                    .copied()
                    .unwrap_or_default();
                (
                    Summary {
                        depth: below.depth + 1,
                        ..below
                    },
                    below.root_fields,
                )
            }
            Selection::InlineFragment(inline) => {
                let below = summarize(&inline.node.selection_set.node, fragments);
                (
                    Summary {
                        depth: below.depth + 1,
                        ..below
                    },
                    below.root_fields,
                )
            }
        };
        total.selections = total.selections.saturating_add(1).saturating_add(inner.selections);
        total.depth = total.depth.max(inner.depth);
        total.root_fields = total.root_fields.saturating_add(own_level_fields);
    }
    total
}

/// The names of the fragments `set` spreads, at any depth of the set itself.
fn spreads<'a>(set: &'a SelectionSet, out: &mut Vec<&'a Name>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => spreads(&field.node.selection_set.node, out),
            Selection::FragmentSpread(spread) => out.push(&spread.node.fragment_name.node),
            Selection::InlineFragment(inline) => spreads(&inline.node.selection_set.node, out),
        }
    }
}

/// Every fragment's summary, computed after the summaries of the fragments it spreads (a
/// depth-first walk kept on an explicit stack, so a chain of thousands of fragments costs no
/// stack).
fn summarize_fragments(document: &ExecutableDocument) -> Result<HashMap<&Name, Summary>, ShapeError> {
    let mut done: HashMap<&Name, Summary> = HashMap::with_capacity(document.fragments.len());
    let mut on_path: HashMap<&Name, ()> = HashMap::new();
    for start in document.fragments.keys() {
        if done.contains_key(start) {
            continue;
        }
        // Each frame: a fragment and the spreads of it still to visit.
        let mut stack: Vec<(&Name, Vec<&Name>)> = vec![(start, fragment_spreads(document, start))];
        on_path.insert(start, ());
        while let Some((name, pending)) = stack.last_mut() {
            let name = *name;
            match pending.pop() {
                Some(next) if done.contains_key(next) || !document.fragments.contains_key(next) => {}
                Some(next) if on_path.contains_key(next) => {
                    return Err(ShapeError::FragmentCycle {
                        fragment: next.to_string(),
                    });
                }
                Some(next) => {
                    on_path.insert(next, ());
                    stack.push((next, fragment_spreads(document, next)));
                }
                None => {
                    if let Some(fragment) = document.fragments.get(name) {
                        let summary = summarize(&fragment.node.selection_set.node, &done);
                        done.insert(name, summary);
                    }
                    on_path.remove(name);
                    stack.pop();
                }
            }
        }
    }
    Ok(done)
}

fn fragment_spreads<'a>(document: &'a ExecutableDocument, name: &Name) -> Vec<&'a Name> {
    let mut out = Vec::new();
    if let Some(fragment) = document.fragments.get(name) {
        spreads(&fragment.node.selection_set.node, &mut out);
    }
    out
}

/// Aliased fields, as written.
fn count_aliases(document: &ExecutableDocument) -> u64 {
    fn in_set(set: &SelectionSet) -> u64 {
        set.items
            .iter()
            .map(|item: &Positioned<Selection>| match &item.node {
                Selection::Field(field) => {
                    u64::from(field.node.alias.is_some()).saturating_add(in_set(&field.node.selection_set.node))
                }
                Selection::FragmentSpread(_) => 0,
                Selection::InlineFragment(inline) => in_set(&inline.node.selection_set.node),
            })
            .fold(0, u64::saturating_add)
    }
    let operations = document
        .operations
        .iter()
        .map(|(_, op)| in_set(&op.node.selection_set.node));
    let fragments = document.fragments.values().map(|f| in_set(&f.node.selection_set.node));
    operations.chain(fragments).fold(0, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const LIMITS: ShapeLimits = ShapeLimits {
        max_selections: 1_000,
        max_depth: 20,
        max_aliases: 10,
        max_root_mutation_fields: 3,
    };

    fn shape(query: &str) -> Result<(), ShapeError> {
        check(&parse_query(query).unwrap(), LIMITS)
    }

    /// `levels` fragments, each spreading the one below `fanout` times.
    fn explosion(levels: usize, fanout: usize) -> String {
        let mut query = String::from("{ ...F0 }\nfragment F0 on Query { ...F1 }\n");
        for level in 1..levels {
            let spread = format!(" ...F{}", level + 1);
            query.push_str(&format!("fragment F{level} on Query {{{}}}\n", spread.repeat(fanout)));
        }
        query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
        query
    }

    #[test]
    fn fragment_explosions_are_measured_without_expanding_them() {
        assert_eq!(
            shape(&explosion(30, 10)),
            Err(ShapeError::TooManySelections { limit: 1_000 })
        );
        assert_eq!(shape(&explosion(2, 3)), Ok(()));
    }

    #[test]
    fn long_fragment_chains_cost_no_stack() {
        let mut query = String::from("{ ...F0 }\n");
        for n in 0..20_000 {
            query.push_str(&format!("fragment F{n} on Query {{ ...F{} }}\n", n + 1));
        }
        query.push_str("fragment F20000 on Query { __typename }\n");
        assert!(matches!(shape(&query), Err(ShapeError::TooManySelections { .. })));
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let query = "{ ...A } fragment A on Query { ...B } fragment B on Query { viewer { ...A } }";
        assert!(matches!(shape(query), Err(ShapeError::FragmentCycle { .. })));
    }

    #[test]
    fn depth_counts_through_fragments() {
        let deep_fragment = format!("{{ ...F }} fragment F on Query {}", "{ a ".repeat(22) + &"}".repeat(22));
        assert_eq!(shape(&deep_fragment), Err(ShapeError::TooDeep { limit: 20 }));
    }

    #[test]
    fn aliases_are_counted_everywhere() {
        let eleven: String = (0..11).map(|n| format!(" a{n}: viewer {{ id }}")).collect();
        assert_eq!(
            shape(&format!("{{{eleven} }}")),
            Err(ShapeError::TooManyAliases { limit: 10 })
        );
        let in_fragment = format!("{{ ...F }} fragment F on Query {{ ... on Query {{{eleven} }} }}");
        assert_eq!(shape(&in_fragment), Err(ShapeError::TooManyAliases { limit: 10 }));
    }

    #[test]
    fn root_mutation_fields_are_counted_through_fragments() {
        assert_eq!(shape("mutation { a b c }"), Ok(()));
        assert_eq!(
            shape("mutation { a b ...M } fragment M on Mutation { c ... on Mutation { d } }"),
            Err(ShapeError::TooManyRootMutationFields { limit: 3 })
        );
        // A query's root is not limited that way.
        assert_eq!(shape("{ a b c d e }"), Ok(()));
    }
}

//! Which operations a transport may run: mutations go over `POST /graphql` only. The WebSocket
//! carries subscriptions (and reads); a mutation sent on it is refused before it runs, so every
//! write passes the HTTP path's media-type check, request timeout and rate budgets.

use async_graphql::parser::types::{ExecutableDocument, OperationType};

use super::scan::{Lexeme, lexemes};

/// Marks the data of a WebSocket connection (see [`crate::connection_data`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverWebSocket;

/// Whether `query` holds a top-level `mutation` keyword, told by one flat scan of its text
/// (linear time, no allocation, no recursion), so that a mutation budget can be charged before
/// anything parses the document.
///
/// The keyword counts outside every bracket, string and comment — which is where, and only
/// where, an operation's kind is written. A document holding a mutation next to a query counts
/// even when the request runs the query, and so does an operation or fragment named `mutation`:
/// harmless over-counts; no mutation can run without being counted.
pub fn mentions_mutation(query: &str) -> bool {
    let mut depth = 0_usize;
    for (_, lexeme) in lexemes(query) {
        match lexeme {
            Lexeme::Open => depth += 1,
            Lexeme::Close => depth = depth.saturating_sub(1),
            Lexeme::Name { text, directive } => {
                if depth == 0 && !directive && text == b"mutation" {
                    return true;
                }
            }
        }
    }
    false
}

/// Whether the operation `document` would run (the one named `operation_name`, or any when no
/// name is given: execution then picks the only one or reports the ambiguity) is a mutation.
pub(super) fn selects_mutation(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    document.operations.iter().any(|(name, operation)| {
        let chosen = match (operation_name, name) {
            (Some(wanted), Some(name)) => wanted == name.as_str(),
            (None, _) => true,
            (Some(_), None) => false,
        };
        chosen && operation.node.ty == OperationType::Mutation
    })
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    #[test]
    fn the_chosen_operation_decides() {
        let mutation = parse_query("mutation { createOrganization(slug: \"a\", name: \"A\") { id } }").unwrap();
        assert!(selects_mutation(&mutation, None));
        let query = parse_query("{ viewer { user { id } } }").unwrap();
        assert!(!selects_mutation(&query, None));
        let both =
            parse_query("query Q { viewer { user { id } } } mutation M { removeMember(org: \"a\", project: \"b\", subject: \"c\") }")
                .unwrap();
        assert!(selects_mutation(&both, Some("M")));
        assert!(!selects_mutation(&both, Some("Q")));
        assert!(!selects_mutation(&both, Some("Other")));
        // Unnamed with several operations: execution refuses the ambiguity, the guard first.
        assert!(selects_mutation(&both, None));
    }

    #[test]
    fn mutations_are_found_at_the_top_level() {
        assert!(mentions_mutation(
            "mutation { createOrganization(slug: \"a\", name: \"A\") { id } }"
        ));
        assert!(mentions_mutation("mutation M($s: String!) { a(s: $s) }"));
        assert!(mentions_mutation("  \n# a comment\nmutation{a}"));
        assert!(mentions_mutation("query Q { a } mutation M { b }"));
        assert!(mentions_mutation("fragment F on Query { a }\nmutation { b }"));
    }

    #[test]
    fn queries_and_mentions_elsewhere_are_not_mutations() {
        assert!(!mentions_mutation("{ viewer { user { id } } }"));
        assert!(!mentions_mutation("query { mutation }"), "a field named mutation");
        assert!(!mentions_mutation("query Q($mutation: Int) { a }"));
        assert!(!mentions_mutation("query Q @mutation { a }"));
        assert!(!mentions_mutation("{ a(x: \"mutation { b }\") }"));
        assert!(!mentions_mutation("{ a(x: \"\"\"\nmutation { b }\n\"\"\") }"));
        assert!(!mentions_mutation("# mutation { b }\n{ a }"));
        assert!(!mentions_mutation("query mutations { a }"));
        assert!(!mentions_mutation("subscription { releaseUpdated { id } }"));
        assert!(!mentions_mutation(""));
    }

    #[test]
    fn hostile_text_is_scanned_without_trouble() {
        let deep = format!("{}mutation{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(!mentions_mutation(&deep), "inside brackets");
        assert!(
            mentions_mutation(&format!("{}mutation", "}".repeat(1_000))),
            "unbalanced closers"
        );
        assert!(!mentions_mutation("\"never closed mutation"));
        assert!(!mentions_mutation("\"\"\"never closed mutation"));
    }
}

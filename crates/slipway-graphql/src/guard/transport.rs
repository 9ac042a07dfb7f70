//! Which operations a transport may run: mutations go over `POST /graphql` only. The WebSocket
//! carries subscriptions (and reads); a mutation sent on it is refused before it runs, so every
//! write passes the HTTP path's media-type check, request timeout and rate budgets.

use async_graphql::parser::types::{ExecutableDocument, OperationType};

/// Marks the data of a WebSocket connection (see [`crate::connection_data`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverWebSocket;

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
}

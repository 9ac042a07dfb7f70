//! Codes for the errors async-graphql raises itself, before any resolver runs: a query that does
//! not parse (`GRAPHQL_PARSE_FAILED`) or does not validate against the schema or its limits —
//! unknown fields, wrong argument types, too deep, too complex (`GRAPHQL_VALIDATION_FAILED`). So
//! every error a client sees carries `extensions.code`. The schema's one extension (the document
//! guard, [`crate::guard`]) applies them in its `parse_query` and `validation` hooks.

use async_graphql::ServerError;

/// The code of a query that does not parse (or nests fragments or directives too much).
pub(crate) const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The code of a query that does not validate.
pub(crate) const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// Adds `code` to an error that has none.
fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// A parse error with its code (the document guard's `parse_query` hook).
pub(crate) fn parse_failed(error: ServerError) -> ServerError {
    with_code(error, PARSE_FAILED)
}

/// Validation errors with their code (the document guard's `validation` hook).
pub(crate) fn validation_failed(errors: Vec<ServerError>) -> Vec<ServerError> {
    errors.into_iter().map(|e| with_code(e, VALIDATION_FAILED)).collect()
}

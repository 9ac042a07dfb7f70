//! Codes for the errors async-graphql raises itself, before any resolver runs: a query that does
//! not parse (`GRAPHQL_PARSE_FAILED`) or does not validate against the schema or its limits —
//! unknown fields, wrong argument types, too deep, too complex (`GRAPHQL_VALIDATION_FAILED`). So
//! every error a client sees carries `extensions.code`.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};

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

/// The schema extension that adds the codes.
pub(crate) struct DocumentErrorCodes;

impl ExtensionFactory for DocumentErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentErrorCodes)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(|e| with_code(e, VALIDATION_FAILED)).collect())
    }
}

//! The document guard: every request, over HTTP or WebSocket, is measured before anything
//! recursive or costly touches it, and refused cheaply when it passes a limit.
//!
//! In order, as a schema extension's `prepare_request` (which async-graphql runs before it
//! parses, checks or validates anything, for queries, mutations and subscriptions alike):
//! 1. the query text's bracket nesting ([`nesting`]: a flat scan, linear time);
//! 2. the parse, whose syntax errors are reworded so they never echo the query text back (a
//!    secret written inline in a mutation must not come back in an error);
//! 3. the parsed document's shape ([`shape`]: selections and depth with fragments expanded,
//!    aliases, root fields of a mutation), measured with each fragment summarized once;
//! 4. the nesting of the variables;
//! 5. the transport ([`transport`]): a mutation sent over the WebSocket is refused (mutations go
//!    over `POST` only).
//!
//! The parsed document is then handed on, so async-graphql does not parse it again. Before all of
//! that, an operation sent over a WebSocket is charged to its connection's budget and counted
//! among the operations the connection runs ([`sockets`], the extension's `subscribe` hook).

mod nesting;
mod offload;
mod scan;
mod shape;
mod sockets;
mod transport;

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextSubscribe, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensionValues, Pos, Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use futures_util::stream::BoxStream;

use crate::codes::{self, PARSE_FAILED, VALIDATION_FAILED};
pub(crate) use shape::ShapeLimits;
pub(crate) use sockets::Running;
pub use sockets::{MAX_OPERATIONS_PER_CONNECTION, OperationBudget, OverBudget, budget_operations};
pub(crate) use transport::OverWebSocket;
pub use transport::mentions_mutation;

/// The guard's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GuardLimits {
    /// Deepest bracket nesting of the query text, and deepest nesting of the variables.
    pub max_nesting: usize,
    /// The document's shape limits.
    pub shape: ShapeLimits,
}

/// The schema's one extension: the guard, plus the error codes of parsing and validation
/// ([`codes`]) and the WebSocket operation observer ([`crate::observe`]). One extension, not
/// three, because async-graphql wraps every field's resolution in each extension's hook: each
/// extra extension costs every field of every answer.
pub(crate) struct DocumentGuard(pub GuardLimits);

impl ExtensionFactory for DocumentGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentGuard(self.0))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentGuard {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(codes::parse_failed)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(codes::validation_failed)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, sockets::admit(ctx, stream))
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        crate::observe::tell(ctx, &request);
        let limits = self.0;
        let websocket = ctx.data_opt::<OverWebSocket>().is_some();
        offload::run(request.query.len(), || check(&mut request, limits, websocket))?;
        next.run(ctx, request).await
    }
}

/// Every check, in order: nesting before parsing, the parsed shape, the variables, the
/// transport (`websocket`: the request came over a WebSocket connection).
fn check(request: &mut Request, limits: GuardLimits, websocket: bool) -> ServerResult<()> {
    if let Err(deep) = nesting::check(&request.query, limits.max_nesting) {
        return Err(refusal(
            format!("the document nests brackets deeper than {} levels", deep.limit),
            Some(Pos {
                line: deep.line,
                column: deep.column,
            }),
            PARSE_FAILED,
        ));
    }
    let document = request.parsed_query().map_err(without_source_text)?;
    if let Err(error) = shape::check(document, limits.shape) {
        return Err(refusal(error.to_string(), None, VALIDATION_FAILED));
    }
    if variables_too_deep(&request.variables, limits.max_nesting) {
        return Err(refusal(
            format!("the variables nest deeper than {} levels", limits.max_nesting),
            None,
            VALIDATION_FAILED,
        ));
    }
    if websocket {
        let operation = request.operation_name.clone();
        let document = request.parsed_query().map_err(without_source_text)?;
        if transport::selects_mutation(document, operation.as_deref()) {
            return Err(refusal(
                "mutations are sent with POST /graphql, not over the WebSocket".to_owned(),
                None,
                VALIDATION_FAILED,
            ));
        }
    }
    Ok(())
}

fn refusal(message: String, pos: Option<Pos>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// A parse error without the quoted source: pest's message quotes the offending line; only its
/// `= expected …` part and the position are kept.
fn without_source_text(error: ServerError) -> ServerError {
    if !error.message.contains('\n') {
        return with_parse_code(error);
    }
    let expected = error
        .message
        .lines()
        .find_map(|line| line.trim().strip_prefix("= "))
        .map(str::to_owned);
    let message = match expected {
        Some(expected) => format!("syntax error: {expected}"),
        None => "syntax error".to_owned(),
    };
    with_parse_code(ServerError { message, ..error })
}

fn with_parse_code(mut error: ServerError) -> ServerError {
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", PARSE_FAILED);
    error
}

/// Whether any variable nests lists or objects deeper than `limit` (walked on an explicit
/// stack).
fn variables_too_deep(variables: &Variables, limit: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = variables.values().map(|v| (v, 1)).collect();
    while let Some((value, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::List(items) => Box::new(items.iter()),
            Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth > limit {
            return true;
        }
        stack.extend(children.map(|child| (child, depth + 1)));
    }
    false
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn syntax_errors_do_not_quote_the_query() {
        let secret = "sk-live-very-secret";
        let error = Request::new(format!("mutation {{ setProviderCredential(secret: \"{secret}\" }}"))
            .parsed_query()
            .map(|_| ())
            .unwrap_err();
        let error = without_source_text(error);
        assert!(!error.message.contains(secret), "{}", error.message);
        assert!(error.message.starts_with("syntax error"), "{}", error.message);
        assert!(!error.locations.is_empty());
    }

    #[test]
    fn variable_nesting_is_measured_without_recursion() {
        let mut deep = json!(1);
        for _ in 0..1_000 {
            deep = json!([deep]);
        }
        let vars = Variables::from_json(json!({ "v": deep }));
        assert!(variables_too_deep(&vars, 64));
        assert!(!variables_too_deep(
            &Variables::from_json(json!({"v": {"a": [1, {"b": 2}]}})),
            3
        ));
        assert!(variables_too_deep(
            &Variables::from_json(json!({"v": {"a": [1, {"b": []}]}})),
            3
        ));
    }
}

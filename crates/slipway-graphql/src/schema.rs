//! Building the schema: the roots, the service as schema data, the limits, and the SDL.

use async_graphql::{Data, Request, Schema};
use slipway_service::{Ctx, Service};

use crate::context::RequestState;
use crate::guard::{DocumentGuard, GuardLimits, ShapeLimits};
use crate::mutation::MutationRoot;
use crate::query::QueryRoot;
use crate::subscription::SubscriptionRoot;

/// Slipway's GraphQL schema.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Limits and switches of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaOptions {
    /// The deepest selection accepted (introspection included: GraphiQL's introspection query
    /// is 13 levels deep).
    pub max_depth: usize,
    /// The most complex query accepted: every field costs 1, and a connection field costs
    /// `first` (20 by default) times its selection.
    pub max_complexity: usize,
    /// The most directives on one field.
    pub max_directives: usize,
    /// The deepest nesting of selections once fragments are expanded, with every spread and
    /// inline fragment counted as a level.
    pub max_recursive_depth: usize,
    /// The deepest bracket nesting (`{`, `[`, `(`) of a document's text and the deepest nesting
    /// of its variables, checked by a flat scan before the document is parsed.
    pub max_nesting: usize,
    /// The most selections (fields, spreads, inline fragments) a document may make once its
    /// fragments are expanded, all operations and fragment definitions counted.
    pub max_selections: u64,
    /// The most aliased fields in one document.
    pub max_aliases: u64,
    /// The most root fields one mutation may run (after fragments are expanded): one request,
    /// that many writes at most.
    pub max_root_mutation_fields: u64,
    /// Whether `__schema`/`__type` introspection is answered (switch off in production to not
    /// hand out the schema; the committed `schema.graphql` is the contract anyway).
    pub introspection: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 10_000,
            max_directives: 8,
            max_recursive_depth: 32,
            max_nesting: 64,
            max_selections: 2_000,
            max_aliases: 30,
            max_root_mutation_fields: 5,
            introspection: true,
        }
    }
}

/// The schema over `service`, with `options`' limits.
pub fn build_schema(service: Service, options: SchemaOptions) -> AppSchema {
    let builder = Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
        .data(service)
        .extension(DocumentGuard(GuardLimits {
            max_nesting: options.max_nesting,
            shape: ShapeLimits {
                max_selections: options.max_selections,
                max_depth: options.max_recursive_depth,
                max_aliases: options.max_aliases,
                max_root_mutation_fields: options.max_root_mutation_fields,
            },
        }))
        .limit_depth(options.max_depth)
        .limit_complexity(options.max_complexity)
        .limit_directives(options.max_directives)
        .limit_recursive_depth(options.max_recursive_depth);
    if options.introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The schema's SDL: what `schema.graphql` holds and `slipway schema` prints. Built without a
/// service: the SDL depends only on the types.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
        .finish()
        .sdl()
}

/// Attaches the caller (`None`: anonymous) to a request, with the request's batch loaders.
/// Resolvers that need a user answer `UNAUTHENTICATED` without one. (A bare `Ctx` or
/// `Option<Ctx>` in the request data also works, but without batching.)
pub fn attach(service: &Service, request: Request, caller: Option<Ctx>) -> Request {
    request.data(RequestState::new(service, caller))
}

/// The data of a subscription connection (graphql-transport-ws `connection_init`) for its
/// caller: what `GraphQLWebSocket::on_connection_init` returns.
pub fn connection_data(service: &Service, caller: Option<Ctx>) -> Data {
    let mut data = Data::default();
    data.insert(RequestState::new(service, caller));
    data.insert(crate::guard::OverWebSocket);
    data.insert(crate::guard::Running::default());
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `schema.graphql` is generated from the code; CI compares them.
    #[test]
    fn committed_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema.graphql");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == sdl(),
            "schema.graphql is out of date: run cargo xtask schema"
        );
    }
}

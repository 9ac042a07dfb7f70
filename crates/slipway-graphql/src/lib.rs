//! Slipway's GraphQL API: an async-graphql schema over `slipway-service`.
//!
//! This is the only crate that names async-graphql; the server builds the schema with
//! [`build_schema`], attaches each request's caller with [`attach`] (or a WebSocket
//! connection's with [`connection_init`]), and serves it with async-graphql-axum.
//!
//! * Every operation of DESIGN.md §3 is here; projects are addressed by organization slug and
//!   project slug (`org:` and `project:` arguments), releases and keys by id.
//! * Object types wrap domain values; lists are Relay connections (`first`/`after`,
//!   `edges { cursor node }`, `pageInfo { hasNextPage endCursor }`); related values load through
//!   per-request batch loaders.
//! * Every error carries `extensions.code`: from [`slipway_service::ServiceError::code`] for
//!   what the service refused (internal errors masked, with `extensions.requestId`), and
//!   `GRAPHQL_PARSE_FAILED` / `GRAPHQL_VALIDATION_FAILED` for documents refused before running.
//! * Every document passes a guard before anything recursive or costly touches it: bracket
//!   nesting (a flat scan of the text), selections and depth with fragments expanded (each
//!   fragment measured once), aliases, root fields per mutation, variable nesting. Those limits,
//!   with depth, complexity and directive limits, are set by [`SchemaOptions`]; introspection
//!   can be switched off.

// Doc comments here become the published schema's descriptions (schema.graphql), so an
// undocumented public item fails the build here, not only as a workspace warning.
#![deny(missing_docs)]

mod codes;
mod context;
mod error;
mod guard;
mod loaders;
pub mod mutation;
mod observe;
mod pagination;
pub mod query;
mod schema;
mod scope;
pub mod subscription;
mod transport;
pub mod types;

pub use guard::{MAX_OPERATIONS_PER_CONNECTION, OperationBudget, OverBudget, budget_operations, mentions_mutation};
pub use observe::{OperationObserver, observe_operations};
pub use schema::{AppSchema, SchemaOptions, attach, build_schema, connection_data, sdl};
pub use transport::{connection_init, connection_token};

/// async-graphql's HTTP helpers (parsing GET query strings, WebSocket protocol names).
pub use async_graphql::http;
/// The async-graphql types the server needs to serve the schema (it may not name async-graphql
/// itself).
pub use async_graphql::{BatchRequest, BatchResponse, Data, Error, Request, Response, ServerError, Variables};

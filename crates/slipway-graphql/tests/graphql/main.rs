//! In-process tests of the GraphQL schema over a real service on a temporary SQLite database:
//! `schema.execute(request.data(caller))`, asserting what a client would see.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod harness;

mod dashboard;
mod errors;
mod flow;
mod guard;
mod limits;
mod matrix;
mod pagination;
mod query_counts;
mod subscriptions;

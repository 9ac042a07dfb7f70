//! The store's contract suite: every test runs on SQLite, and on PostgreSQL when
//! `SLIPWAY_TEST_DATABASE_URL` is set, each on a fresh database built by the real migrations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod fixtures;
mod support;

mod audit;
mod audit_head;
mod concurrency;
mod environments;
mod identity;
mod legacy_text;
mod notices;
mod pool;
mod releases;
mod resources;
mod schema;
mod webhooks;

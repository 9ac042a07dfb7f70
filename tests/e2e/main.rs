//! End-to-end tests: each starts the real server (the `slipway` binary's library half) on
//! 127.0.0.1 port 0 with a fresh database, and talks HTTP, Server-Sent Events and WebSocket to
//! it like any client. SQLite always; PostgreSQL too, for the tests that say so, when
//! `SLIPWAY_TEST_DATABASE_URL` is set. Logs appear only with `TEST_LOG` set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod access_log;
mod api_key_expiry;
mod approvals;
mod audit;
mod bad_input;
mod chat;
mod cli;
mod connections;
mod crash;
mod dashboard;
mod fake_upstream;
mod gateway;
mod helpers;
mod hostile;
mod instances;
mod media_types;
mod metrics;
mod oidc;
mod oidc_groups;
mod oidc_issuer;
mod openapi;
mod outage;
mod people_cli;
mod people_reads;
mod process;
mod races;
mod rate_limit;
mod revocation;
mod shutdown;
mod socket_limits;
mod sse;
mod subscriptions;
mod tour;
mod watch;
mod watch_resume;
mod webhooks;

//! The service's test suite: the whole story of DESIGN.md through the service's API, on SQLite
//! always and on PostgreSQL when `SLIPWAY_TEST_DATABASE_URL` is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step should stop the test loudly"
)]

mod background;
mod harness;
mod memory;
mod people_reads;
mod provider_memberships;
mod races;
mod rules;
mod sessions;
mod snapshot_property;
mod story;
mod streams;
mod webhooks;

//! Property tests of issue 2's invariants: the environment aggregate, releases and pointers,
//! resolution and canonical JSON, each over random operation sequences or random values.
//!
//! One test binary; each concern is a module under `properties/` (named by `#[path]` so that
//! cargo does not take them for test binaries of their own).

// Model helpers outside `#[test]` functions unwrap and panic too, which clippy's test exemption
// does not cover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "properties/canonical.rs"]
mod canonical;
#[path = "properties/environments.rs"]
mod environments;
#[path = "properties/fixtures.rs"]
mod fixtures;
#[path = "properties/membership_sync.rs"]
mod membership_sync;
#[path = "properties/releases.rs"]
mod releases;
#[path = "properties/resolution.rs"]
mod resolution;
#[path = "properties/routing_calls.rs"]
mod routing_calls;

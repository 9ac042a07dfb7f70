//! Fuzzing of every parser the domain exposes, as properties over random input: nothing panics
//! on arbitrary strings or JSON, accepted values round-trip and are already in canonical form,
//! refused input gives a [`ValidationError`](slipway_domain::ValidationError) naming a field.
//!
//! One test binary, one module per parser family under `fuzz/`. The number of cases per
//! property comes from `SLIPWAY_FUZZ_CASES` (256 by default, so the suite runs briefly inside
//! the normal test run); `cargo xtask fuzz [--cases N]` runs just this binary for longer.

// Strategies and oracles outside `#[test]` functions unwrap and panic too, which clippy's test
// exemption does not cover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "fuzz/content.rs"]
mod content;
#[path = "fuzz/identifiers.rs"]
mod identifiers;
#[path = "fuzz/policy.rs"]
mod policy;
#[path = "fuzz/prompts.rs"]
mod prompts;
#[path = "fuzz/providers.rs"]
mod providers;
#[path = "fuzz/routing.rs"]
mod routing;
#[path = "fuzz/slugs.rs"]
mod slugs;
#[path = "fuzz/support.rs"]
mod support;
#[path = "fuzz/text.rs"]
mod text;

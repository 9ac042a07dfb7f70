//! The client against the real `slipway serve` (SQLite, a free port): initial load, deployments
//! through the stream, reconnecting after a restart, the last good configuration while Slipway is
//! down, bootstrap without a server, refusals, fallback.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod loading;
mod outage;
mod server;
mod stream;

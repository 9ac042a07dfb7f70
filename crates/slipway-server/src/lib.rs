//! The `slipway` server: configuration, the axum router (GraphQL, the gateway's REST and
//! Server-Sent Events endpoints, health and metrics), graceful shutdown and the operator
//! commands. The binary (`src/main.rs`) only parses the command line and calls in here, so that
//! the end-to-end tests can start the very same server in-process.
//!
//! * [`config::Settings`] — flags, then `SLIPWAY_*` variables, then a TOML file, then defaults.
//! * [`server::Server`] — build from settings, bind, run until [`shutdown::Shutdown`] fires.
//! * [`app::router`] — routes and middleware.

pub mod app;
pub mod auth;
pub mod call_metrics;
pub mod chat;
pub mod cli;
pub mod commands;
pub mod config;
pub mod config_reference;
pub mod connection;
pub mod dashboard;
pub mod duration;
pub mod embedded;
pub mod error;
pub mod failure;
pub mod follow;
pub mod gateway;
pub mod graphiql;
pub mod graphql;
pub mod group_settings;
pub mod health;
pub mod hot;
pub mod listener;
pub mod media;
pub mod metrics;
pub mod oidc;
pub mod oidc_client;
pub mod openapi;
pub mod precompressed;
pub mod rate_limit;
pub mod remote;
pub mod request_id;
pub mod server;
pub mod shutdown;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod watch;
pub mod webhooks;

pub use config::Settings;
pub use server::Server;
pub use shutdown::Shutdown;

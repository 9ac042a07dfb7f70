//! Slipway's Rust client for applications and gateways: what an environment serves, read from
//! memory, kept current by Slipway's watch stream, and still served when Slipway is unreachable.
//!
//! [`ClientBuilder::build`] loads the configuration once (waiting up to a timeout, 10 s by
//! default), then follows `GET /v1/config/watch`: every deployment arrives as it happens, so reads
//! ([`Client::get_prompt`], [`Client::get_routing_rule`], [`Client::get_provider`],
//! [`Client::get_config`]) never wait on the network and never poll. When the stream drops, the
//! client reconnects with backoff and jitter, resuming with `Last-Event-ID`, and revalidates with
//! `If-None-Match` meanwhile; whatever fails, it keeps serving the last good configuration. A
//! cold start without Slipway can begin from a file ([`ClientBuilder::bootstrap_file`], written by
//! [`ClientBuilder::persist_to`]) or a value ([`ClientBuilder::bootstrap`]).
//!
//! ```no_run
//! use std::collections::BTreeMap;
//! use slipway_client::Client;
//!
//! # async fn example() -> Result<(), slipway_client::Error> {
//! let client = Client::builder("http://127.0.0.1:8080", "slw_…")
//!     .environment("prod")
//!     .persist_to("slipway-cache.json")
//!     .bootstrap_file("slipway-cache.json")
//!     .on_change(|change| eprintln!("now serving {:?}", change.configuration.etag()))
//!     .build()
//!     .await?;
//! let greeting = client.get_prompt("greeting", None)?;
//! println!("version {} from {}", greeting.version, greeting.served_from);
//! let messages = greeting.render(&BTreeMap::from([("name".into(), "Ada".into())]))?;
//! # let _ = messages;
//! # Ok(())
//! # }
//! ```
//!
//! The API key (or JWT) is sent as a bearer header and never appears in an [`Error`] or in any
//! `Debug` output. HTTPS needs a TLS backend: this crate leaves reqwest's choice to the
//! application (enable one of reqwest's TLS features, e.g. `rustls-tls`, in its own manifest).

mod backoff;
mod builder;
mod client;
mod config;
mod error;
mod follow;
mod persist;
mod render;
mod shared;
mod sse;

pub use builder::ClientBuilder;
pub use client::Client;
pub use config::{Configuration, Entry, Served};
pub use error::Error;
pub use render::{RenderedMessage, render};
pub use shared::{Change, Status};

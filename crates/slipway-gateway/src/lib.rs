//! Slipway's data plane: a chat call made with what an environment serves. The service's
//! snapshot says which provider activations are live; the domain's rules say which route,
//! target and attempts; this crate makes the attempts over one pooled HTTP client, through one
//! adapter per provider API, and answers in OpenAI's chat-completion shape (whole or as chunk
//! events). It also holds the webhook sender's HTTP client ([`webhook`]), which checks every
//! address it connects to.
//!
//! Named only by `slipway-server`, which turns HTTP requests into [`Call`]s and [`Answer`]s back
//! into responses.

pub mod adapters;
mod answer;
mod call;
mod credentials;
mod request;
pub mod sse;
mod stream;
mod targets;
pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use slipway_service::Service;

pub use answer::{Answer, AnswerBody, AttemptOutcome, AttemptRecord, CallError, StreamPiece, Usage};
pub use call::Call;
pub use request::{ChatRequest, role_name};
pub use targets::provider_for_model;

use credentials::CredentialCache;

/// Settings of the outbound HTTP client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Limit on establishing a connection (TCP and TLS) to an upstream.
    pub connect_timeout: Duration,
    /// How long an idle pooled connection is kept.
    pub pool_idle_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            pool_idle_timeout: Duration::from_secs(90),
        }
    }
}

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
#[error("the outbound HTTP client could not be built: {0}")]
pub struct BuildError(String);

/// The data plane: cheap to clone, shared by every call.
#[derive(Debug, Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    service: Service,
    credentials: CredentialCache,
}

impl Gateway {
    /// A gateway over `service`'s snapshots, with one pooled client (keep-alive, HTTP/2 where
    /// the upstream offers it, rustls).
    ///
    /// # Errors
    /// The TLS stack cannot be set up.
    pub fn new(service: Service, options: &ClientOptions) -> Result<Self, BuildError> {
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .pool_idle_timeout(options.pool_idle_timeout)
            // Redirects could carry a credential header to another host: never follow them.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("slipway-gateway")
            .build()
            .map_err(|e| BuildError(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                service,
                credentials: CredentialCache::default(),
            }),
        })
    }
}

/// A fresh random roll for a routing rule's weighted choice (the domain takes it as input so
/// its rules stay deterministic under test).
pub fn random_roll() -> u64 {
    rand::random()
}

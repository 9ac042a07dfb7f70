//! The state every handler shares: the service, the authenticator, metrics, the GraphQL schema,
//! the rate limits and the shutdown signal, behind one `Arc`: axum clones the state for every
//! request (more than once), so a clone must be one reference count, not one per field.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use slipway_service::Service;

use crate::auth::Authenticator;
use crate::graphql::GraphqlState;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::shutdown::Shutdown;

/// Shared handler state (its fields through `Deref`).
#[derive(Debug, Clone)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    /// Shares `state`.
    pub fn new(state: SharedState) -> Self {
        Self(Arc::new(state))
    }
}

impl Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// What [`AppState`] shares.
#[derive(Debug)]
pub struct SharedState {
    /// The use cases.
    pub service: Service,
    /// Bearer credentials → callers.
    pub auth: Authenticator,
    /// Request and gateway metrics.
    pub metrics: Metrics,
    /// The GraphQL schema and its HTTP options.
    pub graphql: GraphqlState,
    /// Fires when the server starts shutting down (streams end then).
    pub shutdown: Shutdown,
    /// Interval of keep-alives on long-lived streams.
    pub keepalive: Duration,
    /// The rate budgets (the authenticator counts callers against the same ones).
    pub rate_limits: RateLimits,
    /// The data plane: chat calls through providers.
    pub gateway: slipway_gateway::Gateway,
}

impl FromRef<AppState> for Authenticator {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

impl FromRef<AppState> for RateLimits {
    fn from_ref(state: &AppState) -> Self {
        state.rate_limits.clone()
    }
}

impl FromRef<AppState> for Metrics {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

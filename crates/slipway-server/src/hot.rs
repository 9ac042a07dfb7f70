//! The hot routes' stack. Gateway reads (`/v1/config`, `/v1/config/{kind}/{key}`) and model
//! calls (`/v1/prompts/{key}/chat`, `/v1/chat/completions`) are what applications send on
//! their own hot path, so they skip the general stack's nine layers — each of which boxes and
//! moves the request's future — and pass one middleware that does the same work in one future:
//! the request id, the tracing span and access log, the per-address budget, the time limit,
//! JSON errors and the request metrics. Compression is not among them: gateway answers carry
//! bodies compressed once per snapshot (see [`precompressed`](crate::precompressed)), and a
//! chat answer is small or a stream.
//!
//! Everything else routes through the general stack in [`app`](crate::app).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;

use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::{app, rate_limit, request_id, telemetry};

/// What the hot middleware needs, shared by every request of its routes.
#[derive(Clone)]
pub struct HotStack(Arc<Inner>);

struct Inner {
    metrics: Metrics,
    limits: RateLimits,
    timeout: Duration,
}

impl HotStack {
    /// The stack of routes answered within `timeout`.
    pub fn new(metrics: Metrics, limits: RateLimits, timeout: Duration) -> Self {
        Self(Arc::new(Inner {
            metrics,
            limits,
            timeout,
        }))
    }
}

/// The middleware: what the general stack does for a request, in one future.
pub async fn serve(State(stack): State<HotStack>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let ids = request_id::take(&mut request);
    let span = telemetry::request_span(&request);
    let route = request.extensions().get::<MatchedPath>().cloned();
    let method = request.method().clone();
    let mut response = match rate_limit::middleware::over_budget(&stack.0.limits, &request) {
        Some(refused) => refused,
        None => match tokio::time::timeout(stack.0.timeout, next.run(request).instrument(span.clone())).await {
            Ok(response) => app::as_json_error(response),
            Err(_) => span.in_scope(|| app::timed_out(stack.0.timeout, None)),
        },
    };
    request_id::stamp(&ids, &mut response);
    let latency = started.elapsed();
    stack.0.metrics.record_request(
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        method.as_str(),
        response.status().as_u16(),
        latency.as_secs_f64(),
    );
    let status = response.status();
    span.in_scope(|| {
        if status.is_server_error() {
            // As the general stack's tracing layer reports them.
            tracing::error!(status = status.as_u16(), "response failed");
        }
        telemetry::log_access(status.as_u16(), latency);
    });
    response
}

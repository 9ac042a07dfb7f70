//! Logging: the `tracing` subscriber (text or JSON lines, filtered by `SLIPWAY_LOG`), and the
//! per-request span that carries the request id into every log line of a request.

use std::io::IsTerminal as _;
use std::time::Duration;

use slipway_service::{Caller, Ctx};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnBodyChunk, DefaultOnEos, DefaultOnFailure, MakeSpan, OnResponse, TraceLayer};
use tracing::{Level, Span};
use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;
use slipway_domain::audit::CallerRequestId;

use crate::request_id::RequestId;

/// Quiet defaults for chatty dependencies, appended to the configured filter.
const QUIET: &str = "sqlx::postgres::notice=warn,sqlx::query=warn,sea_orm_migration=warn";

/// Installs the global subscriber writing to standard error. Returns false when one was
/// already installed (tests start several servers in one process).
pub fn init(filter: &str, format: LogFormat) -> bool {
    let filter = EnvFilter::try_new(format!("{filter},{QUIET}")).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal: never in files, pipes or a log collector.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
            .is_ok(),
        LogFormat::Text => builder.try_init().is_ok(),
    }
}

/// The target of the access log: one line per answered request, at `debug` (off by default; on
/// with `SLIPWAY_LOG=info,slipway::access=debug`). A line per request at `info` costs a gateway
/// a large share of its throughput and fills disks under load.
pub const ACCESS_LOG: &str = "slipway::access";

/// Makes the `request` span: method, path (never the query string), the server's request id
/// and the caller's, when it gave one that was kept; `caller` (who, never a credential) and
/// `operation` (a GraphQL operation's name) are recorded once known.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        request_span(request)
    }
}

/// The `request` span of `request` (see [`RequestSpan`]).
pub fn request_span<B>(request: &axum::http::Request<B>) -> Span {
    let ids = request.extensions().get::<RequestId>();
    let id = ids.map(RequestId::as_str).unwrap_or_default();
    // The caller's id is recorded only when it was kept (short and plain), never as sent.
    let caller_request_id = ids.and_then(RequestId::caller).map(CallerRequestId::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
        caller_request_id,
        caller = tracing::field::Empty,
        operation = tracing::field::Empty,
    )
}

/// Records who made the current request on its span (`user:SUBJECT` or `api_key:ID`).
pub fn record_caller(ctx: &Ctx) {
    // Formatting the caller costs a busy gateway; a span that is off records nothing anyway.
    let span = Span::current();
    if span.is_disabled() {
        return;
    }
    let who = match &ctx.caller {
        Caller::User(user) => format!("user:{}", user.subject),
        Caller::ApiKey(key) => format!("api_key:{}", key.id),
        Caller::System => return,
    };
    span.record("caller", who.as_str());
}

/// Records the GraphQL operation name of the current request on its span, when it is a GraphQL
/// name of at most 100 characters (anything else a client sent is not written to logs).
pub fn record_operation(name: Option<&str>) {
    if let Some(name) = name.filter(|n| is_plain_operation_name(n)) {
        Span::current().record("operation", name);
    }
}

/// A GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`) of 1 to 100 characters.
fn is_plain_operation_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name
            .bytes()
            .enumerate()
            .all(|(i, b)| b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit()))
}

/// The access-log line of each response: status and latency in milliseconds as numbers.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessLog;

impl<B> OnResponse<B> for AccessLog {
    fn on_response(self, response: &axum::http::Response<B>, latency: Duration, _span: &Span) {
        log_access(response.status().as_u16(), latency);
    }
}

/// Writes the access-log line of an answer with `status`, `latency` after its request arrived.
pub fn log_access(status: u16, latency: Duration) {
    tracing::debug!(
        target: ACCESS_LOG,
        status,
        latency_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}

/// The tracing layer of the router: a span per request, an access-log line per response.
pub fn trace_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    RequestSpan,
    (),
    AccessLog,
    DefaultOnBodyChunk,
    DefaultOnEos,
    DefaultOnFailure,
> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(AccessLog)
        .on_failure(DefaultOnFailure::new().level(Level::ERROR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_operation_names_are_recorded() {
        for name in ["Overview", "_private", "q1", "A_b_2"] {
            assert!(is_plain_operation_name(name), "{name}");
        }
        let long = "a".repeat(101);
        for name in ["", "1q", "a\nforged line", "a b", "é", long.as_str()] {
            assert!(!is_plain_operation_name(name), "{name:?}");
        }
    }
}

//! Logging: the `tracing` subscriber (text or JSON lines, filtered by `SLIPWAY_LOG`), and the
//! per-request span that carries the request id into every log line of a request.

use std::io::IsTerminal as _;

use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnBodyChunk, DefaultOnEos, DefaultOnFailure, DefaultOnResponse, MakeSpan, TraceLayer};
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

/// Makes the `request` span: method, path (never the query string), the server's request id
/// and the caller's, when it gave one that was kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let ids = request.extensions().get::<RequestId>();
        let id = ids.map(RequestId::as_str).unwrap_or_default();
        // The caller's id is recorded only when it was kept (short and plain), never as sent.
        let caller = ids.and_then(RequestId::caller).map(CallerRequestId::as_str);
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path(),
            request_id = %id,
            caller_request_id = caller,
        )
    }
}

/// The tracing layer of the router: a span per request, a line per response.
pub fn trace_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    RequestSpan,
    (),
    DefaultOnResponse,
    DefaultOnBodyChunk,
    DefaultOnEos,
    DefaultOnFailure,
> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::INFO))
        .on_failure(DefaultOnFailure::new().level(Level::ERROR))
}

//! `GET /v1/config/watch`: a Server-Sent Events stream of an environment's whole configuration —
//! the current one on connect, then the new one each time a deployment changes what the
//! environment serves — so that a gateway's cache is never stale. Keep-alive comments flow in
//! between; the stream ends when the client leaves or the server shuts down.
//!
//! A client that reconnects sends the id of the last event it saw as `Last-Event-ID` (the ETag of
//! the configuration it holds); when that is still what the environment serves, the stream does
//! not send it again. The first thing sent is a `retry:` hint: how long a client should wait
//! before reconnecting after the stream drops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use slipway_service::{CallerEvent, CallerEvents, Event, ServiceError};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::gateway::GatewayQuery;
use crate::metrics::WatchGuard;
use crate::shutdown::ShutdownSignal;
use crate::state::AppState;

/// The reconnection delay the stream advises (`retry:`); clients add their own backoff and jitter.
pub const RETRY_HINT: Duration = Duration::from_secs(2);

/// The header an `EventSource` (or any SSE client) sends on reconnecting.
const LAST_EVENT_ID: &str = "last-event-id";

/// The ETag the client says it holds, from `Last-Event-ID`.
fn last_event_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(LAST_EVENT_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// One configuration as an SSE event: `event: config`, `id: <etag>`, `data: <body>`.
fn config_event(body: &str, etag: &str) -> SseEvent {
    SseEvent::default().event("config").id(etag).data(body)
}

/// What the stream needs between two events. The caller's expiry, re-checks and missed events
/// are the service's ([`CallerEvents`]); this decides what to send.
struct Watcher {
    state: AppState,
    project: Option<(String, String)>,
    environment: Option<String>,
    last_etag: Arc<str>,
    events: CallerEvents,
    shutdown: ShutdownSignal,
    _guard: WatchGuard,
    done: bool,
}

impl Watcher {
    /// Resolves the watched environment again: `Some((body, etag))` when it serves something new.
    async fn current(&self) -> Result<Option<(Arc<str>, Arc<str>)>, ServiceError> {
        let project = self.project.as_ref().map(|(o, p)| (o.as_str(), p.as_str()));
        let resolved = self
            .state
            .service
            .resolve_environment(self.events.caller(), project, self.environment.as_deref())
            .await?;
        let view = &resolved.view;
        Ok((view.etag != self.last_etag).then(|| (Arc::clone(&view.body), Arc::clone(&view.etag))))
    }

    /// Waits for the next configuration to send; `None` ends the stream.
    async fn next(mut self) -> Option<(SseEvent, Self)> {
        if self.done {
            return None;
        }
        loop {
            let received = tokio::select! {
                () = self.shutdown.wait() => return None,
                received = self.events.next() => received?,
            };
            let changed = match received {
                Ok(CallerEvent::Project(Event::ServingChanged { .. })) => true,
                Ok(CallerEvent::Project(_)) => false,
                // The caller may have lost access: look again (which ends the stream then).
                Ok(CallerEvent::AccessChanged) => true,
                // Missed events may have changed anything: look again.
                Ok(CallerEvent::Lagged(_)) => true,
                // The token that opened the stream expired or its key was revoked: say so, then
                // stop.
                Err(error) => {
                    let api = ApiError::from(error);
                    let event = SseEvent::default().event("error").data(api.body().to_string());
                    self.done = true;
                    return Some((event, self));
                }
            };
            if !changed {
                continue;
            }
            match self.current().await {
                Ok(Some((body, etag))) => {
                    let event = config_event(&body, &etag);
                    self.last_etag = etag;
                    return Some((event, self));
                }
                Ok(None) => {}
                Err(error) => {
                    // The environment went away or the caller lost access: say so, then stop.
                    let api = ApiError::from(error);
                    let event = SseEvent::default().event("error").data(api.body().to_string());
                    self.done = true;
                    return Some((event, self));
                }
            }
        }
    }
}

/// `GET /v1/config/watch?environment=…[&project=ORG/PROJECT]`.
///
/// # Errors
/// As `GET /v1/config`, before the stream starts.
pub async fn watch(
    State(state): State<AppState>,
    Authenticated(ctx): Authenticated,
    headers: HeaderMap,
    query: Result<Query<GatewayQuery>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let query = GatewayQuery::from_result(query, &headers)?;
    let project = query.project()?.map(|(o, p)| (o.to_owned(), p.to_owned()));
    // Subscribe before reading the current answer, so that no change slips in between.
    let events = state.service.caller_events(ctx.clone());
    let resolved = state
        .service
        .resolve_environment(
            &ctx,
            project.as_ref().map(|(o, p)| (o.as_str(), p.as_str())),
            query.environment.as_deref(),
        )
        .await?;
    let view = &resolved.view;
    // A client that already holds the current configuration gets only the retry hint.
    let first = if last_event_id(&headers) == Some(&*view.etag) {
        SseEvent::default()
    } else {
        config_event(&view.body, &view.etag)
    }
    .retry(RETRY_HINT);
    let keepalive = KeepAlive::new().interval(state.keepalive).text("keep-alive");
    let watcher = Watcher {
        project,
        environment: query.environment,
        last_etag: Arc::clone(&view.etag),
        events: events.for_project(resolved.snapshot.project.id),
        shutdown: state.shutdown.signal(),
        _guard: state.metrics.watch_opened(),
        state,
        done: false,
    };
    let updates = stream::unfold(watcher, Watcher::next);
    let stream = stream::once(async move { first }).chain(updates).map(Ok);
    Ok(Sse::new(stream).keep_alive(keepalive))
}

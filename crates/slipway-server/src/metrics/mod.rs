//! Prometheus metrics through `prometheus-client`: one registry per server (several servers in
//! one process, as in the tests, never mix their counts), recorded with one call per event and
//! rendered as Prometheus text on `GET /metrics` (or on a listener of its own, see
//! [`endpoint`]). The request path takes no exclusive lock: a series is found under a shared
//! read lock and updated with atomics (`histogram.rs`).
//!
//! Recorded as they happen: requests and latency by route, gateway resolutions and conditional
//! hits, open watch streams and GraphQL WebSockets, committed release transitions, GraphQL
//! requests by operation (`operations.rs`), the LISTEN/NOTIFY follower's state and lag, gateway
//! calls ([`crate::call_metrics`]). Read at scrape time from memory ([`endpoint`]): the pool, the
//! snapshots, the caches, the rate limits, the process (`process.rs`) and the open releases,
//! which a background task counts (`open_releases.rs`) so that no scrape queries the database.

pub mod endpoint;
mod histogram;
pub mod open_releases;
mod operations;
mod process;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use slipway_service::{Event, Outbound};

use crate::call_metrics::CallMetrics;
pub(crate) use histogram::Histogram;
use operations::Operations;
pub(crate) use operations::declared_name;

/// The version, and the git commit when the build was given one in `SLIPWAY_GIT_COMMIT`.
const VERSION: &str = env!("CARGO_PKG_VERSION");
const GIT_COMMIT: Option<&str> = option_env!("SLIPWAY_GIT_COMMIT");

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

/// What the LISTEN/NOTIFY follower is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowerState {
    /// Nothing to follow (SQLite: one instance).
    Off,
    /// The notification stream is open.
    Listening,
    /// The stream failed or ended; waiting to reopen it.
    Reconnecting,
}

impl FollowerState {
    const ALL: [Self; 3] = [Self::Off, Self::Listening, Self::Reconnecting];

    const fn label(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Listening => "listening",
            Self::Reconnecting => "reconnecting",
        }
    }
}

/// The metrics of one server. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    resolutions: Counter,
    not_modified: Counter,
    watch_streams: Gauge,
    websockets: Gauge,
    release_transitions: Family<StateLabels, Counter>,
    operations: Operations,
    follower_state: Family<StateLabels, Gauge>,
    follower_notices: Counter,
    follower_lag: Histogram,
    calls: CallMetrics,
    /// Open releases by state, as last counted by [`open_releases`] (`None` before the first
    /// count or after a failed one). Written by that task, read by scrapes: never on a request.
    open_releases: Mutex<Option<BTreeMap<String, u64>>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The metrics as an outbound adapter of the service: every committed release transition is
/// counted as it commits (never lost to a lagging subscription).
impl Outbound for Metrics {
    fn after_commit(&self, event: &Event) {
        if let Event::ReleaseUpdated { state, .. } = event {
            self.record_release_transition(state.as_str());
        }
    }
}

/// Decrements the gauge it was taken from when the stream or socket it belongs to is dropped.
#[derive(Debug)]
pub struct OpenGuard(Gauge);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The guard of an open watch stream.
pub type WatchGuard = OpenGuard;

impl Metrics {
    /// Fresh metrics with every series registered.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "slipway_http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::default();
        registry.register(
            "slipway_http_request_duration_seconds",
            "Time to answer a request (to the response head for streams), by route",
            latency.clone(),
        );
        let resolutions = Counter::default();
        registry.register(
            "slipway_resolutions",
            "Gateway resolutions answered from the in-memory snapshot",
            resolutions.clone(),
        );
        let not_modified = Counter::default();
        registry.register(
            "slipway_resolution_not_modified",
            "Gateway resolutions answered 304 Not Modified because the client's cached ETag was current",
            not_modified.clone(),
        );
        let watch_streams = Gauge::default();
        registry.register(
            "slipway_watch_streams",
            "Open /v1/config/watch streams",
            watch_streams.clone(),
        );
        let websockets = Gauge::default();
        registry.register(
            "slipway_websocket_connections",
            "Open GraphQL WebSockets (subscriptions)",
            websockets.clone(),
        );
        let release_transitions = Family::<StateLabels, Counter>::default();
        registry.register(
            "slipway_release_transitions",
            "Releases that reached a state, as seen by this instance",
            release_transitions.clone(),
        );
        let operations = Operations::default();
        registry.register(
            "slipway_graphql_requests",
            "GraphQL requests over HTTP by operation name ((unnamed) without one; (other) past 200 names or for a malformed one)",
            operations.family.clone(),
        );
        let follower_state = Family::<StateLabels, Gauge>::default();
        registry.register(
            "slipway_follower_state",
            "What the PostgreSQL LISTEN/NOTIFY follower does: 1 for the current state (off, listening, reconnecting)",
            follower_state.clone(),
        );
        let follower_notices = Counter::default();
        registry.register(
            "slipway_follower_notices",
            "Notifications of other instances' commits received",
            follower_notices.clone(),
        );
        let follower_lag = Histogram::default();
        registry.register(
            "slipway_follower_lag_seconds",
            "Time from a serving-change notification's arrival to this instance serving that revision",
            follower_lag.clone(),
        );
        let mut build = vec![("version".to_owned(), VERSION.to_owned())];
        build.push(("commit".to_owned(), GIT_COMMIT.unwrap_or("unknown").to_owned()));
        registry.register("slipway_build", "The running build (always 1)", Info::new(build));
        let calls = CallMetrics::default();
        calls.register(&mut registry);
        let metrics = Self {
            inner: Arc::new(Inner {
                registry,
                requests,
                latency,
                resolutions,
                not_modified,
                watch_streams,
                websockets,
                release_transitions,
                operations,
                follower_state,
                follower_notices,
                follower_lag,
                calls,
                open_releases: Mutex::new(None),
            }),
        };
        metrics.set_follower_state(FollowerState::Off);
        metrics
    }

    /// The gateway calls' metrics.
    pub fn calls(&self) -> &CallMetrics {
        &self.inner.calls
    }

    /// Records one answered request.
    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.inner
            .requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status,
            })
            .inc();
        self.inner
            .latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Records a gateway resolution; `not_modified` when the client's ETag was current.
    pub fn record_resolution(&self, not_modified: bool) {
        self.inner.resolutions.inc();
        if not_modified {
            self.inner.not_modified.inc();
        }
    }

    /// Counts an open watch stream until the guard is dropped.
    pub fn watch_opened(&self) -> WatchGuard {
        self.inner.watch_streams.inc();
        OpenGuard(self.inner.watch_streams.clone())
    }

    /// Counts an open GraphQL WebSocket until the guard is dropped.
    pub fn websocket_opened(&self) -> OpenGuard {
        self.inner.websockets.inc();
        OpenGuard(self.inner.websockets.clone())
    }

    /// Counts a GraphQL operation (a POST, or one sent over a WebSocket) by its name (bounded, see
    /// `operations.rs`).
    pub fn record_graphql_operation(&self, name: Option<&str>) {
        self.inner.operations.record(name);
    }

    /// Says what the LISTEN/NOTIFY follower does now.
    pub fn set_follower_state(&self, now: FollowerState) {
        for state in FollowerState::ALL {
            self.inner
                .follower_state
                .get_or_create(&StateLabels {
                    state: state.label().to_owned(),
                })
                .set(i64::from(state == now));
        }
    }

    /// Counts a notification received from another instance's commit.
    pub fn record_follower_notice(&self) {
        self.inner.follower_notices.inc();
    }

    /// Records how long after a serving-change notification arrived this instance served it.
    pub fn record_follower_lag(&self, seconds: f64) {
        self.inner.follower_lag.observe(seconds);
    }

    /// Replaces the count of open releases by state (`None`: the count failed).
    pub fn set_open_releases(&self, by_state: Option<BTreeMap<String, u64>>) {
        *self.inner.open_releases.lock().unwrap_or_else(PoisonError::into_inner) = by_state;
    }

    fn open_releases(&self) -> Option<BTreeMap<String, u64>> {
        self.inner
            .open_releases
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Counts a release that reached `state` (see the [`Outbound`] adapter above).
    fn record_release_transition(&self, state: &str) {
        self.inner
            .release_transitions
            .get_or_create(&StateLabels {
                state: state.to_owned(),
            })
            .inc();
    }

    /// The Prometheus text of what was recorded (the scrape-time values are added by
    /// [`endpoint`]).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.inner.registry);
        out
    }
}

/// The middleware recording every request under its route template (never the raw path, whose
/// values are unbounded).
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record_request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_holds_requests_latency_and_gauges() {
        let metrics = Metrics::default();
        metrics.record_request("/v1/config", "GET", 200, 0.002);
        metrics.record_request("/v1/config", "GET", 200, 0.2);
        metrics.record_resolution(true);
        let guard = metrics.watch_opened();
        let socket = metrics.websocket_opened();
        let text = metrics.render();
        assert!(
            text.contains("slipway_http_requests_total{route=\"/v1/config\",method=\"GET\",status=\"200\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE slipway_http_requests_total counter\n"), "{text}");
        assert!(
            text.contains("slipway_http_request_duration_seconds_bucket{route=\"/v1/config\",le=\"0.0025\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("slipway_http_request_duration_seconds_count{route=\"/v1/config\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("slipway_resolution_not_modified_total 1\n"), "{text}");
        assert!(text.contains("slipway_watch_streams 1\n"), "{text}");
        assert!(text.contains("slipway_websocket_connections 1\n"), "{text}");
        assert!(
            text.contains(&format!("slipway_build_info{{version=\"{VERSION}\",commit=")),
            "{text}"
        );
        drop(guard);
        drop(socket);
        let text = metrics.render();
        assert!(text.contains("slipway_watch_streams 0\n"), "{text}");
        assert!(text.contains("slipway_websocket_connections 0\n"), "{text}");
    }

    #[test]
    fn committed_release_transitions_are_counted_by_state() {
        let metrics = Metrics::default();
        let updated = |state| Event::ReleaseUpdated {
            project_id: slipway_domain::ProjectId::from_uuid(uuid::Uuid::from_u128(1)),
            release_id: slipway_domain::ReleaseId::from_uuid(uuid::Uuid::from_u128(2)),
            state,
        };
        metrics.after_commit(&updated(slipway_domain::release::ReleaseState::Deployed));
        metrics.after_commit(&updated(slipway_domain::release::ReleaseState::Deployed));
        metrics.after_commit(&updated(slipway_domain::release::ReleaseState::Pending));
        let text = metrics.render();
        assert!(
            text.contains("slipway_release_transitions_total{state=\"deployed\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("slipway_release_transitions_total{state=\"pending\"} 1\n"),
            "{text}"
        );
    }

    #[test]
    fn the_follower_reports_one_state_and_its_lag() {
        let metrics = Metrics::default();
        assert!(metrics.render().contains("slipway_follower_state{state=\"off\"} 1\n"));
        metrics.set_follower_state(FollowerState::Listening);
        metrics.record_follower_notice();
        metrics.record_follower_lag(0.003);
        let text = metrics.render();
        assert!(text.contains("slipway_follower_state{state=\"off\"} 0\n"), "{text}");
        assert!(
            text.contains("slipway_follower_state{state=\"listening\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("slipway_follower_state{state=\"reconnecting\"} 0\n"),
            "{text}"
        );
        assert!(text.contains("slipway_follower_notices_total 1\n"), "{text}");
        assert!(
            text.contains("slipway_follower_lag_seconds_bucket{le=\"0.005\"} 1\n"),
            "{text}"
        );
    }

    #[test]
    fn graphql_operations_are_counted_by_name() {
        let metrics = Metrics::default();
        metrics.record_graphql_operation(Some("Releases"));
        metrics.record_graphql_operation(None);
        let text = metrics.render();
        assert!(
            text.contains("slipway_graphql_requests_total{operation=\"Releases\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("slipway_graphql_requests_total{operation=\"(unnamed)\"} 1\n"),
            "{text}"
        );
    }

    #[test]
    fn labels_are_escaped() {
        let metrics = Metrics::default();
        metrics.record_request("a\"b\\c\nd", "GET", 200, 0.0);
        assert!(metrics.render().contains("route=\"a\\\"b\\\\c\\nd\""));
    }
}

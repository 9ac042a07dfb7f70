//! Prometheus metrics, kept in process and rendered as text on `GET /metrics`: requests and
//! latency by route, gateway conditional-request hits, open watch streams, releases by state
//! (transitions seen by this instance, and open releases counted at scrape time), and rate-limit
//! refusals by budget.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use slipway_service::{Event, Outbound};

use crate::state::AppState;

/// Upper bounds (seconds) of the latency histogram's buckets.
pub(crate) const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// A latency histogram over [`BUCKETS`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Histogram {
    pub(crate) counts: [u64; BUCKETS.len()],
    pub(crate) count: u64,
    pub(crate) sum: f64,
}

impl Histogram {
    pub(crate) fn observe(&mut self, seconds: f64) {
        for (bound, count) in BUCKETS.iter().zip(self.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// The metrics of one server. Cheap to clone.
#[derive(Debug, Default, Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    not_modified: AtomicU64,
    resolutions: AtomicU64,
    watch_streams: AtomicI64,
    release_transitions: Mutex<BTreeMap<String, u64>>,
    calls: crate::call_metrics::CallMetrics,
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

/// Decrements the open-watch-streams gauge when the stream it belongs to is dropped.
#[derive(Debug)]
pub struct WatchGuard(Metrics);

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.0.inner.watch_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// The gateway calls' metrics.
    pub fn calls(&self) -> &crate::call_metrics::CallMetrics {
        &self.inner.calls
    }

    /// Records one answered request.
    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        *self
            .inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        self.inner
            .latency
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(route.to_owned())
            .or_default()
            .observe(seconds);
    }

    /// Records a gateway resolution; `not_modified` when the client's ETag was current.
    pub fn record_resolution(&self, not_modified: bool) {
        self.inner.resolutions.fetch_add(1, Ordering::Relaxed);
        if not_modified {
            self.inner.not_modified.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts an open watch stream until the guard is dropped.
    pub fn watch_opened(&self) -> WatchGuard {
        self.inner.watch_streams.fetch_add(1, Ordering::Relaxed);
        WatchGuard(self.clone())
    }

    /// Counts a release that reached `state` (see the [`Outbound`] adapter below).
    fn record_release_transition(&self, state: &str) {
        *self
            .inner
            .release_transitions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(state.to_owned())
            .or_default() += 1;
    }

    /// The Prometheus text exposition, with `open_releases` (state → count) measured by the
    /// caller.
    pub fn render(&self, open_releases: Option<&BTreeMap<String, u64>>) -> String {
        let mut out = String::new();
        out.push_str("# HELP slipway_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.push_str("# TYPE slipway_http_requests_total counter\n");
        for ((route, method, status), count) in self
            .inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "slipway_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
                escape(route),
                escape(method)
            );
        }
        out.push_str("# HELP slipway_http_request_duration_seconds Time to answer a request (to the response head for streams), by route.\n");
        out.push_str("# TYPE slipway_http_request_duration_seconds histogram\n");
        for (route, h) in self.inner.latency.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "slipway_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "slipway_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "slipway_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "slipway_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let counters = [
            (
                "slipway_resolutions_total",
                "Gateway resolutions answered from the in-memory snapshot.",
                self.inner.resolutions.load(Ordering::Relaxed),
            ),
            (
                "slipway_resolution_not_modified_total",
                "Gateway resolutions answered 304 Not Modified because the client's cached ETag was current.",
                self.inner.not_modified.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        }
        let _ = writeln!(
            out,
            "# HELP slipway_watch_streams Open /v1/config/watch streams.\n# TYPE slipway_watch_streams gauge\nslipway_watch_streams {}",
            self.inner.watch_streams.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP slipway_release_transitions_total Releases that reached a state, as seen by this instance.\n",
        );
        out.push_str("# TYPE slipway_release_transitions_total counter\n");
        for (state, count) in self
            .inner
            .release_transitions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "slipway_release_transitions_total{{state=\"{}\"}} {count}",
                escape(state)
            );
        }
        self.inner.calls.render(&mut out);
        if let Some(open) = open_releases {
            out.push_str("# HELP slipway_open_releases Releases waiting for approval or application, by state.\n");
            out.push_str("# TYPE slipway_open_releases gauge\n");
            for (state, count) in open {
                let _ = writeln!(out, "slipway_open_releases{{state=\"{}\"}} {count}", escape(state));
            }
        }
        out
    }
}

pub(crate) fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
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

/// `GET /metrics`.
pub async fn endpoint(State(state): State<AppState>) -> Response {
    let open = match state.service.store().open_releases().await {
        Ok(releases) => {
            let mut by_state = BTreeMap::new();
            for release in releases {
                *by_state.entry(release.state().to_string()).or_default() += 1;
            }
            Some(by_state)
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not count open releases for /metrics");
            None
        }
    };
    let mut text = state.metrics.render(open.as_ref());
    text.push_str(&snapshot_cache_text(state.service.resolution_cache_stats()));
    text.push_str(&state.rate_limits.metrics_text());
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The service's snapshot-cache counters as exposition text.
fn snapshot_cache_text((hits, misses): (u64, u64)) -> String {
    format!(
        "# HELP slipway_resolution_cache_hits_total Resolutions answered from an in-memory snapshot already built.\n\
         # TYPE slipway_resolution_cache_hits_total counter\nslipway_resolution_cache_hits_total {hits}\n\
         # HELP slipway_resolution_cache_misses_total Resolutions that first built the project's snapshot from the database.\n\
         # TYPE slipway_resolution_cache_misses_total counter\nslipway_resolution_cache_misses_total {misses}\n"
    )
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
        let mut open = BTreeMap::new();
        open.insert("pending".to_owned(), 2);
        let text = metrics.render(Some(&open));
        assert!(text.contains("slipway_http_requests_total{route=\"/v1/config\",method=\"GET\",status=\"200\"} 2"));
        assert!(text.contains("slipway_http_request_duration_seconds_bucket{route=\"/v1/config\",le=\"0.0025\"} 1"));
        assert!(text.contains("slipway_http_request_duration_seconds_count{route=\"/v1/config\"} 2"));
        assert!(text.contains("slipway_resolution_not_modified_total 1"));
        assert!(text.contains("slipway_watch_streams 1"));
        assert!(text.contains("slipway_open_releases{state=\"pending\"} 2"));
        drop(guard);
        assert!(metrics.render(None).contains("slipway_watch_streams 0"));
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
        let text = metrics.render(None);
        assert!(
            text.contains("slipway_release_transitions_total{state=\"deployed\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("slipway_release_transitions_total{state=\"pending\"} 1"),
            "{text}"
        );
    }

    #[test]
    fn snapshot_cache_counters_are_exposed() {
        let text = snapshot_cache_text((7, 2));
        assert!(text.contains("slipway_resolution_cache_hits_total 7\n"));
        assert!(text.contains("slipway_resolution_cache_misses_total 2\n"));
        assert!(text.contains("# TYPE slipway_resolution_cache_misses_total counter\n"));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}

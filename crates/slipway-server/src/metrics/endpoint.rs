//! `GET /metrics`: what the server recorded, plus values read from memory at scrape time — the
//! database pool, the snapshots in aggregate, the snapshot cache's hits and misses, the rate
//! limits, the process, and the open releases as last counted in the background. A scrape never
//! queries the database. With `metrics_addr` set the endpoint is served on that address only.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;
use slipway_service::Service;

use super::Metrics;
use super::process::ProcessStats;
use crate::rate_limit::RateLimits;
use crate::state::AppState;

/// The values read at scrape time, from the parts of the server that hold them.
#[derive(Debug)]
struct ScrapeTime {
    service: Service,
    rate_limits: RateLimits,
    metrics: Metrics,
}

fn gauge(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: i64) -> Result<(), std::fmt::Error> {
    let gauge = ConstGauge::new(value);
    gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)
}

fn gauge_f64(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: f64) -> Result<(), std::fmt::Error> {
    let gauge = ConstGauge::new(value);
    gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)
}

/// `name` is given without `_total`, which the encoder adds.
fn counter(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: u64) -> Result<(), std::fmt::Error> {
    let counter = ConstCounter::new(value);
    counter.encode(encoder.encode_descriptor(name, help, None, counter.metric_type())?)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Collector for ScrapeTime {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let e = &mut encoder;
        let pool = self.service.store().pool_stats();
        gauge(
            e,
            "slipway_db_pool_connections",
            "Database connections open, in use or idle",
            i64::from(pool.size),
        )?;
        gauge(
            e,
            "slipway_db_pool_idle_connections",
            "Database connections idle in the pool",
            count(pool.idle),
        )?;
        gauge(
            e,
            "slipway_db_pool_max_connections",
            "The most database connections the pool opens",
            i64::from(pool.max),
        )?;
        counter(
            e,
            "slipway_db_pool_acquire_timeouts",
            "Waits for a database connection that ran out (process-wide)",
            pool.acquire_timeouts,
        )?;

        let snapshots = self.service.snapshot_summary();
        gauge(
            e,
            "slipway_snapshots",
            "Projects whose configuration snapshot this instance holds in memory",
            count(snapshots.projects),
        )?;
        gauge(
            e,
            "slipway_snapshot_max_revision",
            "The highest serving revision among the snapshots held",
            snapshots.max_revision,
        )?;
        gauge_f64(
            e,
            "slipway_snapshot_oldest_age_seconds",
            "Seconds since the least recently installed snapshot was installed",
            snapshots.oldest_age.as_secs_f64(),
        )?;
        let (hits, misses) = self.service.resolution_cache_stats();
        counter(
            e,
            "slipway_resolution_cache_hits",
            "Resolutions answered from an in-memory snapshot already built",
            hits,
        )?;
        counter(
            e,
            "slipway_resolution_cache_misses",
            "Resolutions that first built the project's snapshot from the database",
            misses,
        )?;

        if let Some(refusals) = self.rate_limits.refusals() {
            let mut family = e.encode_descriptor(
                "slipway_rate_limited",
                "Requests refused with 429 RATE_LIMITED, by budget",
                None,
                prometheus_client::metrics::MetricType::Counter,
            )?;
            for (budget, refused) in refusals {
                ConstCounter::new(refused).encode(family.encode_family(&[("budget", budget)])?)?;
            }
            gauge(
                e,
                "slipway_rate_limit_clients",
                "Clients whose budgets are being tracked",
                count(self.rate_limits.tracked()),
            )?;
        }

        if let Some(open) = self.metrics.open_releases() {
            let mut family = e.encode_descriptor(
                "slipway_open_releases",
                "Releases waiting for approval or application, by state (counted in the background)",
                None,
                prometheus_client::metrics::MetricType::Gauge,
            )?;
            for (state, n) in &open {
                let value = i64::try_from(*n).unwrap_or(i64::MAX);
                ConstGauge::new(value).encode(family.encode_family(&[("state", state.as_str())])?)?;
            }
        }

        ProcessStats::read().encode(e)
    }
}

/// The whole exposition of `state`'s server.
pub(crate) fn exposition(state: &AppState) -> String {
    let mut text = state.metrics.render();
    let mut scrape = Registry::default();
    scrape.register_collector(Box::new(ScrapeTime {
        service: state.service.clone(),
        rate_limits: state.rate_limits.clone(),
        metrics: state.metrics.clone(),
    }));
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &scrape);
    text
}

/// `GET /metrics`.
pub async fn endpoint(State(state): State<AppState>) -> Response {
    let mut response = exposition(&state).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(prometheus_client::encoding::prometheus_text::CONTENT_TYPE),
    );
    response
}

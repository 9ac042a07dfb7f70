//! Counting the open releases (waiting for approval or application) by state in the background,
//! every tick, so that `/metrics` shows them without a database query per scrape.

use std::collections::BTreeMap;
use std::time::Duration;

use slipway_service::Service;
use tokio::task::JoinHandle;

use super::Metrics;

/// Counts now, then every `interval`, until aborted.
pub fn spawn(service: Service, metrics: Metrics, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            count(&service, &metrics).await;
        }
    })
}

/// One count; a failed one leaves the gauge out rather than showing stale numbers.
pub async fn count(service: &Service, metrics: &Metrics) {
    match service.store().open_releases().await {
        Ok(releases) => {
            let mut by_state = BTreeMap::new();
            for release in releases {
                *by_state.entry(release.state().to_string()).or_default() += 1;
            }
            metrics.set_open_releases(Some(by_state));
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not count open releases for /metrics");
            metrics.set_open_releases(None);
        }
    }
}

//! The background task that keeps the limiters' memory bounded: every [`SWEEP_INTERVAL`] it
//! forgets clients whose budgets have refilled (and starts a budget over that still tracks too
//! many), off the runtime's request threads; it ends when the server shuts down.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::limiter::RateLimits;
use crate::shutdown::ShutdownSignal;

/// How often the limiters are swept.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(10);

/// Sweeps `limits` every `every` until `shutdown` fires (at once when limiting is off).
pub fn spawn(limits: RateLimits, mut shutdown: ShutdownSignal, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        if !limits.is_enabled() {
            return;
        }
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        // The first tick fires at once; nothing is tracked yet.
        ticks.tick().await;
        loop {
            tokio::select! {
                () = shutdown.wait() => break,
                _ = ticks.tick() => {
                    let limits = limits.clone();
                    match tokio::task::spawn_blocking(move || limits.sweep()).await {
                        Ok(tracked) => tracing::debug!(tracked, "rate limiters swept"),
                        Err(e) => tracing::warn!(error = %e, "sweeping the rate limiters failed"),
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::{Budget, ClientAddress, RateLimitSettings};
    use crate::shutdown::Shutdown;

    #[tokio::test]
    async fn the_sweeper_forgets_refilled_clients_and_stops_at_shutdown() {
        let limits = RateLimits::new(&RateLimitSettings {
            address: Budget::parse("1000/1ms").unwrap(),
            ..RateLimitSettings::default()
        });
        for last in 0..10 {
            limits
                .check_address(ClientAddress::Ip([198, 51, 100, last].into()))
                .unwrap();
        }
        assert_eq!(limits.tracked(), 10);
        let shutdown = Shutdown::new();
        let task = spawn(limits.clone(), shutdown.signal(), Duration::from_millis(10));
        tokio::time::timeout(Duration::from_secs(10), async {
            while limits.tracked() > 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap();
        shutdown.trigger();
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .unwrap()
            .unwrap();
    }
}

//! Keeping this instance's resolution snapshots fresh when another instance commits: on
//! PostgreSQL every commit that changes what a project serves is announced with `NOTIFY`, and
//! this task rebuilds the local snapshot (which in turn wakes watch streams and subscriptions).
//! The background tick's revision check remains the safety net for missed notifications.

use std::time::Duration;

use futures_util::StreamExt;
use slipway_service::Service;
use tokio::task::JoinHandle;

/// Longest wait between two attempts to (re)open the notification stream.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Follows the store's serving notifications until aborted.
pub fn spawn(service: Service) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(500);
        loop {
            match service.store().listen().await {
                Ok(mut notifications) => {
                    backoff = Duration::from_millis(500);
                    while let Some((project, revision)) = notifications.next().await {
                        // Building a missing snapshot reads the current revision, so only a
                        // cached, older one needs rebuilding (our own commits already did).
                        match service.snapshot(project).await {
                            Ok(snapshot) if snapshot.revision < revision => service.refresh_snapshot(project).await,
                            Ok(_) => {}
                            Err(e) => tracing::warn!(%project, error = %e, "could not refresh after a notification"),
                        }
                    }
                    tracing::warn!("serving notifications ended; reopening");
                }
                Err(e) => tracing::warn!(error = %e, "cannot follow serving notifications; retrying"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    })
}

//! Background work: expiring stale releases, re-settling quorums, applying approved releases
//! when a freeze window ends, and the revision check that keeps snapshots fresh across
//! instances. Driven by [`Service::tick`], which a timer calls in production and tests call
//! directly after moving a [`ManualClock`](crate::ManualClock).

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::releases::Action;
use crate::{Ctx, Service};
use tracing::instrument;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    /// Open releases looked at.
    pub examined: usize,
    /// Releases whose state changed (expired, superseded, deployed, approved).
    pub changed: usize,
    /// Snapshots rebuilt because another instance changed their project.
    pub refreshed: usize,
}

impl Service {
    /// Re-checks every open release once, and every cached snapshot's revision.
    #[instrument(skip_all)]
    pub async fn tick(&self) -> TickReport {
        let mut report = TickReport::default();
        match self.store().open_releases().await {
            Ok(open) => {
                for release in open {
                    report.examined += 1;
                    let before = release.state();
                    match self.act_on_release(&Ctx::system(), release.id(), Action::Recheck).await {
                        Ok(after) if after.state() != before => {
                            tracing::info!(release = %release.id(), from = %before, to = %after.state(), "background re-check moved a release");
                            report.changed += 1;
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(release = %release.id(), error = %e, "background re-check failed"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not list open releases"),
        }
        report.refreshed = self.check_revisions().await;
        self.refresh_api_keys().await;
        // The safety net for a missed member-removal notification: people's next reads
        // re-check their access in the database once.
        self.inner.viewers.clear();
        report
    }

    /// Runs [`Service::tick`] every `every` until the task is aborted.
    pub fn spawn_background(&self, every: Duration) -> JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let mut timer = tokio::time::interval(every);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                timer.tick().await;
                service.tick().await;
            }
        })
    }
}

//! Background work: expiring stale releases, re-settling quorums, applying approved releases
//! when a freeze window ends, and the revision check that keeps snapshots fresh across
//! instances — each tick looking only at what fell due or changed (see `recheck`), so an idle
//! server's work does not grow with its number of projects. Driven by [`Service::tick`], which a timer calls in production and tests call
//! directly after moving a [`ManualClock`](crate::ManualClock).

use std::time::Duration;

use tokio::task::JoinHandle;

use slipway_domain::release::Release;

use crate::recheck::Pass;
use crate::releases::Action;
use crate::{ConflictKind, Ctx, Service, ServiceError};
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
    /// Re-checks the open releases that fell due or whose project changed since the last tick
    /// (every open release on the first tick and every five minutes),
    /// then a batch of cached snapshots' revisions and the cached API keys.
    #[instrument(skip_all)]
    pub async fn tick(&self) -> TickReport {
        let mut report = TickReport::default();
        self.inner.cache.next_epoch();
        let open = match self.inner.recheck.take(self.now()) {
            Pass::Full => self.store().open_releases().await,
            Pass::Some { projects, releases } => self.store().open_releases_among(&projects, &releases).await,
        };
        match open {
            Ok(open) => {
                for release in open {
                    report.examined += 1;
                    if self.recheck(&release).await {
                        report.changed += 1;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not list open releases");
                // What this tick should have looked at is not lost: the next one looks at all.
                self.inner.recheck.everything_changed();
            }
        }
        report.refreshed = self.check_revisions().await;
        self.refresh_api_keys().await;
        self.flush_api_key_usage().await;
        // The safety net for a missed member-removal notification: people's next reads
        // re-check their access in the database once.
        self.inner.viewers.clear();
        // Likewise for the group mapping: each signed-in user's next request reconciles once.
        self.inner.provider_grants.clear();
        report
    }

    /// Re-checks one open release and plans when to look at it again. Returns whether its state
    /// changed.
    async fn recheck(&self, release: &Release) -> bool {
        let before = release.state();
        let project = release.parts().project_id;
        match self.act_on_release(&Ctx::system(), release.id(), Action::Recheck).await {
            Ok(after) => {
                let changed = after.state() != before;
                if changed {
                    tracing::info!(release = %release.id(), from = %before, to = %after.state(), "background re-check moved a release");
                }
                match self.store().environments(project).await {
                    Ok(envs) => {
                        let due = envs
                            .get(after.environment_id())
                            .and_then(|env| after.recheck_due(&env.policy, self.now()));
                        self.inner.recheck.schedule(after.id(), due);
                    }
                    Err(e) => {
                        tracing::warn!(release = %release.id(), error = %e, "could not plan the next re-check");
                        self.inner.recheck.changed(project);
                    }
                }
                changed
            }
            // The release moved on meanwhile (an approver deployed it, someone cancelled it):
            // there is nothing left to re-check, and trying again would fail the same way.
            Err(ServiceError::Conflict {
                kind: ConflictKind::State,
                message,
            }) => {
                tracing::debug!(release = %release.id(), %message, "a re-checked release had moved on");
                false
            }
            Err(e) => {
                tracing::warn!(release = %release.id(), error = %e, "background re-check failed");
                // Tried again on the next tick.
                self.inner.recheck.changed(project);
                false
            }
        }
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

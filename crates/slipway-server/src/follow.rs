//! Keeping this instance in step with commits of another: on PostgreSQL every commit that
//! changes what a project serves, revokes an API key or removes a member is announced with
//! `NOTIFY`. A serving change rebuilds the local snapshot (which in turn wakes watch streams and
//! subscriptions); a revocation evicts the key and ends the caller's open streams at once; a
//! release or environment change of another instance is relayed to this instance's GraphQL
//! subscriptions (`releaseUpdated`, `environmentChanged`). The background tick's revision and
//! key checks remain the safety net for missed serving notifications. The follower's state, the
//! notifications and their lag are recorded in the [`Metrics`].

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use slipway_service::{Event, Revoked, Service};
use slipway_store::{Backend, Notice};
use tokio::task::JoinHandle;

use crate::metrics::{FollowerState, Metrics};

/// Longest wait between two attempts to (re)open the notification stream.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Acts on one notification.
async fn follow(service: &Service, metrics: &Metrics, notice: Notice) {
    metrics.record_follower_notice();
    match notice {
        Notice::Serving { project, revision } => {
            let arrived = Instant::now();
            // Only a cached, older snapshot needs rebuilding (our own commits already did; a
            // project not cached here is built current on its first read).
            service.follow_revision(project, revision).await;
            metrics.record_follower_lag(arrived.elapsed().as_secs_f64());
        }
        Notice::KeyRevoked { project, key } => service.announce_revocation(project, Revoked::ApiKey(key)),
        Notice::MemberRemoved { project, user } => service.announce_revocation(project, Revoked::Member(user)),
        Notice::Release {
            project,
            release,
            state,
            ..
        } => service.relay(Event::ReleaseUpdated {
            project_id: project,
            release_id: release,
            state,
        }),
        Notice::Environment {
            project,
            environment,
            deployment,
            ..
        } => service.relay(Event::EnvironmentChanged {
            project_id: project,
            environment_id: environment,
            deployment_id: deployment,
        }),
    }
}

/// Follows the store's notifications until aborted.
pub fn spawn(service: Service, metrics: Metrics) -> JoinHandle<()> {
    tokio::spawn(async move {
        if service.store().backend() != Backend::Postgres {
            // One SQLite instance has nobody to follow.
            metrics.set_follower_state(FollowerState::Off);
            return;
        }
        let mut backoff = Duration::from_millis(500);
        loop {
            match service.store().listen().await {
                Ok(mut notifications) => {
                    metrics.set_follower_state(FollowerState::Listening);
                    backoff = Duration::from_millis(500);
                    while let Some(notice) = notifications.next().await {
                        follow(&service, &metrics, notice).await;
                    }
                    tracing::warn!("serving notifications ended; reopening");
                }
                Err(e) => tracing::warn!(error = %e, "cannot follow serving notifications; retrying"),
            }
            metrics.set_follower_state(FollowerState::Reconnecting);
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    })
}

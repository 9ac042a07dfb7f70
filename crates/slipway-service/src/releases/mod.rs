//! Releases: creating them (deploy, promote, rollback, publish), moving them through their
//! states (approve, reject, cancel, apply) and applying them atomically. What happens next is
//! the domain's (`slipway_domain::release::advance`); `pipeline` is the one path that loads,
//! calls it, commits and announces.

mod create;
mod deploy;
mod pipeline;
mod queries;
mod status;
mod transition;

pub use create::{DirectChange, DirectDeploy, Promotion, ResourceRef, Rollback};
pub(crate) use create::{ReleaseRequest, publish_origin as create_origin_publish};
pub use queries::ReleaseFilterInput;
pub use status::AwaitingApproval;
pub use transition::Action;

/// How many times a use case re-reads and retries when a concurrent commit got there first.
/// Every round of racing writers has a winner, so this bounds how many may race on one release.
pub(crate) const MAX_ATTEMPTS: usize = 12;

/// A short, jittered pause before retrying, so that racing writers spread out.
pub(crate) async fn backoff(attempt: usize) {
    let base = 2_u64 << attempt.min(5);
    let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 8);
    tokio::time::sleep(std::time::Duration::from_millis(base + jitter)).await;
}

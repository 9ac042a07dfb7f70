//! Releases: creating them (deploy, promote, rollback, publish), moving them through their
//! states (approve, reject, cancel, apply) and applying them atomically.

mod create;
mod deploy;
mod queries;
mod transition;

pub(crate) use create::publish_origin as create_origin_publish;
pub use create::{DirectChange, ResourceRef};
pub use queries::ReleaseFilterInput;
pub use transition::Action;

/// How many times a use case re-reads and retries when a concurrent commit got there first.
pub(crate) const MAX_ATTEMPTS: usize = 5;

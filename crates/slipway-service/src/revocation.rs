//! Revocations reaching open connections at once: when an API key is revoked or a member is
//! removed — by this instance, or by another one whose PostgreSQL notification just arrived —
//! the key leaves the key cache (the member the viewer cache) and an [`Event::AccessRevoked`] wakes every watch stream and
//! subscription of the project, which re-check the caller's access and end. The background tick
//! (which re-reads cached keys) stays as the safety net for a missed notification.

use slipway_domain::ProjectId;
use tracing::instrument;

use crate::Service;
use crate::events::{Event, Revoked};

impl Service {
    /// Announces that `revoked` lost access to `project`: evicts a revoked key from the cache,
    /// then wakes the project's open streams. Called after the revoking commit, here or (from
    /// the notification follower) for a commit of another instance; announcing twice is harmless.
    #[instrument(level = "debug", skip(self))]
    pub fn announce_revocation(&self, project: ProjectId, revoked: Revoked) {
        match revoked {
            Revoked::ApiKey(id) => self.inner.keys.evict_id(id),
            Revoked::Member(user) => {
                self.inner.viewers.evict(user, project);
                // The identity provider's group mapping re-checks the member on their next
                // request (and grants again what their groups still grant).
                self.inner.provider_grants.forget(user);
                // The member's approvals stop counting: the project's open releases re-settle.
                self.inner.recheck.changed(project);
            }
        }
        self.events().send(Event::AccessRevoked {
            project_id: project,
            revoked,
        });
    }
}

//! When time alone can change a release: the moments a background re-check must look at it
//! again, so that it need not look at every open release on every tick.

use chrono::{DateTime, Utc};

use super::{Release, ReleaseState};
use crate::policy::PromotionPolicy;

impl Release {
    /// The next moment at which the passing of time, with nothing else changing, can make a
    /// re-check under `policy` do something to this release: its expiry, or — approved while a
    /// freeze window is in force — the window's end. A moment already past means "now".
    ///
    /// `None` for a closed release, and for an open one that only an event can move (an
    /// approval, a deployment in its project, a change of roles or of the policy): whoever
    /// causes such an event re-checks the release then.
    pub fn recheck_due(&self, policy: &PromotionPolicy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.state().is_terminal() {
            return None;
        }
        let expiry = policy.expiry_of(self.parts.created_at);
        let thaw = match self.state() {
            ReleaseState::Approved => policy.active_freeze(now).map(|w| w.end),
            _ => None,
        };
        match (expiry, thaw) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

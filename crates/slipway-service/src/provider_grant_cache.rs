//! The last grants the identity provider's group mapping gave each user, so that a user's
//! requests reconcile their memberships only when what their groups map to changes, not on each
//! request. An entry is forgotten when the user loses a membership (here or on another
//! instance), and the background tick forgets them all as the safety net for a change this
//! instance did not hear of (another instance's sync, a project created since): the next
//! request then reconciles once more, which writes only what differs.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use slipway_domain::UserId;
use slipway_domain::group_mapping::{Grants, ProjectAddress};

/// The most users remembered; past it the cache starts over.
const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct ProviderGrantCache {
    last: Mutex<HashMap<UserId, Grants>>,
    /// Mapped projects that do not exist, each warned about once.
    warned: Mutex<HashSet<ProjectAddress>>,
    /// One reconciliation at a time in this instance (they are rare: only on a change).
    pub(crate) sync: tokio::sync::Mutex<()>,
}

impl ProviderGrantCache {
    /// Whether `grants` are what `user`'s memberships were last reconciled with.
    pub(crate) fn is_current(&self, user: UserId, grants: &Grants) -> bool {
        self.last.lock().unwrap_or_else(PoisonError::into_inner).get(&user) == Some(grants)
    }

    /// Remembers that `user`'s memberships now agree with `grants`.
    pub(crate) fn remember(&self, user: UserId, grants: Grants) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if last.len() >= CAPACITY && !last.contains_key(&user) {
            last.clear();
        }
        last.insert(user, grants);
    }

    /// Forgets `user`'s grants: their next request reconciles again.
    pub(crate) fn forget(&self, user: UserId) {
        self.last.lock().unwrap_or_else(PoisonError::into_inner).remove(&user);
    }

    /// Forgets every user's grants.
    pub(crate) fn clear(&self) {
        self.last.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Whether `address` is missing for the first time (to be warned about).
    pub(crate) fn first_miss(&self, address: &ProjectAddress) -> bool {
        self.warned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(address.clone())
    }
}

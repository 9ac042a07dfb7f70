//! The viewer cache: a person's gateway reads (`/v1/config?project=`, GraphQL `resolve`) are
//! authorized from memory once the database has said they may view the project. Only the right
//! to view is remembered, and every role grants it, so role changes cannot make an entry wrong;
//! what takes it away — a member's removal — evicts the entry at once, on this instance after
//! its commit and on the others when the PostgreSQL notification arrives (see `revocation.rs`).
//! The background tick empties the cache as the safety net for a missed notification.
//! Organizations and projects are never renamed or deleted, so the slugs → id mapping an entry
//! holds cannot go stale either.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use slipway_domain::{ProjectId, UserId};

/// The most users remembered; past it the cache starts over (entries are re-read on next use).
const CAPACITY: usize = 10_000;

/// Who may view what: by user, then organization slug, then project slug.
#[derive(Debug, Default)]
pub(crate) struct ViewerCache {
    inner: RwLock<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    viewers: HashMap<UserId, HashMap<String, HashMap<String, ProjectId>>>,
    /// Moves on every eviction, so that a check that read the database before an eviction
    /// cannot store its (now stale) answer after it.
    epoch: u64,
}

impl ViewerCache {
    /// The project `org/slug` if `user` is known to view it.
    pub(crate) fn get(&self, user: UserId, org: &str, slug: &str) -> Option<ProjectId> {
        let entries = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        entries.viewers.get(&user)?.get(org)?.get(slug).copied()
    }

    /// The current epoch: read before asking the database, handed back to [`Self::insert`].
    pub(crate) fn epoch(&self) -> u64 {
        self.inner.read().unwrap_or_else(PoisonError::into_inner).epoch
    }

    /// Remembers that `user` may view `project` (`org/slug`), unless an eviction happened since
    /// `epoch` was read.
    pub(crate) fn insert(&self, epoch: u64, user: UserId, org: &str, slug: &str, project: ProjectId) {
        let mut entries = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if entries.epoch != epoch {
            return;
        }
        if entries.viewers.len() >= CAPACITY && !entries.viewers.contains_key(&user) {
            entries.viewers.clear();
        }
        entries
            .viewers
            .entry(user)
            .or_default()
            .entry(org.to_owned())
            .or_default()
            .insert(slug.to_owned(), project);
    }

    /// Forgets that `user` may view `project`.
    pub(crate) fn evict(&self, user: UserId, project: ProjectId) {
        let mut entries = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        entries.epoch += 1;
        if let Some(orgs) = entries.viewers.get_mut(&user) {
            for projects in orgs.values_mut() {
                projects.retain(|_, p| *p != project);
            }
        }
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        let mut entries = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        entries.epoch += 1;
        entries.viewers.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eviction_forgets_and_outdates_checks_begun_before_it() {
        let cache = ViewerCache::default();
        let id = |n| uuid::Uuid::from_u128(n);
        let (alice, bob) = (UserId::from_uuid(id(1)), UserId::from_uuid(id(2)));
        let (shop, blog) = (ProjectId::from_uuid(id(3)), ProjectId::from_uuid(id(4)));
        let epoch = cache.epoch();
        cache.insert(epoch, alice, "acme", "shop", shop);
        cache.insert(epoch, alice, "acme", "blog", blog);
        cache.insert(epoch, bob, "acme", "shop", shop);
        assert_eq!(cache.get(alice, "acme", "shop"), Some(shop));
        assert_eq!(cache.get(alice, "acme", "other"), None);

        let before = cache.epoch();
        cache.evict(alice, shop);
        assert_eq!(cache.get(alice, "acme", "shop"), None);
        assert_eq!(cache.get(alice, "acme", "blog"), Some(blog));
        assert_eq!(cache.get(bob, "acme", "shop"), Some(shop));
        // A check that read the database before the eviction stores nothing.
        cache.insert(before, alice, "acme", "shop", shop);
        assert_eq!(cache.get(alice, "acme", "shop"), None);

        cache.clear();
        assert_eq!(cache.get(bob, "acme", "shop"), None);
    }
}

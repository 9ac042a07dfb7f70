//! Project addresses remembered: `ORG/PROJECT` → the project's id, so that a gateway read that
//! names its project (an API key with `?project=`, or GraphQL `resolve`, which always does) finds
//! it without two database queries per request. Organizations and projects are never renamed or
//! deleted, so an entry can never go stale; only addresses that exist are remembered (a wrong
//! one is looked up each time, under the caller's rate budget), and the map starts over when it
//! grows past its bound.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use slipway_domain::ProjectId;

/// The most addresses remembered.
const CAPACITY: usize = 50_000;

/// `(organization slug, project slug)` → project.
#[derive(Debug, Default)]
pub(crate) struct AddressCache {
    inner: RwLock<Addresses>,
}

#[derive(Debug, Default)]
struct Addresses {
    map: HashMap<String, HashMap<String, ProjectId>>,
    /// Addresses held (the inner maps' sizes summed).
    len: usize,
}

impl AddressCache {
    /// The project at `org/slug`, when remembered.
    pub(crate) fn get(&self, org: &str, slug: &str) -> Option<ProjectId> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        inner.map.get(org)?.get(slug).copied()
    }

    /// Remembers that `org/slug` is `project`.
    pub(crate) fn insert(&self, org: &str, slug: &str, project: ProjectId) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if inner.len >= CAPACITY {
            *inner = Addresses::default();
        }
        let added = inner
            .map
            .entry(org.to_owned())
            .or_default()
            .insert(slug.to_owned(), project)
            .is_none();
        inner.len += usize::from(added);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_found_once_remembered() {
        let cache = AddressCache::default();
        let shop = ProjectId::from_uuid(uuid::Uuid::from_u128(7));
        assert_eq!(cache.get("acme", "shop"), None);
        cache.insert("acme", "shop", shop);
        cache.insert("acme", "shop", shop);
        assert_eq!(cache.get("acme", "shop"), Some(shop));
        assert_eq!(cache.get("acme", "other"), None);
        assert_eq!(cache.get("other", "shop"), None);
        assert_eq!(cache.inner.read().unwrap().len, 1);
    }
}

//! The API-key cache: gateways authenticate on every request, so a known key is answered from
//! memory. Revocation evicts at once — on this instance directly, on the others when its
//! PostgreSQL notification arrives; the background tick re-reads every cached key as the safety
//! net for a missed notification.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use slipway_domain::ApiKeyId;
use slipway_domain::api_key::ApiKey;

/// The most keys kept; past it the cache starts over (keys are re-read on their next use).
const CAPACITY: usize = 10_000;

/// Valid keys by the SHA-256 hash of their secret.
#[derive(Debug, Default)]
pub(crate) struct ApiKeyCache {
    map: RwLock<HashMap<String, ApiKey>>,
}

impl ApiKeyCache {
    pub(crate) fn get(&self, hash: &str) -> Option<ApiKey> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
            .cloned()
    }

    pub(crate) fn insert(&self, hash: String, key: ApiKey) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= CAPACITY && !map.contains_key(&hash) {
            map.clear();
        }
        map.insert(hash, key);
    }

    pub(crate) fn remove(&self, hash: &str) {
        self.map.write().unwrap_or_else(PoisonError::into_inner).remove(hash);
    }

    pub(crate) fn evict_id(&self, id: ApiKeyId) {
        self.map
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, k| k.id != id);
    }

    pub(crate) fn contains_id(&self, id: ApiKeyId) -> bool {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .any(|k| k.id == id)
    }

    pub(crate) fn hashes(&self) -> Vec<String> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect()
    }
}

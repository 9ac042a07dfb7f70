//! When API keys were last used, without a database write per gateway request: each
//! authentication notes the time in memory, and [`Service::flush_api_key_usage`] (on every
//! background tick, and when the server stops) writes the latest time per key in one batch.
//! Listing keys shows the newer of the stored and the pending time, so this instance's own
//! uses are visible at once.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use slipway_domain::ApiKeyId;
use slipway_domain::api_key::ApiKey;
use tracing::instrument;

use crate::Service;

/// Uses noted since the last flush: the latest time per key.
#[derive(Debug, Default)]
pub(crate) struct ApiKeyUsage {
    pending: Mutex<HashMap<ApiKeyId, DateTime<Utc>>>,
}

impl ApiKeyUsage {
    /// Notes that `id` was used at `at`.
    pub(crate) fn note(&self, id: ApiKeyId, at: DateTime<Utc>) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let latest = pending.entry(id).or_insert(at);
        if *latest < at {
            *latest = at;
        }
    }

    /// `key` with the newer of its stored and its pending last use.
    pub(crate) fn overlay(&self, mut key: ApiKey) -> ApiKey {
        let pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = pending.get(&key.id)
            && key.last_used_at.is_none_or(|stored| stored < *at)
        {
            key.last_used_at = Some(*at);
        }
        key
    }

    /// Takes every pending use (to write them).
    fn take(&self) -> Vec<(ApiKeyId, DateTime<Utc>)> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner))
            .into_iter()
            .collect()
    }

    /// Puts uses back after a failed write, keeping any newer ones noted meanwhile.
    fn restore(&self, uses: Vec<(ApiKeyId, DateTime<Utc>)>) {
        for (id, at) in uses {
            self.note(id, at);
        }
    }
}

impl Service {
    /// Writes the API-key uses noted since the last flush; returns how many keys it recorded.
    /// On a database failure the uses stay pending for the next flush.
    #[instrument(skip_all)]
    pub async fn flush_api_key_usage(&self) -> usize {
        let uses = self.inner.usage.take();
        let count = uses.len();
        match self.store().record_api_key_uses(&uses).await {
            Ok(()) => count,
            Err(e) => {
                tracing::warn!(error = %e, keys = count, "could not record API key uses; will retry");
                self.inner.usage.restore(uses);
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn the_latest_use_per_key_is_kept_and_restored() {
        let usage = ApiKeyUsage::default();
        let (a, b) = (
            ApiKeyId::from_uuid(Uuid::from_u128(1)),
            ApiKeyId::from_uuid(Uuid::from_u128(2)),
        );
        let at = |s| Utc.timestamp_opt(s, 0).unwrap();
        usage.note(a, at(20));
        usage.note(a, at(10));
        usage.note(b, at(5));
        let mut taken = usage.take();
        taken.sort();
        assert_eq!(taken, vec![(a, at(20)), (b, at(5))]);
        assert!(usage.take().is_empty());
        usage.note(a, at(30));
        usage.restore(taken);
        let mut again = usage.take();
        again.sort();
        assert_eq!(again, vec![(a, at(30)), (b, at(5))], "a newer use survives a restore");
    }
}

//! The keys of a discovered JWKS as they change: the last good [`KeySet`], shared between the
//! verifier and whatever refreshes it, and the [`RefreshGate`] that decides when a token naming
//! an unknown `kid` may cause a fetch. Pure: the caller passes the time and does the fetching.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::keys::KeySet;

/// The current keys of a discovered JWKS (none until the first fetch succeeds). Cheap to clone:
/// clones share the keys, so a refresh is seen by every verifier at once.
#[derive(Debug, Clone, Default)]
pub struct DiscoveredKeys {
    current: Arc<RwLock<Option<Arc<KeySet>>>>,
}

impl DiscoveredKeys {
    /// An empty cell: every token is refused until [`DiscoveredKeys::replace`] is called.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last good keys, if any were ever fetched.
    pub fn current(&self) -> Option<Arc<KeySet>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Puts freshly fetched keys in place of the old ones. Keys the provider no longer
    /// publishes stop verifying at once; a failed fetch should simply not call this, so that
    /// the last good keys keep serving.
    pub fn replace(&self, keys: KeySet) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(keys));
    }
}

/// Rate-limits the fetches that tokens cause: a token naming an unknown `kid` may cause a
/// fetch (a provider's rotation is picked up at once), but at most one per `min_interval`,
/// however many such tokens arrive, so forged `kid`s cannot make the server fetch in a loop.
#[derive(Debug, Clone)]
pub struct RefreshGate {
    min_interval: Duration,
    last_on_demand: Option<Instant>,
}

impl RefreshGate {
    /// A gate letting one on-demand fetch through per `min_interval`.
    pub fn new(min_interval: Duration) -> Self {
        RefreshGate {
            min_interval,
            last_on_demand: None,
        }
    }

    /// Whether a token naming an unknown `kid` at `now` may cause a fetch; a `true` counts as
    /// that fetch.
    pub fn try_on_demand(&mut self, now: Instant) -> bool {
        let open = self
            .last_on_demand
            .is_none_or(|last| now.saturating_duration_since(last) >= self.min_interval);
        if open {
            self.last_on_demand = Some(now);
        }
        open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::AsymmetricAlgorithm;

    const RSA_PUBLIC: &str = include_str!("../tests/fixtures/rsa1-public.pem");

    #[test]
    fn one_on_demand_fetch_per_interval() {
        let start = Instant::now();
        let mut gate = RefreshGate::new(Duration::from_secs(60));
        assert!(gate.try_on_demand(start), "the first unknown kid fetches");
        for second in 0..60 {
            assert!(!gate.try_on_demand(start + Duration::from_secs(second)), "{second}");
        }
        assert!(gate.try_on_demand(start + Duration::from_secs(60)));
        assert!(!gate.try_on_demand(start + Duration::from_secs(61)));
        // A clock that seems to go backwards never opens the gate early.
        assert!(!gate.try_on_demand(start));
    }

    #[test]
    fn clones_share_the_current_keys() {
        let keys = DiscoveredKeys::new();
        let seen_by_verifier = keys.clone();
        assert!(seen_by_verifier.current().is_none());
        keys.replace(KeySet::from_pem(AsymmetricAlgorithm::Rs256, RSA_PUBLIC.as_bytes()).unwrap());
        assert!(seen_by_verifier.current().is_some());
    }
}

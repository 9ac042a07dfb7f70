//! The budgets themselves: one keyed GCRA limiter (`governor`) per kind of budget, the checks
//! the request path makes, and the housekeeping that keeps their memory bounded.
//!
//! Refusals ([`Throttled`]) are counted per budget (for `/metrics`) and logged at `warn` at most
//! once a minute per client and budget, so that a flood does not become a flood of log lines.

use std::fmt;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use slipway_service::{Caller, Ctx};

use super::keys::{ClientAddress, Credential, Subject};
use super::refusal::{Kind, Throttled};
use super::settings::RateLimitSettings;

/// Most clients one budget tracks. Sweeping drops every client whose budget has refilled; a
/// budget that still tracks more than this afterwards (a flood from ever new addresses) starts
/// over empty, so memory stays bounded (about 100 bytes a client) whatever the keys.
pub const MAX_TRACKED_CLIENTS: usize = 100_000;

/// One budget's limiter, replaceable as a whole when it tracks too many clients.
struct Table<K: Hash + Eq + Clone> {
    quota: Quota,
    limiter: ArcSwap<DefaultKeyedRateLimiter<K>>,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new(quota: Quota) -> Self {
        Self {
            quota,
            limiter: ArcSwap::from_pointee(RateLimiter::keyed(quota)),
        }
    }

    /// Takes one request from `key`'s budget, or says how long until one is available.
    fn check(&self, key: &K, clock: &DefaultClock) -> Result<(), Duration> {
        self.limiter
            .load()
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(clock.now()))
    }

    /// Forgets clients whose budget has refilled (they are indistinguishable from new ones);
    /// starts over when more than `cap` remain. Returns the clients still tracked.
    fn sweep(&self, cap: usize) -> usize {
        let limiter = self.limiter.load();
        limiter.retain_recent();
        limiter.shrink_to_fit();
        let tracked = limiter.len();
        if tracked > cap {
            tracing::warn!(
                tracked,
                cap,
                "rate limiter tracks too many clients; starting this budget over"
            );
            self.limiter.store(Arc::new(RateLimiter::keyed(self.quota)));
            return 0;
        }
        tracked
    }

    fn len(&self) -> usize {
        self.limiter.load().len()
    }
}

/// Every budget's table, the refusal counters and the log gate.
struct Tables {
    settings: RateLimitSettings,
    address: Table<ClientAddress>,
    failed_auth: Table<ClientAddress>,
    credential: Table<Credential>,
    gateway: Table<Credential>,
    mutation: Table<Subject>,
    /// One warning per minute per (budget, client).
    log_gate: Table<(Kind, String)>,
    refused: [AtomicU64; 5],
    clock: DefaultClock,
}

/// The server's rate limits. Cheap to clone; a disabled one admits everything.
#[derive(Clone, Default)]
pub struct RateLimits {
    tables: Option<Arc<Tables>>,
}

impl fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tables {
            None => f.write_str("RateLimits(disabled)"),
            Some(tables) => f.debug_tuple("RateLimits").field(&tables.settings).finish(),
        }
    }
}

impl RateLimits {
    /// The limits `settings` describe (admitting everything when they turn limiting off).
    pub fn new(settings: &RateLimitSettings) -> Self {
        if !settings.enabled {
            return Self::default();
        }
        let log_quota = Quota::per_minute(std::num::NonZeroU32::MIN);
        Self {
            tables: Some(Arc::new(Tables {
                settings: settings.clone(),
                address: Table::new(settings.address.quota()),
                failed_auth: Table::new(settings.failed_auth.quota()),
                credential: Table::new(settings.credential.quota()),
                gateway: Table::new(settings.gateway.quota()),
                mutation: Table::new(settings.mutations.quota()),
                log_gate: Table::new(log_quota),
                refused: Default::default(),
                clock: DefaultClock::default(),
            })),
        }
    }

    /// Whether any request can be refused.
    pub fn is_enabled(&self) -> bool {
        self.tables.is_some()
    }

    /// Counts a request from `address` against its address budget.
    ///
    /// # Errors
    /// [`Throttled`] when the budget is spent.
    pub fn check_address(&self, address: ClientAddress) -> Result<(), Throttled> {
        self.check(Kind::Address, |t| &t.address, &address)
    }

    /// Counts a failed authentication from `address`.
    ///
    /// # Errors
    /// [`Throttled`] when the address has failed too often: it is then answered 429 instead of
    /// 401 until its budget refills.
    pub fn check_failed_auth(&self, address: ClientAddress) -> Result<(), Throttled> {
        self.check(Kind::FailedAuth, |t| &t.failed_auth, &address)
    }

    /// Counts a request by an authenticated caller: an API key against its gateway budget, a
    /// user against the credential budget. Slipway's own work is never counted.
    ///
    /// # Errors
    /// [`Throttled`] when the caller's budget is spent.
    pub fn check_caller(&self, ctx: &Ctx) -> Result<(), Throttled> {
        match Credential::of(ctx) {
            Some(key @ Credential::ApiKey(_)) => self.check(Kind::Gateway, |t| &t.gateway, &key),
            Some(key @ Credential::User(_)) => self.check(Kind::Credential, |t| &t.credential, &key),
            None => {
                debug_assert!(matches!(ctx.caller, Caller::System));
                Ok(())
            }
        }
    }

    /// Counts a GraphQL mutation request by `subject`.
    ///
    /// # Errors
    /// [`Throttled`] when the subject's mutation budget is spent.
    pub fn check_mutation(&self, subject: Subject) -> Result<(), Throttled> {
        self.check(Kind::Mutation, |t| &t.mutation, &subject)
    }

    fn check<K, F>(&self, kind: Kind, table: F, key: &K) -> Result<(), Throttled>
    where
        K: Hash + Eq + Clone + fmt::Display,
        F: FnOnce(&Tables) -> &Table<K>,
    {
        let Some(tables) = &self.tables else {
            return Ok(());
        };
        let Err(wait) = table(tables).check(key, &tables.clock) else {
            return Ok(());
        };
        let throttled = Throttled { kind, wait };
        tables.refused[kind.index()].fetch_add(1, Ordering::Relaxed);
        if tables.log_gate.check(&(kind, key.to_string()), &tables.clock).is_ok() {
            tracing::warn!(
                budget = kind.label(),
                client = %key,
                retry_after = throttled.retry_after_seconds(),
                "client throttled (logged at most once a minute per client and budget)"
            );
        }
        Err(throttled)
    }

    /// Forgets clients whose budgets have refilled, and starts a budget over when it still
    /// tracks more than [`MAX_TRACKED_CLIENTS`]. Returns the clients still tracked.
    pub fn sweep(&self) -> usize {
        self.sweep_with_cap(MAX_TRACKED_CLIENTS)
    }

    pub(crate) fn sweep_with_cap(&self, cap: usize) -> usize {
        let Some(t) = &self.tables else {
            return 0;
        };
        t.address.sweep(cap)
            + t.failed_auth.sweep(cap)
            + t.credential.sweep(cap)
            + t.gateway.sweep(cap)
            + t.mutation.sweep(cap)
            + t.log_gate.sweep(cap)
    }

    /// Clients tracked now, over every budget.
    pub fn tracked(&self) -> usize {
        self.tables.as_ref().map_or(0, |t| {
            t.address.len() + t.failed_auth.len() + t.credential.len() + t.gateway.len() + t.mutation.len()
        })
    }

    /// Requests refused so far, by budget label (`None` when limiting is off), for `/metrics`.
    pub fn refusals(&self) -> Option<Vec<(&'static str, u64)>> {
        let t = self.tables.as_ref()?;
        Some(
            Kind::ALL
                .iter()
                .map(|kind| (kind.label(), t.refused[kind.index()].load(Ordering::Relaxed)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use slipway_domain::{ApiKeyId, UserId};

    use super::super::budget::Budget;
    use super::*;

    fn settings(address: &str, failed_auth: &str, mutations: &str) -> RateLimitSettings {
        RateLimitSettings {
            address: Budget::parse(address).unwrap(),
            failed_auth: Budget::parse(failed_auth).unwrap(),
            mutations: Budget::parse(mutations).unwrap(),
            ..RateLimitSettings::default()
        }
    }

    fn ip(last: u8) -> ClientAddress {
        ClientAddress::Ip([192, 0, 2, last].into())
    }

    #[test]
    fn a_budget_admits_its_burst_then_refuses_with_the_wait() {
        let limits = RateLimits::new(&settings("3/1h", "1/1h", "1/1h"));
        for _ in 0..3 {
            assert_eq!(limits.check_address(ip(1)), Ok(()));
        }
        let refused = limits.check_address(ip(1)).unwrap_err();
        assert_eq!(refused.kind, Kind::Address);
        // One request refills every 20 minutes.
        assert!(refused.wait > Duration::from_secs(19 * 60) && refused.wait <= Duration::from_secs(20 * 60));
        assert_eq!(refused.retry_after_seconds(), refused.wait.as_secs() + 1);
        assert_eq!(
            limits.check_address(ip(2)),
            Ok(()),
            "another address has its own budget"
        );
    }

    #[test]
    fn budgets_of_different_kinds_are_independent() {
        let limits = RateLimits::new(&settings("1/1h", "1/1h", "1/1h"));
        assert_eq!(limits.check_address(ip(1)), Ok(()));
        assert_eq!(limits.check_failed_auth(ip(1)), Ok(()), "failed auth is its own budget");
        assert_eq!(limits.check_failed_auth(ip(1)).unwrap_err().kind, Kind::FailedAuth);
        let user = Subject::Credential(Credential::User(UserId::from_uuid(uuid::Uuid::now_v7())));
        assert_eq!(limits.check_mutation(user), Ok(()));
        assert_eq!(limits.check_mutation(user).unwrap_err().kind, Kind::Mutation);
        let other = Subject::Credential(Credential::User(UserId::from_uuid(uuid::Uuid::now_v7())));
        assert_eq!(limits.check_mutation(other), Ok(()), "per caller");
        assert_eq!(limits.check_mutation(Subject::Address(ip(1))), Ok(()));
    }

    #[test]
    fn disabled_limits_admit_everything_and_track_nothing() {
        let limits = RateLimits::new(&RateLimitSettings {
            enabled: false,
            ..settings("1/1h", "1/1h", "1/1h")
        });
        for _ in 0..10 {
            assert_eq!(limits.check_address(ip(1)), Ok(()));
            assert_eq!(limits.check_failed_auth(ip(1)), Ok(()));
        }
        assert_eq!(limits.tracked(), 0);
        assert_eq!(limits.refusals(), None);
    }

    #[test]
    fn sweeping_forgets_refilled_clients_and_caps_a_flood_of_new_ones() {
        // 1000/1ms: a client's budget refills within a millisecond.
        let limits = RateLimits::new(&settings("1000/1ms", "1/1h", "1/1h"));
        for last in 0..=255 {
            assert_eq!(limits.check_address(ip(last)), Ok(()));
        }
        assert_eq!(limits.tracked(), 256);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(limits.sweep(), 0, "refilled budgets are forgotten");

        // Clients whose budgets are spent stay tracked, until there are too many of them.
        let limits = RateLimits::new(&settings("1/1h", "1/1h", "1/1h"));
        for last in 0..100 {
            assert_eq!(limits.check_address(ip(last)), Ok(()));
        }
        assert_eq!(limits.sweep_with_cap(1_000), 100, "spent budgets are remembered");
        assert!(limits.check_address(ip(7)).is_err());
        limits.sweep_with_cap(50);
        assert_eq!(limits.tracked(), 0, "over the cap, the budget starts over");
        assert_eq!(limits.check_address(ip(7)), Ok(()));
    }

    #[test]
    fn refusals_are_counted_per_budget() {
        let limits = RateLimits::new(&settings("1/1h", "1/1h", "1/1h"));
        let key = ApiKeyId::from_uuid(uuid::Uuid::now_v7());
        let _ = limits.check_address(ip(1));
        assert!(limits.check_address(ip(1)).is_err());
        assert!(limits.check_address(ip(1)).is_err());
        let _ = limits.check_mutation(Subject::Credential(Credential::ApiKey(key)));
        let refusals = limits.refusals().unwrap();
        assert!(refusals.contains(&("address", 2)), "{refusals:?}");
        assert!(refusals.contains(&("mutation", 0)), "{refusals:?}");
        assert_eq!(limits.tracked(), 2);
    }
}

//! The rate-limit settings and their defaults, chosen for a real deployment: generous for
//! people and tools, effectively unlimited for a gateway with a valid key, strict for failed
//! authentication.

use super::budget::Budget;

/// Default per-address budget: 1200 a minute (20 a second, bursts of 1200).
pub const DEFAULT_ADDRESS: &str = "1200/1m";
/// Default per-user budget (JWT subject): 600 a minute.
pub const DEFAULT_CREDENTIAL: &str = "600/1m";
/// Default per-API-key budget: 5000 a second, far above what one gateway asks.
pub const DEFAULT_GATEWAY: &str = "5000/1s";
/// Default budget of failed authentications per address: 30 a minute.
pub const DEFAULT_FAILED_AUTH: &str = "30/1m";
/// Default budget of GraphQL mutation requests per caller: 120 a minute.
pub const DEFAULT_MUTATIONS: &str = "120/1m";

/// How requests are rate limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Whether to limit at all.
    pub enabled: bool,
    /// Every request from one address, except health and metrics, and gateway reads carrying
    /// an API key (those count against `gateway`, or `failed_auth` when the key is bad).
    pub address: Budget,
    /// Requests by one signed-in user, whatever token of theirs they present.
    pub credential: Budget,
    /// Requests with one API key.
    pub gateway: Budget,
    /// Failed authentications from one address; once spent, they are answered 429, not 401.
    pub failed_auth: Budget,
    /// GraphQL mutation requests by one caller (by address when anonymous).
    pub mutations: Budget,
}

/// A built-in budget.
#[allow(clippy::expect_used, reason = "built-in constants, each parsed by a unit test")]
fn built_in(text: &str) -> Budget {
    Budget::parse(text).expect("a valid built-in budget")
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            address: built_in(DEFAULT_ADDRESS),
            credential: built_in(DEFAULT_CREDENTIAL),
            gateway: built_in(DEFAULT_GATEWAY),
            failed_auth: built_in(DEFAULT_FAILED_AUTH),
            mutations: built_in(DEFAULT_MUTATIONS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse_and_keep_their_order() {
        for text in [
            DEFAULT_ADDRESS,
            DEFAULT_CREDENTIAL,
            DEFAULT_GATEWAY,
            DEFAULT_FAILED_AUTH,
            DEFAULT_MUTATIONS,
        ] {
            assert!(Budget::parse(text).is_ok(), "{text}");
        }
        let s = RateLimitSettings::default();
        assert!(s.enabled);
        let per_second = |b: Budget| f64::from(b.count().get()) / b.period().as_secs_f64();
        assert!(per_second(s.gateway) >= 1000.0, "a real gateway is never throttled");
        assert!(
            per_second(s.failed_auth) < per_second(s.address),
            "failed auth is stricter"
        );
        assert!(
            per_second(s.mutations) < per_second(s.credential),
            "mutations are stricter"
        );
    }
}

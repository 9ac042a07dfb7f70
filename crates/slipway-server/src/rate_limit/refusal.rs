//! A refusal: which budget is spent ([`Kind`]) and how long until it admits the client again
//! ([`Throttled`]), turned into the `429 RATE_LIMITED` error with its `Retry-After` seconds.

use std::time::Duration;

use crate::error::ApiError;

/// The kinds of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Every request from an address (health and metrics excepted, and gateway reads with an
    /// API key, which count against [`Kind::Gateway`]).
    Address,
    /// Failed authentications from an address (an unknown or revoked API key, a bad JWT).
    FailedAuth,
    /// Requests by one signed-in user.
    Credential,
    /// Requests with one API key.
    Gateway,
    /// GraphQL mutations by one caller (or anonymous address).
    Mutation,
}

impl Kind {
    pub(super) const ALL: [Self; 5] = [
        Self::Address,
        Self::FailedAuth,
        Self::Credential,
        Self::Gateway,
        Self::Mutation,
    ];

    /// The name in logs and metrics.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Address => "address",
            Self::FailedAuth => "failed_auth",
            Self::Credential => "credential",
            Self::Gateway => "gateway",
            Self::Mutation => "mutation",
        }
    }

    pub(super) const fn index(self) -> usize {
        match self {
            Self::Address => 0,
            Self::FailedAuth => 1,
            Self::Credential => 2,
            Self::Gateway => 3,
            Self::Mutation => 4,
        }
    }

    const fn message(self) -> &'static str {
        match self {
            Self::Address => "too many requests from this address",
            Self::FailedAuth => "too many failed authentication attempts from this address",
            Self::Credential => "too many requests with these credentials",
            Self::Gateway => "too many requests with this API key",
            Self::Mutation => "too many mutations",
        }
    }
}

/// A request refused because a budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// The budget that is spent.
    pub kind: Kind,
    /// How long until it admits one more request.
    pub wait: Duration,
}

impl Throttled {
    /// The `Retry-After` value: the wait in whole seconds, rounded up, and at least 1.
    pub fn retry_after_seconds(&self) -> u64 {
        let whole = self.wait.as_secs();
        let rounded = if self.wait.subsec_nanos() > 0 {
            whole.saturating_add(1)
        } else {
            whole
        };
        rounded.max(1)
    }

    /// What the client is told: which budget is spent and when to try again.
    pub fn message(&self) -> String {
        format!("{}; try again in {} s", self.kind.message(), self.retry_after_seconds())
    }
}

impl From<Throttled> for ApiError {
    fn from(throttled: Throttled) -> Self {
        ApiError::rate_limited(throttled.message(), throttled.retry_after_seconds())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        let t = |wait| Throttled {
            kind: Kind::Address,
            wait,
        };
        assert_eq!(t(Duration::ZERO).retry_after_seconds(), 1);
        assert_eq!(t(Duration::from_millis(1)).retry_after_seconds(), 1);
        assert_eq!(t(Duration::from_millis(1001)).retry_after_seconds(), 2);
        assert_eq!(t(Duration::from_secs(3)).retry_after_seconds(), 3);
        let api = ApiError::from(t(Duration::from_millis(2500)));
        assert_eq!(
            (api.status.as_u16(), api.code, api.retry_after),
            (429, "RATE_LIMITED", Some(3))
        );
    }
}

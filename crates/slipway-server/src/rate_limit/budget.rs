//! A rate budget as settings write it: `COUNT/PERIOD` (`1200/1m`, `20/1m`, `5000/1s`) — at most
//! COUNT requests in a burst, refilled evenly over PERIOD (one every PERIOD/COUNT), which is
//! the GCRA quota `governor` enforces.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use governor::Quota;

use crate::duration::{format_duration, parse_duration};

/// A parsed budget; once it exists its quota is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    count: NonZeroU32,
    period: Duration,
    quota: Quota,
}

impl Budget {
    /// `count` requests per `period`; `None` when the period is too short to give each request
    /// a nanosecond.
    pub fn new(count: NonZeroU32, period: Duration) -> Option<Self> {
        let quota = Quota::with_period(period / count.get())?.allow_burst(count);
        Some(Self { count, period, quota })
    }

    /// Parses `COUNT/PERIOD`, the period as [`parse_duration`] reads it (`30s`, `1m`, `1h`).
    ///
    /// # Errors
    /// A message naming the accepted form, for a missing slash, a count that is not a whole
    /// number from 1 to 4294967295, or an invalid or too short period.
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = |why: &str| format!("'{text}' is not a rate budget ({why}; use e.g. 1200/1m or 5000/1s)");
        let (count, period) = text.trim().split_once('/').ok_or_else(|| invalid("no '/'"))?;
        let count: NonZeroU32 = count
            .trim()
            .parse()
            .map_err(|_| invalid("the count must be a whole number above 0"))?;
        let period = parse_duration(period).map_err(|_| invalid("the period is not a duration"))?;
        Self::new(count, period).ok_or_else(|| invalid("the period is too short for the count"))
    }

    /// The burst size: requests allowed at once by a client with a full budget.
    pub const fn count(&self) -> NonZeroU32 {
        self.count
    }

    /// The time in which a spent budget refills completely.
    pub const fn period(&self) -> Duration {
        self.period
    }

    /// The quota a limiter enforces.
    pub const fn quota(&self) -> Quota {
        self.quota
    }
}

impl FromStr for Budget {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.count, format_duration(self.period))
    }
}

/// Reads an optional budget written as [`Budget::parse`] reads it (a TOML string such as
/// `"1200/1m"`), for settings read with serde.
///
/// # Errors
/// The parse error, which the TOML reader places at the value's line and column.
pub fn deserialize_opt<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Budget>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    text.map(|t| Budget::parse(&t).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_count_slash_period() {
        let budget = Budget::parse("1200/1m").unwrap();
        assert_eq!(budget.count().get(), 1200);
        assert_eq!(budget.period(), Duration::from_secs(60));
        assert_eq!(budget.quota().burst_size().get(), 1200);
        assert_eq!(budget.quota().replenish_interval(), Duration::from_millis(50));
        assert_eq!(budget.to_string(), "1200/60s");
        assert_eq!(Budget::parse(" 3 / 250ms ").unwrap().to_string(), "3/250ms");
        assert_eq!(
            Budget::parse(&budget.to_string()).unwrap(),
            budget,
            "Display reads back"
        );
    }

    #[test]
    fn malformed_budgets_are_refused_with_the_accepted_form() {
        for bad in [
            "",
            "10",
            "0/1s",
            "-1/1s",
            "x/1s",
            "10/",
            "10/soon",
            "10/0s",
            "5000000000/1s",
            "10/1s/2",
        ] {
            let error = Budget::parse(bad).unwrap_err();
            assert!(error.contains("e.g. 1200/1m"), "{bad}: {error}");
        }
        assert!(
            Budget::parse("2000000/1ms").is_err(),
            "less than a nanosecond per request"
        );
    }
}

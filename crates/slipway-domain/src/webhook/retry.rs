//! When a failed delivery is tried again: exponential backoff with jitter, for about a day, then
//! the delivery is failed. The jitter comes from a [`Roll`] the caller draws, so the schedule is a
//! pure function and tests pin it.

use chrono::{DateTime, Duration, Utc};

/// The delay after the first failed attempt (before jitter).
pub const FIRST_DELAY: Duration = Duration::seconds(30);
/// The longest delay between two attempts (before jitter).
pub const MAX_DELAY: Duration = Duration::hours(2);
/// How long after its creation a delivery is still retried.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);

/// A random draw in `[0, 1)` that spreads retries of many deliveries apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roll(u32);

impl Roll {
    /// The draw `bits / 2^32`, from 32 random bits.
    pub const fn from_bits(bits: u32) -> Self {
        Self(bits)
    }

    /// `whole` scaled by the draw (rounded down).
    fn scale(self, whole: i64) -> i64 {
        let scaled = (i128::from(whole) * i128::from(self.0)) >> 32;
        i64::try_from(scaled).unwrap_or(whole)
    }
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again at this time.
    At(DateTime<Utc>),
    /// The day is over: the delivery has failed.
    GiveUp,
}

/// The delay after the `failed`-th failed attempt (1 for the first): doubling from
/// [`FIRST_DELAY`] up to [`MAX_DELAY`], of which the roll keeps between half and all.
pub fn delay(failed: u32, roll: Roll) -> Duration {
    let doublings = failed.saturating_sub(1).min(20);
    let base_ms = FIRST_DELAY
        .num_milliseconds()
        .saturating_mul(1_i64 << doublings)
        .min(MAX_DELAY.num_milliseconds());
    // Equal jitter: half the base always, the other half scaled by the roll.
    let jitter_ms = roll.scale(base_ms / 2);
    Duration::milliseconds(base_ms - base_ms / 2 + jitter_ms)
}

/// What follows the `failed`-th failed attempt, made at `now`, of a delivery created at
/// `created_at`.
pub fn after_failure(created_at: DateTime<Utc>, failed: u32, now: DateTime<Utc>, roll: Roll) -> Retry {
    let next = now + delay(failed, roll);
    if next - created_at > GIVE_UP_AFTER {
        Retry::GiveUp
    } else {
        Retry::At(next)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let none = Roll::from_bits(0);
        let most = Roll::from_bits(u32::MAX);
        assert_eq!(delay(1, none), Duration::seconds(15));
        assert_eq!(delay(2, none), Duration::seconds(30));
        assert_eq!(delay(3, none), Duration::seconds(60));
        assert!(delay(1, most) < FIRST_DELAY && delay(1, most) > Duration::seconds(29));
        assert_eq!(delay(40, none), MAX_DELAY / 2);
        assert!(delay(u32::MAX, most) <= MAX_DELAY);
    }

    #[test]
    fn a_failing_delivery_is_retried_for_about_a_day() {
        let created = DateTime::<Utc>::UNIX_EPOCH;
        for roll in [
            Roll::from_bits(0),
            Roll::from_bits(u32::MAX / 2),
            Roll::from_bits(u32::MAX),
        ] {
            let (mut now, mut failed) = (created, 0);
            loop {
                failed += 1;
                match after_failure(created, failed, now, roll) {
                    Retry::At(next) => now = next,
                    Retry::GiveUp => break,
                }
            }
            assert!(now - created > Duration::hours(21), "retried until {now}");
            assert!(now - created <= GIVE_UP_AFTER);
            assert!((10..60).contains(&failed), "{failed} attempts");
        }
    }

    proptest! {
        #[test]
        fn the_next_try_is_later_and_within_the_day(failed in 1u32..100, bits: u32, offset_s in 0i64..90_000) {
            let created = DateTime::<Utc>::UNIX_EPOCH;
            let now = created + Duration::seconds(offset_s);
            let d = delay(failed, Roll::from_bits(bits));
            prop_assert!(d >= FIRST_DELAY / 2 && d <= MAX_DELAY);
            match after_failure(created, failed, now, Roll::from_bits(bits)) {
                Retry::At(next) => {
                    prop_assert!(next > now);
                    prop_assert!(next - created <= GIVE_UP_AFTER);
                }
                Retry::GiveUp => prop_assert!(now + d - created > GIVE_UP_AFTER),
            }
        }
    }
}

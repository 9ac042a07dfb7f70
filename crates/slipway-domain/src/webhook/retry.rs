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

/// The retry schedule: delays doubling from `first_delay` up to [`MAX_DELAY`], for
/// [`GIVE_UP_AFTER`] after a delivery's creation. Operators may shorten the first delay (the
/// default is [`FIRST_DELAY`]); the day-long window stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    first_delay: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            first_delay: FIRST_DELAY,
        }
    }
}

impl Schedule {
    /// A schedule whose first retry waits `first_delay` (before jitter), kept between one
    /// millisecond and [`MAX_DELAY`].
    pub fn with_first_delay(first_delay: Duration) -> Self {
        Self {
            first_delay: first_delay.clamp(Duration::milliseconds(1), MAX_DELAY),
        }
    }

    /// The delay before the first retry (before jitter).
    pub const fn first_delay(&self) -> Duration {
        self.first_delay
    }

    /// The delay after the `failed`-th failed attempt (1 for the first): doubling from the
    /// first delay up to [`MAX_DELAY`], of which the roll keeps between half and all.
    pub fn delay(&self, failed: u32, roll: Roll) -> Duration {
        let doublings = failed.saturating_sub(1).min(20);
        let base_ms = self
            .first_delay
            .num_milliseconds()
            .saturating_mul(1_i64 << doublings)
            .min(MAX_DELAY.num_milliseconds());
        // Equal jitter: half the base always, the other half scaled by the roll.
        let jitter_ms = roll.scale(base_ms / 2);
        Duration::milliseconds(base_ms - base_ms / 2 + jitter_ms)
    }

    /// What follows the `failed`-th failed attempt, made at `now`, of a delivery created at
    /// `created_at`.
    pub fn after_failure(&self, created_at: DateTime<Utc>, failed: u32, now: DateTime<Utc>, roll: Roll) -> Retry {
        let next = now + self.delay(failed, roll);
        if next - created_at > GIVE_UP_AFTER {
            Retry::GiveUp
        } else {
            Retry::At(next)
        }
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
        assert_eq!(Schedule::default().delay(1, none), Duration::seconds(15));
        assert_eq!(Schedule::default().delay(2, none), Duration::seconds(30));
        assert_eq!(Schedule::default().delay(3, none), Duration::seconds(60));
        assert!(
            Schedule::default().delay(1, most) < FIRST_DELAY
                && Schedule::default().delay(1, most) > Duration::seconds(29)
        );
        assert_eq!(Schedule::default().delay(40, none), MAX_DELAY / 2);
        assert!(Schedule::default().delay(u32::MAX, most) <= MAX_DELAY);
    }

    #[test]
    fn a_shorter_first_delay_doubles_the_same_way_and_keeps_the_day() {
        let quick = Schedule::with_first_delay(Duration::seconds(1));
        let none = Roll::from_bits(0);
        assert_eq!(quick.first_delay(), Duration::seconds(1));
        assert_eq!(quick.delay(1, none), Duration::milliseconds(500));
        assert_eq!(quick.delay(2, none), Duration::seconds(1));
        assert_eq!(quick.delay(40, none), MAX_DELAY / 2);
        let created = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(
            quick.after_failure(created, 3, created + GIVE_UP_AFTER, none),
            Retry::GiveUp
        );
        assert_eq!(
            Schedule::with_first_delay(Duration::zero()).first_delay(),
            Duration::milliseconds(1)
        );
        assert_eq!(Schedule::with_first_delay(Duration::days(9)).first_delay(), MAX_DELAY);
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
                match Schedule::default().after_failure(created, failed, now, roll) {
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
            let d = Schedule::default().delay(failed, Roll::from_bits(bits));
            prop_assert!(d >= FIRST_DELAY / 2 && d <= MAX_DELAY);
            match Schedule::default().after_failure(created, failed, now, Roll::from_bits(bits)) {
                Retry::At(next) => {
                    prop_assert!(next > now);
                    prop_assert!(next - created <= GIVE_UP_AFTER);
                }
                Retry::GiveUp => prop_assert!(now + d - created > GIVE_UP_AFTER),
            }
        }
    }
}

//! Reconnection delays: exponential from a base (the server's `retry:` hint when it sent one) up
//! to a ceiling, with "equal jitter" (half the delay fixed, half random) so that many clients
//! cut off at once do not come back at once.

use std::time::Duration;

/// The delay schedule of one follower.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    base: Duration,
    max: Duration,
    attempt: u32,
}

impl Backoff {
    /// A schedule starting at `base`, never above `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base: base.min(max),
            max,
            attempt: 0,
        }
    }

    /// The server's hint replaces the base (bounded by the ceiling).
    pub fn set_base(&mut self, base: Duration) {
        self.base = base.min(self.max);
    }

    /// Back to the shortest delay, after a connection that worked.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The next delay; `random` is uniform in `[0, 1)` (passed in so tests can pin it).
    pub fn next(&mut self, random: f64) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt.min(16));
        self.attempt = self.attempt.saturating_add(1);
        let delay = self.base.saturating_mul(factor).min(self.max);
        let half = delay / 2;
        half + half.mul_f64(random.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_ceiling_with_half_of_each_random() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let lows: Vec<_> = (0..6).map(|_| backoff.next(0.0).as_millis()).collect();
        assert_eq!(lows, [50, 100, 200, 400, 500, 500]);
        backoff.reset();
        assert_eq!(backoff.next(0.999_999).as_millis(), 99);
        assert_eq!(backoff.next(0.5).as_millis(), 150);
    }

    #[test]
    fn the_servers_hint_sets_the_base_but_not_past_the_ceiling() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        backoff.set_base(Duration::from_secs(2));
        assert_eq!(backoff.next(0.0), Duration::from_secs(1));
        backoff.set_base(Duration::from_secs(60));
        backoff.reset();
        assert_eq!(backoff.next(1.0), Duration::from_secs(5));
    }
}

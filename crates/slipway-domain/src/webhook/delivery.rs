//! A delivery's life: pending until an attempt gets a 2xx answer (delivered) or the retry
//! schedule gives up (failed); and an endpoint's health, which disables an endpoint whose
//! deliveries have failed for days.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use uuid::Uuid;

use crate::webhook::EventKind;
use crate::webhook::retry::{Retry, Roll, Schedule};
use crate::{ValidationError, WebhookDeliveryId, WebhookEndpointId};

/// One event's delivery to one endpoint, as the delivery log shows it (its body stays with the
/// sender).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// This delivery.
    pub id: WebhookDeliveryId,
    /// Where it goes.
    pub endpoint_id: WebhookEndpointId,
    /// The event: the `webhook-id` header, the same for each delivery and redelivery of it.
    pub event_id: Uuid,
    /// What kind of event.
    pub kind: EventKind,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the last attempt was made.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The last attempt's HTTP status, when it got an answer.
    pub response_code: Option<u16>,
    /// How long the last attempt took, in milliseconds.
    pub latency_ms: Option<u32>,
    /// Why the last attempt failed, in Slipway's words (never the endpoint's body).
    pub error: Option<String>,
    /// When the event was committed.
    pub created_at: DateTime<Utc>,
}

/// How long an endpoint may fail without one success before it is disabled.
pub const DISABLE_AFTER: Duration = Duration::days(3);

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Not delivered yet; tried (again) at its next attempt time.
    Pending,
    /// An attempt got a 2xx answer.
    Delivered,
    /// Every attempt of its day failed.
    Failed,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 3] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
    ];

    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryStatus {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| ValidationError::new("status", "unknown delivery status"))
    }
}

/// What one attempt got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint answered with this HTTP status.
    Answered(u16),
    /// No answer within the timeout.
    TimedOut,
    /// No connection: the host did not resolve, refused the connection or failed TLS.
    Unreachable,
    /// The host resolved only to addresses the sender may not call (private, link-local,
    /// metadata), so nothing was sent.
    Forbidden,
}

impl Outcome {
    /// Whether the attempt delivered the event: a 2xx answer, and nothing else (a redirect is
    /// not followed).
    pub const fn delivered(self) -> bool {
        matches!(self, Outcome::Answered(200..=299))
    }

    /// The HTTP status, when there was an answer.
    pub const fn status_code(self) -> Option<u16> {
        match self {
            Outcome::Answered(code) => Some(code),
            _ => None,
        }
    }

    /// A short, fixed description of a failed attempt for the delivery log (never the
    /// endpoint's answer body).
    pub const fn error(self) -> Option<&'static str> {
        match self {
            Outcome::Answered(200..=299) => None,
            Outcome::Answered(_) => Some("the endpoint answered with a non-2xx status"),
            Outcome::TimedOut => Some("the endpoint did not answer in time"),
            Outcome::Unreachable => Some("the endpoint could not be reached"),
            Outcome::Forbidden => Some("the endpoint's address is not allowed"),
        }
    }
}

/// A delivery's state after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    /// Its new status.
    pub status: DeliveryStatus,
    /// When it is tried again (only while pending).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// Settles a delivery created at `created_at` after its `attempts`-th attempt (1 for the
/// first), made at `now`, got `outcome`; a failure is retried on `schedule`.
pub fn settle(
    schedule: &Schedule,
    created_at: DateTime<Utc>,
    attempts: u32,
    outcome: Outcome,
    now: DateTime<Utc>,
    roll: Roll,
) -> Settled {
    if outcome.delivered() {
        return Settled {
            status: DeliveryStatus::Delivered,
            next_attempt_at: None,
        };
    }
    match schedule.after_failure(created_at, attempts, now, roll) {
        Retry::At(at) => Settled {
            status: DeliveryStatus::Pending,
            next_attempt_at: Some(at),
        },
        Retry::GiveUp => Settled {
            status: DeliveryStatus::Failed,
            next_attempt_at: None,
        },
    }
}

/// An endpoint's health after an attempt: when it began failing without a success since, and
/// whether it must now be disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    /// The first failure since the last success (`None`: healthy).
    pub failing_since: Option<DateTime<Utc>>,
    /// Whether the endpoint has failed for [`DISABLE_AFTER`] and is disabled by this attempt.
    pub disable: bool,
}

/// The health of an endpoint that was failing since `failing_since` after an attempt at `now`.
pub fn health(failing_since: Option<DateTime<Utc>>, outcome: Outcome, now: DateTime<Utc>) -> Health {
    if outcome.delivered() {
        return Health {
            failing_since: None,
            disable: false,
        };
    }
    let since = failing_since.unwrap_or(now);
    Health {
        failing_since: Some(since),
        disable: now - since >= DISABLE_AFTER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(s)
    }

    #[test]
    fn only_a_2xx_answer_delivers() {
        for (outcome, delivered) in [
            (Outcome::Answered(200), true),
            (Outcome::Answered(204), true),
            (Outcome::Answered(301), false),
            (Outcome::Answered(404), false),
            (Outcome::Answered(500), false),
            (Outcome::TimedOut, false),
            (Outcome::Unreachable, false),
            (Outcome::Forbidden, false),
        ] {
            assert_eq!(outcome.delivered(), delivered, "{outcome:?}");
            assert_eq!(outcome.error().is_none(), delivered, "{outcome:?}");
        }
        assert_eq!(Outcome::Answered(503).status_code(), Some(503));
        assert_eq!(Outcome::TimedOut.status_code(), None);
    }

    #[test]
    fn a_failure_reschedules_until_the_day_is_over() {
        let roll = Roll::from_bits(0);
        let ok = settle(&Schedule::default(), at(0), 1, Outcome::Answered(200), at(0), roll);
        assert_eq!((ok.status, ok.next_attempt_at), (DeliveryStatus::Delivered, None));
        let again = settle(&Schedule::default(), at(0), 1, Outcome::Answered(500), at(0), roll);
        assert_eq!(again.status, DeliveryStatus::Pending);
        assert_eq!(again.next_attempt_at, Some(at(15)));
        let late = settle(&Schedule::default(), at(0), 20, Outcome::TimedOut, at(86_000), roll);
        assert_eq!((late.status, late.next_attempt_at), (DeliveryStatus::Failed, None));
    }

    #[test]
    fn an_endpoint_failing_for_days_is_disabled_and_a_success_heals_it() {
        let first = health(None, Outcome::Answered(500), at(100));
        assert_eq!(
            first,
            Health {
                failing_since: Some(at(100)),
                disable: false
            }
        );
        let day = health(first.failing_since, Outcome::Unreachable, at(100 + 86_400));
        assert!(!day.disable);
        let days = health(first.failing_since, Outcome::Unreachable, at(100 + 3 * 86_400));
        assert!(days.disable);
        assert_eq!(
            health(first.failing_since, Outcome::Answered(204), at(200)).failing_since,
            None
        );
    }

    #[test]
    fn statuses_round_trip() {
        for status in DeliveryStatus::ALL {
            assert_eq!(status.as_str().parse::<DeliveryStatus>().unwrap(), status);
        }
        assert!("lost".parse::<DeliveryStatus>().is_err());
    }
}

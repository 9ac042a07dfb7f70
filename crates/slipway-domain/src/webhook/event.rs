//! What a webhook endpoint can be told about: the event kinds and the set an endpoint wants.

use std::fmt;
use std::str::FromStr;

use crate::ValidationError;
use crate::release::ReleaseState;

/// One kind of event a webhook endpoint may subscribe to (the `type` of a payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// A release was created (whatever state it starts in).
    ReleaseCreated,
    /// A release waits for approvals.
    ReleasePendingApproval,
    /// A release reached its quorum and waits to be applied.
    ReleaseApproved,
    /// An approver rejected a release.
    ReleaseRejected,
    /// A release was applied: its pointers moved.
    ReleaseDeployed,
    /// A release can never apply: its target or source moved on.
    ReleaseSuperseded,
    /// A release waited longer than its policy allows.
    ReleaseExpired,
    /// An environment's roles or promotion policy changed.
    EnvironmentChanged,
    /// Sent on request to check an endpoint; every endpoint receives it.
    Test,
}

impl EventKind {
    /// Every kind, in the order of the list.
    pub const ALL: [EventKind; 9] = [
        EventKind::ReleaseCreated,
        EventKind::ReleasePendingApproval,
        EventKind::ReleaseApproved,
        EventKind::ReleaseRejected,
        EventKind::ReleaseDeployed,
        EventKind::ReleaseSuperseded,
        EventKind::ReleaseExpired,
        EventKind::EnvironmentChanged,
        EventKind::Test,
    ];

    /// The wire name (`release.pending_approval`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::ReleaseCreated => "release.created",
            EventKind::ReleasePendingApproval => "release.pending_approval",
            EventKind::ReleaseApproved => "release.approved",
            EventKind::ReleaseRejected => "release.rejected",
            EventKind::ReleaseDeployed => "release.deployed",
            EventKind::ReleaseSuperseded => "release.superseded",
            EventKind::ReleaseExpired => "release.expired",
            EventKind::EnvironmentChanged => "environment.changed",
            EventKind::Test => "webhook.test",
        }
    }

    /// This kind's bit in an [`EventSet`]; the store filters subscriptions on it, so the bits
    /// of existing kinds never change.
    pub const fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// The event a release entering `state` causes, if any (a cancelled release tells no one).
    pub const fn for_release_state(state: ReleaseState) -> Option<EventKind> {
        match state {
            ReleaseState::Pending => Some(EventKind::ReleasePendingApproval),
            ReleaseState::Approved => Some(EventKind::ReleaseApproved),
            ReleaseState::Deployed => Some(EventKind::ReleaseDeployed),
            ReleaseState::Rejected => Some(EventKind::ReleaseRejected),
            ReleaseState::Superseded => Some(EventKind::ReleaseSuperseded),
            ReleaseState::Expired => Some(EventKind::ReleaseExpired),
            ReleaseState::Cancelled => None,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ValidationError::new("events", format!("unknown event '{s}'")))
    }
}

/// The events an endpoint wants: never empty. The test event is always delivered and so is not
/// part of a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventSet(u32);

impl EventSet {
    /// Parses a subscription: at least one kind, no duplicates, not the test event.
    ///
    /// # Errors
    /// `events` when the list is empty, repeats a kind, names an unknown one or the test event.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, ValidationError> {
        let err = |m: String| ValidationError::new("events", m);
        if names.is_empty() {
            return Err(err("must name at least one event".to_owned()));
        }
        let mut bits = 0;
        for name in names {
            let kind: EventKind = name.as_ref().parse()?;
            if kind == EventKind::Test {
                return Err(err(format!("'{kind}' is sent to every endpoint and cannot be chosen")));
            }
            if bits & kind.bit() != 0 {
                return Err(err(format!("'{kind}' is listed twice")));
            }
            bits |= kind.bit();
        }
        Ok(Self(bits))
    }

    /// Reads a stored set back; `None` when it holds no known kind or an unknown bit.
    pub fn from_bits(bits: u32) -> Option<Self> {
        let known = EventKind::ALL
            .into_iter()
            .filter(|k| *k != EventKind::Test)
            .fold(0, |acc, k| acc | k.bit());
        (bits != 0 && bits & !known == 0).then_some(Self(bits))
    }

    /// The stored form.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether an event of `kind` goes to an endpoint with this subscription.
    pub const fn wants(self, kind: EventKind) -> bool {
        matches!(kind, EventKind::Test) || self.0 & kind.bit() != 0
    }

    /// The kinds in the set, in [`EventKind::ALL`] order.
    pub fn kinds(self) -> Vec<EventKind> {
        EventKind::ALL.into_iter().filter(|k| self.0 & k.bit() != 0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bits_are_distinct() {
        let mut seen = 0;
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>().unwrap(), kind);
            assert_eq!(seen & kind.bit(), 0, "{kind}");
            seen |= kind.bit();
        }
        assert_eq!("release.exploded".parse::<EventKind>().unwrap_err().field(), "events");
    }

    #[test]
    fn a_subscription_names_real_kinds_once() {
        let set = EventSet::parse(&["release.pending_approval", "release.deployed"]).unwrap();
        assert!(set.wants(EventKind::ReleasePendingApproval));
        assert!(set.wants(EventKind::ReleaseDeployed));
        assert!(!set.wants(EventKind::ReleaseCreated));
        assert!(set.wants(EventKind::Test), "the test event reaches every endpoint");
        assert_eq!(
            set.kinds(),
            vec![EventKind::ReleasePendingApproval, EventKind::ReleaseDeployed]
        );
        assert_eq!(EventSet::from_bits(set.bits()), Some(set));

        for bad in [
            &[][..],
            &["release.created", "release.created"],
            &["webhook.test"],
            &["nope"],
        ] {
            assert_eq!(EventSet::parse(bad).unwrap_err().field(), "events", "{bad:?}");
        }
        assert_eq!(EventSet::from_bits(0), None);
        assert_eq!(EventSet::from_bits(EventKind::Test.bit()), None);
        assert_eq!(EventSet::from_bits(1 << 30), None);
    }

    #[test]
    fn every_state_but_cancelled_tells_the_endpoints() {
        for state in ReleaseState::ALL {
            let kind = EventKind::for_release_state(state);
            assert_eq!(kind.is_none(), state == ReleaseState::Cancelled, "{state}");
            if let Some(kind) = kind {
                assert!(kind.as_str().ends_with(state.as_str()) || state == ReleaseState::Pending);
            }
        }
    }
}

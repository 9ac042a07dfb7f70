//! Verifying a chain: every event's hash, its link to the one before and its sequence number;
//! and, against the chain's stored head (the sequence and hash of the newest event, written in
//! the same transaction as each event), that no event was removed from the end.

use super::{AuditEvent, GENESIS_HASH};
use crate::AuditEventId;

/// What the store records about a chain's newest event each time it appends one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// The sequence number of the newest event (0 before the first).
    pub sequence: u64,
    /// Its hash ([`GENESIS_HASH`] before the first).
    pub hash: String,
}

/// What is wrong with one event of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventProblem {
    /// Its sequence number is not its predecessor's plus one: an event before it is missing, or
    /// events were reordered.
    OutOfSequence,
    /// Its `prev_hash` is not the previous event's hash.
    BrokenLink,
    /// Its content does not match its hash: it was edited.
    Edited,
}

impl std::fmt::Display for EventProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EventProblem::OutOfSequence => "an event before it is missing or out of order",
            EventProblem::BrokenLink => "it does not follow the previous event's hash",
            EventProblem::Edited => "its content does not match its hash (edited)",
        })
    }
}

/// Where and how a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// An event does not verify (the first one that does not).
    #[error("broken at event #{sequence} ({event_id}): {problem}")]
    Event {
        /// The first event whose stored hash does not match its content or predecessor.
        event_id: AuditEventId,
        /// Its sequence number.
        sequence: u64,
        /// What is wrong with it.
        problem: EventProblem,
    },
    /// The chain ends before its head: its newest events were removed.
    #[error(
        "truncated: the chain head records event #{head_sequence} (hash {head_hash}) but the last event is #{last_sequence}"
    )]
    Truncated {
        /// The newest sequence number the head records.
        head_sequence: u64,
        /// The hash the head records for it.
        head_hash: String,
        /// The sequence number of the last event present (0 when none is left).
        last_sequence: u64,
    },
    /// Events exist but the chain has no head: it was deleted.
    #[error("the chain head is missing while {events} event(s) exist")]
    HeadMissing {
        /// How many events the chain has.
        events: u64,
    },
    /// The head records fewer events than the chain holds: it was moved back.
    #[error("the chain head records event #{head_sequence} but the chain goes on to event #{last_sequence}")]
    HeadBehind {
        /// The newest sequence number the head records.
        head_sequence: u64,
        /// The sequence number of the last event.
        last_sequence: u64,
    },
    /// The head names the last event's sequence number with another hash: the last event was
    /// replaced, or the head was rewritten.
    #[error("the chain head records hash {head_hash} for event #{sequence}, whose hash is {event_hash}")]
    HeadMismatch {
        /// The sequence number of the last event (and of the head).
        sequence: u64,
        /// The hash the head records.
        head_hash: String,
        /// The last event's hash.
        event_hash: String,
    },
}

/// Verifies a whole chain, given in sequence order from the first event, on its own (events
/// removed from the end go unnoticed here: see [`verify_against_head`]). Returns the number of
/// events.
///
/// # Errors
/// [`ChainBreak::Event`] for the first event whose content does not match its hash, whose
/// `prev_hash` is not its predecessor's hash, or whose sequence number skips.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a AuditEvent>) -> Result<u64, ChainBreak> {
    verify_links(events).map(|(count, _)| count)
}

/// Verifies a whole chain as [`verify_chain`] does, then that it ends where its stored `head`
/// says (`None`: the chain has no head row). Both must have been read in one snapshot. Returns
/// the number of events.
///
/// # Errors
/// [`ChainBreak::Event`] first, as [`verify_chain`]; then [`ChainBreak::Truncated`],
/// [`ChainBreak::HeadMissing`], [`ChainBreak::HeadBehind`] or [`ChainBreak::HeadMismatch`].
pub fn verify_against_head<'a>(
    events: impl IntoIterator<Item = &'a AuditEvent>,
    head: Option<&ChainHead>,
) -> Result<u64, ChainBreak> {
    let (last_sequence, last_hash) = verify_links(events)?;
    let Some(head) = head else {
        return if last_sequence == 0 {
            // A chain that never had an event has no head either.
            Ok(0)
        } else {
            Err(ChainBreak::HeadMissing { events: last_sequence })
        };
    };
    if head.sequence > last_sequence {
        return Err(ChainBreak::Truncated {
            head_sequence: head.sequence,
            head_hash: head.hash.clone(),
            last_sequence,
        });
    }
    if head.sequence < last_sequence {
        return Err(ChainBreak::HeadBehind {
            head_sequence: head.sequence,
            last_sequence,
        });
    }
    if head.hash != last_hash {
        return Err(ChainBreak::HeadMismatch {
            sequence: last_sequence,
            head_hash: head.hash.clone(),
            event_hash: last_hash,
        });
    }
    Ok(last_sequence)
}

/// The number of events and the last one's hash ([`GENESIS_HASH`] for none), or the first
/// event that does not verify.
fn verify_links<'a>(events: impl IntoIterator<Item = &'a AuditEvent>) -> Result<(u64, String), ChainBreak> {
    let mut prev = GENESIS_HASH.to_owned();
    let mut expected_sequence = 1;
    for event in events {
        let broken = |problem| ChainBreak::Event {
            event_id: event.id,
            sequence: event.sequence,
            problem,
        };
        if event.sequence != expected_sequence {
            return Err(broken(EventProblem::OutOfSequence));
        }
        if event.prev_hash != prev {
            return Err(broken(EventProblem::BrokenLink));
        }
        if event.expected_hash() != event.hash {
            return Err(broken(EventProblem::Edited));
        }
        prev.clone_from(&event.hash);
        expected_sequence += 1;
    }
    Ok((expected_sequence - 1, prev))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::audit::Actor;
    use crate::audit::tests::chain;

    fn head_of(events: &[AuditEvent]) -> ChainHead {
        events.last().map_or_else(
            || ChainHead {
                sequence: 0,
                hash: GENESIS_HASH.to_owned(),
            },
            |e| ChainHead {
                sequence: e.sequence,
                hash: e.hash.clone(),
            },
        )
    }

    fn event_break(result: Result<u64, ChainBreak>) -> (u64, AuditEventId, EventProblem) {
        match result {
            Err(ChainBreak::Event {
                sequence,
                event_id,
                problem,
            }) => (sequence, event_id, problem),
            other => panic!("expected a broken event, got {other:?}"),
        }
    }

    #[test]
    fn an_untouched_chain_verifies_alone_and_against_its_head() {
        let events = chain(5);
        assert_eq!(verify_chain(&events), Ok(5));
        assert_eq!(verify_chain(&[]), Ok(0));
        assert_eq!(verify_against_head(&events, Some(&head_of(&events))), Ok(5));
        assert_eq!(verify_against_head(&[], None), Ok(0), "a chain that never began");
        assert_eq!(verify_against_head(&[], Some(&head_of(&[]))), Ok(0));
    }

    #[test]
    fn tampering_is_detected_and_located() {
        let mut edited = chain(5);
        edited[2].entry.after = Some(json!({"slug": "evil"}));
        assert_eq!(
            event_break(verify_chain(&edited)),
            (3, edited[2].id, EventProblem::Edited)
        );

        let mut removed = chain(5);
        let gone = removed.remove(1);
        assert_eq!(
            event_break(verify_chain(&removed)),
            (3, removed[1].id, EventProblem::OutOfSequence)
        );
        assert_ne!(removed[1].id, gone.id);

        let mut rehashed = chain(5);
        rehashed[1].entry.actor = Actor::System;
        rehashed[1].hash = rehashed[1].expected_hash();
        assert_eq!(
            event_break(verify_chain(&rehashed)),
            (3, rehashed[2].id, EventProblem::BrokenLink),
            "re-hashing one event breaks the next link"
        );
    }

    #[test]
    fn an_event_break_is_reported_before_the_head_is_looked_at() {
        let mut edited = chain(3);
        let head = head_of(&edited);
        edited[0].entry.action = "forged".into();
        assert_eq!(event_break(verify_against_head(&edited, Some(&head))).0, 1);
    }

    #[test]
    fn removing_the_newest_events_is_truncation() {
        let full = chain(5);
        let head = head_of(&full);
        // Each cut verifies on its own: only the head tells.
        for kept in [4, 1, 0] {
            let cut = &full[..kept];
            assert_eq!(verify_chain(cut), Ok(u64::try_from(kept).unwrap()));
            assert_eq!(
                verify_against_head(cut, Some(&head)),
                Err(ChainBreak::Truncated {
                    head_sequence: 5,
                    head_hash: full[4].hash.clone(),
                    last_sequence: u64::try_from(kept).unwrap(),
                })
            );
        }
        let message = verify_against_head(&full[..4], Some(&head)).unwrap_err().to_string();
        assert!(
            message.contains("truncated") && message.contains("#5") && message.contains("#4"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_behind_or_rewritten_head_is_a_break() {
        let events = chain(3);
        assert_eq!(
            verify_against_head(&events, None),
            Err(ChainBreak::HeadMissing { events: 3 })
        );
        let behind = head_of(&events[..2]);
        assert_eq!(
            verify_against_head(&events, Some(&behind)),
            Err(ChainBreak::HeadBehind {
                head_sequence: 2,
                last_sequence: 3
            })
        );
        let rewritten = ChainHead {
            sequence: 3,
            hash: "f".repeat(64),
        };
        assert_eq!(
            verify_against_head(&events, Some(&rewritten)),
            Err(ChainBreak::HeadMismatch {
                sequence: 3,
                head_hash: "f".repeat(64),
                event_hash: events[2].hash.clone(),
            })
        );
    }

    #[test]
    fn replacing_the_newest_event_with_a_forged_one_is_a_head_mismatch() {
        let mut events = chain(3);
        let head = head_of(&events);
        // A forger re-chains a different last event correctly after its predecessor.
        let last = events.pop().unwrap();
        let mut entry = last.entry.clone();
        entry.action = "forged".into();
        let forged = AuditEvent::chain(last.id, last.chain_id, 3, &events[1].hash, entry, last.at);
        events.push(forged);
        assert_eq!(verify_chain(&events), Ok(3));
        assert!(matches!(
            verify_against_head(&events, Some(&head)),
            Err(ChainBreak::HeadMismatch { sequence: 3, .. })
        ));
    }
}

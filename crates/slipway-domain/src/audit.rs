//! The audit log: every mutation appends an event; events form a hash chain per scope (a project,
//! or an organization for organization-level actions), so that any edited, removed or reordered
//! event is detected by [`verify_chain`].

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::content::to_canonical_string;
use crate::{ApiKeyId, AuditEventId, UserId};

/// The hash that precedes the first event of every chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user.
    User(UserId),
    /// A gateway API key.
    ApiKey(ApiKeyId),
    /// Slipway itself (expiry, the end of a freeze window).
    System,
}

impl Actor {
    /// A stable text form: `user:<uuid>`, `api_key:<uuid>` or `system`.
    pub fn label(&self) -> String {
        match self {
            Actor::User(id) => format!("user:{id}"),
            Actor::ApiKey(id) => format!("api_key:{id}"),
            Actor::System => "system".to_owned(),
        }
    }

    /// Parses [`Actor::label`]'s form.
    pub fn from_label(label: &str) -> Option<Self> {
        if label == "system" {
            return Some(Actor::System);
        }
        let (kind, id) = label.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "user" => Some(Actor::User(UserId::from_uuid(id))),
            "api_key" => Some(Actor::ApiKey(ApiKeyId::from_uuid(id))),
            _ => None,
        }
    }
}

/// What happened, before it is chained.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Who.
    pub actor: Actor,
    /// What, as `noun.verb` (`release.approve`, `environment.create`, …).
    pub action: String,
    /// The kind of thing acted on (`release`, `environment`, …).
    pub target_kind: String,
    /// Its id or key.
    pub target_id: String,
    /// A summary of the state before (never a secret).
    pub before: Option<Value>,
    /// A summary of the state after (never a secret).
    pub after: Option<Value>,
    /// The request that caused it, for correlating with logs.
    pub request_id: Option<String>,
}

/// One chained event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Identity.
    pub id: AuditEventId,
    /// The chain: a project's or an organization's id.
    pub chain_id: Uuid,
    /// 1, 2, … per chain.
    pub sequence: u64,
    /// What happened.
    pub entry: AuditEntry,
    /// When (microsecond precision, as both databases store it).
    pub at: DateTime<Utc>,
    /// The previous event's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// `SHA-256(prev_hash ‖ canonical event)`.
    pub hash: String,
}

fn canonical_body(id: AuditEventId, chain_id: Uuid, sequence: u64, entry: &AuditEntry, at: DateTime<Utc>) -> String {
    to_canonical_string(&json!({
        "id": id.to_string(),
        "chain_id": chain_id.to_string(),
        "sequence": sequence,
        "actor": entry.actor.label(),
        "action": entry.action,
        "target_kind": entry.target_kind,
        "target_id": entry.target_id,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "at": at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
    }))
}

fn chain_hash(prev_hash: &str, body: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(body.as_bytes());
    hex::encode(hasher.finalize())
}

impl AuditEvent {
    /// Chains `entry` after the event whose hash is `prev_hash` (and whose sequence is
    /// `sequence - 1`).
    pub fn chain(
        id: AuditEventId,
        chain_id: Uuid,
        sequence: u64,
        prev_hash: &str,
        entry: AuditEntry,
        at: DateTime<Utc>,
    ) -> Self {
        let at = at.trunc_subsecs(6);
        let hash = chain_hash(prev_hash, &canonical_body(id, chain_id, sequence, &entry, at));
        Self {
            id,
            chain_id,
            sequence,
            entry,
            at,
            prev_hash: prev_hash.to_owned(),
            hash,
        }
    }

    /// The hash this event should have, recomputed from its content.
    pub fn expected_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            &canonical_body(self.id, self.chain_id, self.sequence, &self.entry, self.at),
        )
    }
}

/// Where a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at sequence {sequence} (event {event_id}): {problem}")]
pub struct ChainBreak {
    /// The first event that does not verify.
    pub event_id: AuditEventId,
    /// Its sequence number.
    pub sequence: u64,
    /// What is wrong.
    pub problem: String,
}

/// Verifies a whole chain, given in sequence order from the first event.
///
/// # Errors
/// The first event whose content does not match its hash, whose `prev_hash` is not its
/// predecessor's hash, or whose sequence number skips.
pub fn verify_chain<'a>(events: impl IntoIterator<Item = &'a AuditEvent>) -> Result<u64, ChainBreak> {
    let mut prev = GENESIS_HASH.to_owned();
    let mut expected_sequence = 1;
    for event in events {
        let broken = |problem: &str| ChainBreak {
            event_id: event.id,
            sequence: event.sequence,
            problem: problem.to_owned(),
        };
        if event.sequence != expected_sequence {
            return Err(broken("an event is missing or out of order"));
        }
        if event.prev_hash != prev {
            return Err(broken("it does not follow the previous event's hash"));
        }
        if event.expected_hash() != event.hash {
            return Err(broken("its content does not match its hash (edited)"));
        }
        prev.clone_from(&event.hash);
        expected_sequence += 1;
    }
    Ok(expected_sequence - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: u64) -> Vec<AuditEvent> {
        let chain_id = Uuid::from_u128(5);
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|i| {
                let entry = AuditEntry {
                    actor: Actor::User(UserId::from_uuid(Uuid::from_u128(1))),
                    action: "environment.create".into(),
                    target_kind: "environment".into(),
                    target_id: format!("env-{i}"),
                    before: None,
                    after: Some(json!({"slug": format!("e{i}")})),
                    request_id: Some("req-1".into()),
                };
                let at = Utc
                    .timestamp_opt(1_800_000_000 + i64::try_from(i).unwrap(), 123_456_789)
                    .single()
                    .unwrap();
                let e = AuditEvent::chain(
                    AuditEventId::from_uuid(Uuid::from_u128(u128::from(i))),
                    chain_id,
                    i,
                    &prev,
                    entry,
                    at,
                );
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)).unwrap(), 5);
        assert_eq!(verify_chain(&[]).unwrap(), 0);
        assert_eq!(
            chain(1)[0].at.timestamp_subsec_nanos(),
            123_456_000,
            "timestamps keep microseconds only"
        );
    }

    #[test]
    fn tampering_is_detected_and_located() {
        let mut edited = chain(5);
        edited[2].entry.after = Some(json!({"slug": "evil"}));
        let err = verify_chain(&edited).unwrap_err();
        assert_eq!((err.sequence, err.event_id), (3, edited[2].id));

        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(verify_chain(&removed).unwrap_err().sequence, 3);

        let mut rehashed = chain(5);
        rehashed[1].entry.actor = Actor::System;
        rehashed[1].hash = rehashed[1].expected_hash();
        assert_eq!(
            verify_chain(&rehashed).unwrap_err().sequence,
            3,
            "re-hashing one event breaks the next link"
        );
    }

    #[test]
    fn actor_labels_round_trip() {
        for actor in [
            Actor::System,
            Actor::User(UserId::from_uuid(Uuid::from_u128(9))),
            Actor::ApiKey(ApiKeyId::from_uuid(Uuid::from_u128(3))),
        ] {
            assert_eq!(Actor::from_label(&actor.label()), Some(actor));
        }
        assert_eq!(Actor::from_label("robot:1"), None);
    }
}

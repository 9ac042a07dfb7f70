//! The audit log: every mutation appends an event; events form a hash chain per scope (a project,
//! or an organization for organization-level actions), so that any edited, removed or reordered
//! event is detected by [`verify_chain`], and a chain cut short (its newest events removed) by
//! [`verify_against_head`], which compares it with the chain's stored head.

mod request_id;
mod verify;

pub use request_id::CallerRequestId;
pub use verify::{ChainBreak, ChainHead, EventProblem, verify_against_head, verify_chain};

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
    /// Who made the change (a user, an API key or the system).
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
    /// The server's id of the request that caused it, for correlating with logs.
    pub request_id: Option<String>,
    /// The id the caller gave its request (`x-request-id`), when it was a
    /// [`CallerRequestId`]: the caller's own reference, never trusted as the server's.
    pub caller_request_id: Option<String>,
}

/// One chained event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Generated when the event is appended; the chain order is `sequence`, not this.
    pub id: AuditEventId,
    /// The chain: a project's or an organization's id.
    pub chain_id: Uuid,
    /// 1, 2, … per chain.
    pub sequence: u64,
    /// The change itself: actor, action, target, before/after and request ids.
    pub entry: AuditEntry,
    /// When (microsecond precision, as both databases store it).
    pub at: DateTime<Utc>,
    /// The previous event's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// `SHA-256(prev_hash ‖ canonical event)`.
    pub hash: String,
}

fn canonical_body(id: AuditEventId, chain_id: Uuid, sequence: u64, entry: &AuditEntry, at: DateTime<Utc>) -> String {
    let mut body = json!({
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
    });
    // Hashed only when present, so that events written before callers' ids were recorded keep
    // the hash they were chained with.
    if let (Some(caller), Some(fields)) = (&entry.caller_request_id, body.as_object_mut()) {
        fields.insert("caller_request_id".to_owned(), Value::String(caller.clone()));
    }
    to_canonical_string(&body)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A chain of `n` untouched events (the sample every audit test starts from).
    pub(crate) fn chain(n: u64) -> Vec<AuditEvent> {
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
                    caller_request_id: (i % 2 == 0).then(|| format!("caller-{i}")),
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
    fn timestamps_keep_microseconds_only() {
        assert_eq!(chain(1)[0].at.timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn events_without_a_caller_id_hash_exactly_as_before_it_existed() {
        // The body every event was hashed over before callers' ids were recorded: events already
        // stored must keep verifying.
        let event = &chain(1)[0];
        assert_eq!(event.entry.caller_request_id, None);
        let body = canonical_body(event.id, event.chain_id, event.sequence, &event.entry, event.at);
        assert_eq!(
            body,
            concat!(
                r#"{"action":"environment.create","actor":"user:00000000-0000-0000-0000-000000000001","#,
                r#""after":{"slug":"e1"},"at":"2027-01-15T08:00:01.123456Z","before":null,"#,
                r#""chain_id":"00000000-0000-0000-0000-000000000005","id":"00000000-0000-0000-0000-000000000001","#,
                r#""request_id":"req-1","sequence":1,"target_id":"env-1","target_kind":"environment"}"#
            )
        );
        assert_eq!(event.hash, chain_hash(GENESIS_HASH, &body));
    }

    #[test]
    fn a_caller_id_is_covered_by_the_hash() {
        let mut events = chain(2);
        let with_caller = &mut events[1];
        assert_eq!(with_caller.entry.caller_request_id.as_deref(), Some("caller-2"));
        assert_eq!(with_caller.expected_hash(), with_caller.hash);
        with_caller.entry.caller_request_id = Some("caller-9".into());
        assert_ne!(with_caller.expected_hash(), with_caller.hash, "changed");
        with_caller.entry.caller_request_id = None;
        assert_ne!(with_caller.expected_hash(), with_caller.hash, "removed");
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

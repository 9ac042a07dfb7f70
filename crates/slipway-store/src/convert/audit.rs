//! Audit events and API keys.

use slipway_domain::api_key::ApiKey;
use slipway_domain::audit::{Actor, AuditEntry, AuditEvent};
use slipway_domain::text::Name;
use slipway_domain::{ApiKeyId, AuditEventId, ProjectId, UserId};

use crate::convert::json::ids_from_json;
use crate::convert::to_u64;
use crate::entities::{api_key, audit_event};
use crate::error::{StoreError, corrupt};

fn json_column(id: uuid::Uuid, field: &str, text: Option<&str>) -> Result<Option<serde_json::Value>, StoreError> {
    text.map(|t| serde_json::from_str(t).map_err(|e| corrupt("audit_events", id, format!("{field}: {e}"))))
        .transpose()
}

/// An audit event row into an [`AuditEvent`] (its hash is checked by `verify_chain`, not here,
/// so that a tampered row can still be read and located).
pub(crate) fn audit_event_from_row(row: audit_event::Model) -> Result<AuditEvent, StoreError> {
    let actor = Actor::from_label(&row.actor).ok_or_else(|| corrupt("audit_events", row.id, "unknown actor"))?;
    Ok(AuditEvent {
        id: AuditEventId::from_uuid(row.id),
        chain_id: row.chain_id,
        sequence: to_u64("audit_events", row.id, "sequence", row.sequence)?,
        entry: AuditEntry {
            actor,
            action: row.action,
            target_kind: row.target_kind,
            target_id: row.target_id,
            before: json_column(row.id, "before", row.before.as_deref())?,
            after: json_column(row.id, "after", row.after.as_deref())?,
            request_id: row.request_id,
            caller_request_id: row.caller_request_id,
        },
        at: row.at,
        prev_hash: row.prev_hash,
        hash: row.hash,
    })
}

/// An [`AuditEvent`] into a row.
pub(crate) fn audit_event_to_row(event: &AuditEvent) -> Result<audit_event::Model, StoreError> {
    Ok(audit_event::Model {
        id: event.id.as_uuid(),
        chain_id: event.chain_id,
        sequence: crate::convert::to_i64(event.sequence)?,
        actor: event.entry.actor.label(),
        action: event.entry.action.clone(),
        target_kind: event.entry.target_kind.clone(),
        target_id: event.entry.target_id.clone(),
        before: event.entry.before.as_ref().map(ToString::to_string),
        after: event.entry.after.as_ref().map(ToString::to_string),
        request_id: event.entry.request_id.clone(),
        caller_request_id: event.entry.caller_request_id.clone(),
        at: event.at,
        prev_hash: event.prev_hash.clone(),
        hash: event.hash.clone(),
    })
}

/// An API key row into an [`ApiKey`] (the hash stays in the store).
pub(crate) fn api_key_from_row(row: api_key::Model) -> Result<ApiKey, StoreError> {
    let bad = |e: slipway_domain::ValidationError| corrupt("api_keys", row.id, e);
    Ok(ApiKey {
        id: ApiKeyId::from_uuid(row.id),
        project_id: ProjectId::from_uuid(row.project_id),
        name: Name::from_stored(&row.name).map_err(bad)?,
        display_prefix: row.display_prefix,
        environments: ids_from_json(&row.environments).map_err(bad)?,
        created_by: UserId::from_uuid(row.created_by),
        created_at: row.created_at,
        revoked_at: row.revoked_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
    })
}

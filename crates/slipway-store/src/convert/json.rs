//! The JSON text stored in some columns (policies, bypasses, deployment changes and pointers,
//! API-key environments). These shapes are the storage format: changing one needs a migration.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use slipway_domain::policy::{FreezeWindow, PolicyRule, PolicySpec, PromotionPolicy};
use slipway_domain::release::{Bypass, Change};
use slipway_domain::text::Message;
use slipway_domain::{EnvironmentId, ResourceId, Role, UserId, ValidationError, VersionId};
use uuid::Uuid;

use crate::convert::micros;

/// A promotion policy's rules (its revision is a column of its own).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PolicyJson {
    allowed_sources: Vec<Uuid>,
    allow_direct: bool,
    required_approvals: u32,
    approver_roles: Vec<String>,
    prevent_self_approval: bool,
    min_soak_seconds: u64,
    freeze_windows: Vec<FreezeWindowJson>,
    auto_apply: bool,
    expires_after_seconds: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FreezeWindowJson {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    reason: String,
}

/// Serializes a policy's rules.
pub(crate) fn policy_to_json(policy: &PromotionPolicy) -> String {
    let spec = policy.spec();
    let json = PolicyJson {
        allowed_sources: spec.allowed_sources.iter().map(EnvironmentId::as_uuid).collect(),
        allow_direct: spec.allow_direct,
        required_approvals: spec.required_approvals,
        approver_roles: spec.approver_roles.iter().map(|r| r.as_str().to_owned()).collect(),
        prevent_self_approval: spec.prevent_self_approval,
        min_soak_seconds: spec.min_soak_seconds,
        freeze_windows: spec
            .freeze_windows
            .iter()
            .map(|w| FreezeWindowJson {
                start: w.start,
                end: w.end,
                reason: w.reason.clone(),
            })
            .collect(),
        auto_apply: spec.auto_apply,
        expires_after_seconds: spec.expires_after_seconds,
    };
    serde_json::to_string(&json).unwrap_or_default()
}

/// Parses a policy's rules back, validated by the domain.
pub(crate) fn policy_from_json(
    text: &str,
    revision: u32,
    environment: EnvironmentId,
) -> Result<PromotionPolicy, ValidationError> {
    let json: PolicyJson =
        serde_json::from_str(text).map_err(|e| ValidationError::new("policy", format!("unreadable JSON: {e}")))?;
    let approver_roles = json
        .approver_roles
        .iter()
        .map(|r| r.parse::<Role>())
        .collect::<Result<Vec<_>, _>>()?;
    let freeze_windows = json
        .freeze_windows
        .iter()
        .map(|w| FreezeWindow::from_stored(w.start, w.end, &w.reason))
        .collect::<Result<Vec<_>, _>>()?;
    let spec = PolicySpec {
        allowed_sources: json.allowed_sources.into_iter().map(EnvironmentId::from_uuid).collect(),
        allow_direct: json.allow_direct,
        required_approvals: json.required_approvals,
        approver_roles,
        prevent_self_approval: json.prevent_self_approval,
        min_soak_seconds: json.min_soak_seconds,
        freeze_windows,
        auto_apply: json.auto_apply,
        expires_after_seconds: json.expires_after_seconds,
    };
    PromotionPolicy::from_spec(revision, spec, environment)
}

/// A bypass as stored.
#[derive(Debug, Serialize, Deserialize)]
struct BypassJson {
    user: Uuid,
    reason: String,
    rules: Vec<String>,
    at: DateTime<Utc>,
}

/// The domain has no `FromStr` for [`PolicyRule`]; this is the inverse of `PolicyRule::as_str`.
fn policy_rule(name: &str) -> Result<PolicyRule, ValidationError> {
    const RULES: [PolicyRule; 6] = [
        PolicyRule::AllowedSources,
        PolicyRule::AllowDirect,
        PolicyRule::RequiredApprovals,
        PolicyRule::MinSoakSeconds,
        PolicyRule::FreezeWindows,
        PolicyRule::ExpiresAfterSeconds,
    ];
    RULES
        .into_iter()
        .find(|r| r.as_str() == name)
        .ok_or_else(|| ValidationError::new("bypass.rules", "unknown policy rule"))
}

/// Serializes a bypass.
pub(crate) fn bypass_to_json(bypass: &Bypass) -> String {
    let json = BypassJson {
        user: bypass.user.as_uuid(),
        reason: bypass.reason.as_str().to_owned(),
        rules: bypass.rules.iter().map(|r| r.as_str().to_owned()).collect(),
        at: micros(bypass.at),
    };
    serde_json::to_string(&json).unwrap_or_default()
}

/// Parses a bypass back.
pub(crate) fn bypass_from_json(text: &str) -> Result<Bypass, ValidationError> {
    let json: BypassJson =
        serde_json::from_str(text).map_err(|e| ValidationError::new("bypass", format!("unreadable JSON: {e}")))?;
    Ok(Bypass {
        user: UserId::from_uuid(json.user),
        reason: Message::from_stored_required("bypass.reason", &json.reason)?,
        rules: json
            .rules
            .iter()
            .map(|r| policy_rule(r))
            .collect::<Result<Vec<_>, _>>()?,
        at: json.at,
    })
}

/// A pointer move as stored in a deployment.
#[derive(Debug, Serialize, Deserialize)]
struct ChangeJson {
    resource: Uuid,
    from: Option<Uuid>,
    to: Option<Uuid>,
}

/// Serializes a deployment's changes.
pub(crate) fn changes_to_json(changes: &[Change]) -> String {
    let json: Vec<ChangeJson> = changes
        .iter()
        .map(|c| ChangeJson {
            resource: c.resource_id.as_uuid(),
            from: c.from_version.map(|v| v.as_uuid()),
            to: c.to_version.map(|v| v.as_uuid()),
        })
        .collect();
    serde_json::to_string(&json).unwrap_or_default()
}

/// Parses a deployment's changes back.
pub(crate) fn changes_from_json(text: &str) -> Result<Vec<Change>, ValidationError> {
    let json: Vec<ChangeJson> =
        serde_json::from_str(text).map_err(|e| ValidationError::new("changes", format!("unreadable JSON: {e}")))?;
    Ok(json
        .into_iter()
        .map(|c| Change {
            resource_id: ResourceId::from_uuid(c.resource),
            from_version: c.from.map(VersionId::from_uuid),
            to_version: c.to.map(VersionId::from_uuid),
        })
        .collect())
}

/// Serializes a deployment's pointers afterwards.
pub(crate) fn pointers_to_json(pointers: &BTreeMap<ResourceId, VersionId>) -> String {
    let json: BTreeMap<Uuid, Uuid> = pointers.iter().map(|(r, v)| (r.as_uuid(), v.as_uuid())).collect();
    serde_json::to_string(&json).unwrap_or_default()
}

/// Parses a deployment's pointers back.
pub(crate) fn pointers_from_json(text: &str) -> Result<BTreeMap<ResourceId, VersionId>, ValidationError> {
    let json: BTreeMap<Uuid, Uuid> = serde_json::from_str(text)
        .map_err(|e| ValidationError::new("pointers_after", format!("unreadable JSON: {e}")))?;
    Ok(json
        .into_iter()
        .map(|(r, v)| (ResourceId::from_uuid(r), VersionId::from_uuid(v)))
        .collect())
}

/// Serializes a list of environment ids.
pub(crate) fn ids_to_json(ids: &[EnvironmentId]) -> String {
    let json: Vec<Uuid> = ids.iter().map(EnvironmentId::as_uuid).collect();
    serde_json::to_string(&json).unwrap_or_default()
}

/// Parses a list of environment ids back.
pub(crate) fn ids_from_json(text: &str) -> Result<Vec<EnvironmentId>, ValidationError> {
    let json: Vec<Uuid> = serde_json::from_str(text)
        .map_err(|e| ValidationError::new("environments", format!("unreadable JSON: {e}")))?;
    Ok(json.into_iter().map(EnvironmentId::from_uuid).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn policies_round_trip() {
        let env = EnvironmentId::from_uuid(Uuid::from_u128(1));
        let t = |s: i64| Utc.timestamp_opt(1_800_000_000 + s, 0).single().unwrap();
        let policy = PromotionPolicy::from_spec(
            4,
            PolicySpec {
                allowed_sources: vec![EnvironmentId::from_uuid(Uuid::from_u128(2))],
                allow_direct: false,
                required_approvals: 2,
                approver_roles: vec![Role::Approver, Role::Owner],
                prevent_self_approval: false,
                min_soak_seconds: 60,
                freeze_windows: vec![FreezeWindow::new(t(0), t(100), "launch").unwrap()],
                auto_apply: false,
                expires_after_seconds: Some(3600),
            },
            env,
        )
        .unwrap();
        let back = policy_from_json(&policy_to_json(&policy), 4, env).unwrap();
        assert_eq!(back, policy);
    }

    #[test]
    fn bypasses_round_trip() {
        let bypass = Bypass {
            user: UserId::from_uuid(Uuid::from_u128(3)),
            reason: Message::parse_required("reason", "hotfix").unwrap(),
            rules: vec![PolicyRule::FreezeWindows, PolicyRule::RequiredApprovals],
            at: Utc.timestamp_opt(1_800_000_000, 5_000).single().unwrap(),
        };
        assert_eq!(bypass_from_json(&bypass_to_json(&bypass)).unwrap(), bypass);
        assert!(bypass_from_json("{").is_err());
    }
}

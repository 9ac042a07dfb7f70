//! Releases (with their changes and approvals) and deployments.

use slipway_domain::deployment::Deployment;
use slipway_domain::release::{Approval, Change, Decision, Release, ReleaseOrigin, ReleaseParts};
use slipway_domain::text::Message;
use slipway_domain::{
    DeploymentId, EnvironmentId, ProjectId, ReleaseId, ResourceId, UserId, ValidationError, VersionId,
};

use crate::convert::json::{bypass_from_json, bypass_to_json, changes_from_json, pointers_from_json};
use crate::convert::{micros, to_u32, to_u64};
use crate::entities::{deployment, release, release_approval, release_change};
use crate::error::{StoreError, corrupt};

/// The origin columns: `(origin, source_environment_id, rollback_deployment_id)`.
pub(crate) fn origin_columns(origin: ReleaseOrigin) -> (String, Option<uuid::Uuid>, Option<uuid::Uuid>) {
    let (source, rollback) = match origin {
        ReleaseOrigin::Promotion { source } => (Some(source.as_uuid()), None),
        ReleaseOrigin::Rollback { deployment } => (None, Some(deployment.as_uuid())),
        ReleaseOrigin::Publish | ReleaseOrigin::Direct => (None, None),
    };
    (origin.as_str().to_owned(), source, rollback)
}

fn origin_from_row(row: &release::Model) -> Result<ReleaseOrigin, StoreError> {
    let missing = |what: &str| {
        corrupt(
            "releases",
            row.id,
            format!("a {} release without its {what}", row.origin),
        )
    };
    match row.origin.as_str() {
        "publish" => Ok(ReleaseOrigin::Publish),
        "direct" => Ok(ReleaseOrigin::Direct),
        "promotion" => row
            .source_environment_id
            .map(|s| ReleaseOrigin::Promotion {
                source: EnvironmentId::from_uuid(s),
            })
            .ok_or_else(|| missing("source environment")),
        "rollback" => row
            .rollback_deployment_id
            .map(|d| ReleaseOrigin::Rollback {
                deployment: DeploymentId::from_uuid(d),
            })
            .ok_or_else(|| missing("deployment")),
        _ => Err(corrupt("releases", row.id, "unknown origin")),
    }
}

/// A release row with its change and approval rows (in any order) into a [`Release`].
pub(crate) fn release_from_rows(
    row: release::Model,
    mut changes: Vec<release_change::Model>,
    mut approvals: Vec<release_approval::Model>,
) -> Result<Release, StoreError> {
    let bad = |e: ValidationError| corrupt("releases", row.id, e);
    changes.sort_by_key(|c| c.position);
    approvals.sort_by_key(|a| a.position);
    let decision = match (row.decision_user, &row.decision_reason, row.decision_at) {
        (Some(user), Some(reason), Some(at)) => Some(Decision {
            user: UserId::from_uuid(user),
            reason: Message::from_stored("reason", reason).map_err(bad)?,
            at,
        }),
        (None, None, None) => None,
        _ => return Err(corrupt("releases", row.id, "an incomplete decision")),
    };
    let parts = ReleaseParts {
        id: ReleaseId::from_uuid(row.id),
        project_id: ProjectId::from_uuid(row.project_id),
        environment_id: EnvironmentId::from_uuid(row.environment_id),
        origin: origin_from_row(&row)?,
        changes: changes
            .into_iter()
            .map(|c| Change {
                resource_id: ResourceId::from_uuid(c.resource_id),
                from_version: c.from_version.map(VersionId::from_uuid),
                to_version: c.to_version.map(VersionId::from_uuid),
            })
            .collect(),
        author: UserId::from_uuid(row.author),
        message: Message::from_stored("message", &row.message).map_err(bad)?,
        policy_revision: to_u32("releases", row.id, "policy_revision", row.policy_revision)?,
        state: row.state.parse().map_err(bad)?,
        approvals: approvals
            .into_iter()
            .map(|a| Approval {
                user: UserId::from_uuid(a.user_id),
                at: a.approved_at,
            })
            .collect(),
        decision,
        bypass: row.bypass.as_deref().map(bypass_from_json).transpose().map_err(bad)?,
        deployment_id: row.deployment_id.map(DeploymentId::from_uuid),
        created_at: row.created_at,
        updated_at: row.updated_at,
    };
    Ok(Release::restore(parts))
}

/// A [`Release`] into its row (changes and approvals are separate rows).
pub(crate) fn release_to_row(release: &Release) -> release::Model {
    let parts = release.parts();
    let (origin, source, rollback) = origin_columns(parts.origin);
    release::Model {
        id: parts.id.as_uuid(),
        project_id: parts.project_id.as_uuid(),
        environment_id: parts.environment_id.as_uuid(),
        origin,
        source_environment_id: source,
        rollback_deployment_id: rollback,
        author: parts.author.as_uuid(),
        message: parts.message.as_str().to_owned(),
        policy_revision: i64::from(parts.policy_revision),
        state: parts.state.as_str().to_owned(),
        decision_user: parts.decision.as_ref().map(|d| d.user.as_uuid()),
        decision_reason: parts.decision.as_ref().map(|d| d.reason.as_str().to_owned()),
        decision_at: parts.decision.as_ref().map(|d| micros(d.at)),
        bypass: parts.bypass.as_ref().map(bypass_to_json),
        deployment_id: parts.deployment_id.map(|d| d.as_uuid()),
        created_at: micros(parts.created_at),
        updated_at: micros(parts.updated_at),
    }
}

/// A release's change rows.
pub(crate) fn change_rows(release: &Release) -> Vec<release_change::Model> {
    release
        .changes()
        .iter()
        .zip(0_i64..)
        .map(|(c, position)| release_change::Model {
            release_id: release.id().as_uuid(),
            resource_id: c.resource_id.as_uuid(),
            position,
            from_version: c.from_version.map(|v| v.as_uuid()),
            to_version: c.to_version.map(|v| v.as_uuid()),
        })
        .collect()
}

/// A release's approval rows.
pub(crate) fn approval_rows(release: &Release) -> Vec<release_approval::Model> {
    release
        .parts()
        .approvals
        .iter()
        .zip(0_i64..)
        .map(|(a, position)| release_approval::Model {
            release_id: release.id().as_uuid(),
            user_id: a.user.as_uuid(),
            position,
            approved_at: micros(a.at),
        })
        .collect()
}

/// A deployment row into a [`Deployment`].
pub(crate) fn deployment_from_row(row: deployment::Model) -> Result<Deployment, StoreError> {
    let bad = |e: ValidationError| corrupt("deployments", row.id, e);
    Ok(Deployment {
        id: DeploymentId::from_uuid(row.id),
        project_id: ProjectId::from_uuid(row.project_id),
        environment_id: EnvironmentId::from_uuid(row.environment_id),
        release_id: ReleaseId::from_uuid(row.release_id),
        sequence: to_u64("deployments", row.id, "sequence", row.sequence)?,
        changes: changes_from_json(&row.changes).map_err(bad)?,
        pointers_after: pointers_from_json(&row.pointers_after).map_err(bad)?,
        deployed_by: row.deployed_by.map(UserId::from_uuid),
        bypass: row.bypass.as_deref().map(bypass_from_json).transpose().map_err(bad)?,
        deployed_at: row.deployed_at,
    })
}

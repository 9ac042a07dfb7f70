//! What the release pipeline reads and records besides the flow itself: the audit summary of a
//! release and an environment's next deployment number.

use serde_json::{Value, json};
use slipway_domain::EnvironmentId;
use slipway_domain::release::Release;
use slipway_store::PageRequest;

use crate::{Service, ServiceResult};

pub(crate) fn release_summary(release: &Release) -> Value {
    let p = release.parts();
    json!({
        "state": p.state.as_str(),
        "origin": p.origin.as_str(),
        "environment_id": p.environment_id.to_string(),
        "policy_revision": p.policy_revision,
        "changes": p.changes.iter().map(|c| json!({
            "resource_id": c.resource_id.to_string(),
            "from_version": c.from_version.map(|v| v.to_string()),
            "to_version": c.to_version.map(|v| v.to_string()),
        })).collect::<Vec<_>>(),
        "approvals": p.approvals.iter().map(|a| a.user.to_string()).collect::<Vec<_>>(),
        "deployment_id": p.deployment_id.map(|d| d.to_string()),
        "bypass": p.bypass.as_ref().map(|b| json!({
            "user": b.user.to_string(),
            "reason": b.reason.as_str(),
            "rules": b.rules.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        })),
    })
}

impl Service {
    /// The next deployment sequence number of an environment.
    pub(super) async fn next_sequence(&self, environment: EnvironmentId) -> ServiceResult<u64> {
        let latest = self
            .store()
            .deployments(environment, PageRequest { first: 1, after: None })
            .await?;
        Ok(latest.items.first().map_or(1, |d| d.sequence + 1))
    }
}

//! Turning an apply decision into the writes of one transaction: the release's new state, the
//! compare-and-swap pointer moves (and, for a promotion, the check that the source still serves
//! what is promoted), and the deployment record.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use slipway_domain::deployment::{Deployment, apply_changes};
use slipway_domain::release::{ApplyDecision, Release, ReleaseOrigin};
use slipway_domain::state::LivePointer;
use slipway_domain::{DeploymentId, EnvironmentId, ProjectId, ResourceId, UserId};
use slipway_store::{PageRequest, Write};
use uuid::Uuid;

use crate::{Service, ServiceResult};

/// The outcome of acting on an apply decision.
pub(crate) struct Applied {
    /// Writes to commit after the release's own insert/update.
    pub writes: Vec<Write>,
    /// The deployment made, if any.
    pub deployment: Option<Deployment>,
}

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
    async fn next_sequence(&self, environment: EnvironmentId) -> ServiceResult<u64> {
        let latest = self
            .store()
            .deployments(environment, PageRequest { first: 1, after: None })
            .await?;
        Ok(latest.items.first().map_or(1, |d| d.sequence + 1))
    }

    /// Acts on `decision` for `release` (mutating it) and returns the writes that make it so.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn act_on_decision(
        &self,
        release: &mut Release,
        decision: ApplyDecision,
        project: ProjectId,
        target_pointers: &BTreeMap<ResourceId, LivePointer>,
        deployed_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Applied> {
        match decision {
            ApplyDecision::Deploy { bypass } => {
                let environment = release.environment_id();
                let mut pointers = target_pointers.clone();
                let pointers_after = apply_changes(&mut pointers, release.changes(), now);
                let deployment = Deployment {
                    id: DeploymentId::from_uuid(Uuid::now_v7()),
                    project_id: project,
                    environment_id: environment,
                    release_id: release.id(),
                    sequence: self.next_sequence(environment).await?,
                    changes: release.changes().to_vec(),
                    pointers_after,
                    deployed_by,
                    bypass: bypass.clone(),
                    deployed_at: now,
                };
                release.mark_deployed(deployment.id, bypass, now)?;
                let mut writes = vec![Write::MovePointers {
                    environment,
                    changes: release.changes().to_vec(),
                    at: now,
                }];
                if let ReleaseOrigin::Promotion { source } = release.origin() {
                    let expected = release
                        .changes()
                        .iter()
                        .map(|c| (c.resource_id, c.to_version))
                        .collect();
                    writes.push(Write::ExpectPointers {
                        environment: source,
                        expected,
                    });
                }
                writes.push(Write::InsertDeployment(deployment.clone()));
                Ok(Applied {
                    writes,
                    deployment: Some(deployment),
                })
            }
            ApplyDecision::Wait { .. } => Ok(Applied {
                writes: Vec::new(),
                deployment: None,
            }),
            ApplyDecision::Supersede { reason } => {
                tracing::info!(release = %release.id(), %reason, "release superseded");
                release.supersede(now)?;
                Ok(Applied {
                    writes: Vec::new(),
                    deployment: None,
                })
            }
            ApplyDecision::Expire => {
                release.expire(now)?;
                Ok(Applied {
                    writes: Vec::new(),
                    deployment: None,
                })
            }
        }
    }
}

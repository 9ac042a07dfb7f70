//! What happens next to a release: one pure function, [`advance`], from a release, what the
//! world looks like ([`FlowContext`]) and what just happened ([`Trigger`]) to the release's new
//! state and the writes that make it so ([`Step`]), the deployment included.
//!
//! The service loads, calls [`advance`], commits [`Step::writes`] in one transaction and
//! announces; the domain's property test drives this same function.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::access::Role;
use crate::deployment::{Deployment, apply_changes};
use crate::policy::{PolicyRule, PolicyViolation, PromotionPolicy};
use crate::state::LivePointer;
use crate::text::Message;
use crate::{DeploymentId, DomainError, EnvironmentId, ResourceId, UserId, VersionId};

use super::{ApplyContext, ApplyDecision, BypassRequest, Change, Release, ReleaseOrigin, ReleaseState};
use super::{decide_apply, origin_violations};

/// What just happened to a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// The release was just built with [`Release::create`]; it deploys at once when it needs no
    /// approval and its policy applies automatically, or when a bypass is asked for.
    Created {
        /// A bypass asked for at creation (the caller holds `policy:bypass`).
        bypass: Option<BypassRequest>,
    },
    /// `user` approves.
    Approved {
        /// The approver.
        user: UserId,
    },
    /// `user` rejects, saying why.
    Rejected {
        /// The approver who says no.
        user: UserId,
        /// Why.
        reason: Message,
    },
    /// `user` withdraws the release (its author, or an admin when `is_admin`).
    Cancelled {
        /// Who cancels.
        user: UserId,
        /// Whether they hold an admin role (may cancel anyone's release).
        is_admin: bool,
        /// Why.
        reason: Message,
    },
    /// An explicit apply; with a bypass, rules that block are overridden and recorded.
    Apply {
        /// The bypass asked for, if any.
        bypass: Option<BypassRequest>,
    },
    /// The background re-check: expire, re-settle the quorum, deploy an approved release whose
    /// freeze window ended, supersede one whose target or source moved.
    Recheck,
}

impl Trigger {
    /// The audit action of a transition that moved the release to `state` (`None` for
    /// [`Trigger::Created`]: the use case that creates a release names its own action).
    pub const fn audit_action(&self, state: ReleaseState) -> Option<&'static str> {
        Some(match (self, state) {
            (Trigger::Created { .. }, _) => return None,
            (Trigger::Approved { .. }, _) => "release.approve",
            (Trigger::Rejected { .. }, _) => "release.reject",
            (Trigger::Cancelled { .. }, _) => "release.cancel",
            (Trigger::Apply { .. }, _) => "release.apply",
            (Trigger::Recheck, ReleaseState::Expired) => "release.expire",
            (Trigger::Recheck, ReleaseState::Superseded) => "release.supersede",
            (Trigger::Recheck, ReleaseState::Deployed) => "release.auto_apply",
            (Trigger::Recheck, _) => "release.recheck",
        })
    }

    const fn bypass(&self) -> Option<&BypassRequest> {
        match self {
            Trigger::Created { bypass } | Trigger::Apply { bypass } => bypass.as_ref(),
            _ => None,
        }
    }
}

/// The identity and number a deployment made by this step gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextDeployment {
    /// A fresh id.
    pub id: DeploymentId,
    /// The environment's next sequence number (1 + the latest deployment's).
    pub sequence: u64,
}

/// What the world looks like when a release is advanced.
pub struct FlowContext<'a> {
    /// The time of the step.
    pub now: DateTime<Utc>,
    /// The target's policy, at its current revision.
    pub policy: &'a PromotionPolicy,
    /// The target's pointers now.
    pub target_pointers: &'a BTreeMap<ResourceId, LivePointer>,
    /// For a promotion: the source's pointers now.
    pub source_pointers: Option<&'a BTreeMap<ResourceId, LivePointer>>,
    /// Each user's current role in the project.
    pub role_of: &'a (dyn Fn(UserId) -> Option<Role> + Sync),
    /// Who acts, recorded on a deployment (`None`: the system, e.g. after a freeze window).
    pub actor: Option<UserId>,
    /// The deployment's id and number, read only when [`may_deploy`] says the step can deploy.
    pub next_deployment: Option<NextDeployment>,
}

/// One write the step implies, in the order it must be committed (all in one transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowWrite {
    /// Insert the new release as it is after the step.
    InsertRelease(Release),
    /// Store the release's new state, only if it is still in `expected_state` (a concurrent
    /// change makes the commit fail, and the caller reads again).
    UpdateRelease {
        /// The release after the step.
        release: Release,
        /// Its state before the step.
        expected_state: ReleaseState,
    },
    /// Move the target's pointers (compare-and-swap on every `from_version`).
    MovePointers {
        /// The target environment.
        environment: EnvironmentId,
        /// The moves.
        changes: Vec<Change>,
        /// When.
        at: DateTime<Utc>,
    },
    /// For a promotion: the source must still serve every promoted version.
    ExpectPointers {
        /// The source environment.
        environment: EnvironmentId,
        /// What it must serve.
        expected: Vec<(ResourceId, Option<VersionId>)>,
    },
    /// Record the deployment.
    InsertDeployment(Deployment),
}

/// The outcome of [`advance`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The release after the step.
    pub release: Release,
    /// The deployment it made, if it deployed.
    pub deployment: Option<Deployment>,
    /// What to commit; empty when a re-check found nothing to do (then nothing is written or
    /// audited).
    pub writes: Vec<FlowWrite>,
    /// The audit action of a transition (see [`Trigger::audit_action`]).
    pub audit_action: Option<&'static str>,
}

/// Whether advancing `release` on `trigger` can deploy, so whether the caller must read the
/// environment's next deployment number for [`FlowContext::next_deployment`].
pub fn may_deploy(
    release: &Release,
    trigger: &Trigger,
    policy: &PromotionPolicy,
    role_of: &dyn Fn(UserId) -> Option<Role>,
    now: DateTime<Utc>,
) -> bool {
    let auto = policy.spec().auto_apply;
    match trigger {
        Trigger::Rejected { .. } | Trigger::Cancelled { .. } => false,
        Trigger::Apply { .. } => !release.state().is_terminal(),
        Trigger::Created { bypass } => bypass.is_some() || (auto && release.has_quorum(policy, role_of)),
        Trigger::Approved { .. } => auto && !release.state().is_terminal(),
        Trigger::Recheck => {
            let mut settled = release.clone();
            auto && !release.state().is_terminal() && settled.settle(policy, role_of, now)
        }
    }
}

/// Advances `release` on `trigger`: the state machine's step, the apply decision where one is
/// due, and the writes that make it so. Order of the rules: a transition (approve, reject,
/// cancel) first; then, for an open release, expiry and supersession apply whatever the quorum,
/// and it deploys when approved and its policy applies automatically, or when applied
/// explicitly. A release created with a bypass deploys at once, recording every rule it
/// overrides.
///
/// # Errors
/// The transition's own errors ([`DomainError::InvalidTransition`] for a closed release,
/// [`DomainError::Conflict`] for a repeated approval, [`DomainError::Forbidden`] for someone
/// else's cancel); at creation, the first origin rule that blocks ([`DomainError::Policy`]);
/// for an explicit apply, the first rule that blocks, or a freeze window in force.
pub fn advance(mut release: Release, trigger: &Trigger, ctx: &FlowContext<'_>) -> Result<Step, DomainError> {
    let now = ctx.now;
    let original = release.clone();
    let apply_ctx = ApplyContext {
        now,
        policy: ctx.policy,
        target_pointers: ctx.target_pointers,
        source_pointers: ctx.source_pointers,
        role_of: ctx.role_of,
        bypass: trigger.bypass().cloned(),
    };
    let decision = match trigger {
        Trigger::Created { bypass } => {
            if bypass.is_none()
                && let Some(violation) = origin_violations(release.origin(), release.changes(), &apply_ctx)
                    .into_iter()
                    .next()
            {
                return Err(violation.into());
            }
            release.settle(ctx.policy, ctx.role_of, now);
            let auto = release.state() == ReleaseState::Approved && ctx.policy.spec().auto_apply;
            if bypass.is_some() || auto {
                match decide_apply(&release, &apply_ctx)? {
                    d @ ApplyDecision::Deploy { .. } => Some(d),
                    _ => None,
                }
            } else {
                None
            }
        }
        transition => {
            match transition {
                Trigger::Approved { user } => {
                    release.approve(*user, ctx.policy, ctx.role_of, now)?;
                }
                Trigger::Rejected { user, reason } => release.reject(*user, reason.clone(), now)?,
                Trigger::Cancelled { user, is_admin, reason } => {
                    release.cancel(*user, *is_admin, reason.clone(), now)?;
                }
                _ => {
                    if release.state().is_terminal() {
                        return Err(DomainError::InvalidTransition {
                            state: release.state(),
                            action: "apply",
                        });
                    }
                    release.settle(ctx.policy, ctx.role_of, now);
                }
            }
            if release.state().is_terminal() {
                None
            } else if matches!(trigger, Trigger::Apply { .. }) {
                match decide_apply(&release, &apply_ctx)? {
                    ApplyDecision::Wait { until } => {
                        return Err(PolicyViolation::new(
                            PolicyRule::FreezeWindows,
                            format!("a freeze window is in force until {until}"),
                        )
                        .into());
                    }
                    d => Some(d),
                }
            } else {
                let auto = release.state() == ReleaseState::Approved && ctx.policy.spec().auto_apply;
                match decide_apply(&release, &apply_ctx) {
                    Ok(d @ (ApplyDecision::Expire | ApplyDecision::Supersede { .. })) => Some(d),
                    Ok(d @ ApplyDecision::Deploy { .. }) if auto => Some(d),
                    _ => None,
                }
            }
        }
    };
    let mut effects = Vec::new();
    let mut deployment = None;
    match decision {
        Some(ApplyDecision::Deploy { bypass }) => {
            let next = ctx.next_deployment.ok_or_else(|| {
                DomainError::Invariant("a release deploys but its deployment number was not read".into())
            })?;
            let made = build_deployment(&release, ctx, next, bypass.clone());
            release.mark_deployed(made.id, bypass, now)?;
            effects.push(FlowWrite::MovePointers {
                environment: release.environment_id(),
                changes: release.changes().to_vec(),
                at: now,
            });
            if let ReleaseOrigin::Promotion { source } = release.origin() {
                effects.push(FlowWrite::ExpectPointers {
                    environment: source,
                    expected: release
                        .changes()
                        .iter()
                        .map(|c| (c.resource_id, c.to_version))
                        .collect(),
                });
            }
            effects.push(FlowWrite::InsertDeployment(made.clone()));
            deployment = Some(made);
        }
        Some(ApplyDecision::Supersede { .. }) => release.supersede(now)?,
        Some(ApplyDecision::Expire) => release.expire(now)?,
        Some(ApplyDecision::Wait { .. }) | None => {}
    }
    let audit_action = trigger.audit_action(release.state());
    let own = match trigger {
        Trigger::Created { .. } => Some(FlowWrite::InsertRelease(release.clone())),
        Trigger::Recheck if release == original => None,
        _ => Some(FlowWrite::UpdateRelease {
            release: release.clone(),
            expected_state: original.state(),
        }),
    };
    let writes = match own {
        Some(own) => std::iter::once(own).chain(effects).collect(),
        None => Vec::new(),
    };
    Ok(Step {
        release,
        deployment,
        writes,
        audit_action,
    })
}

fn build_deployment(
    release: &Release,
    ctx: &FlowContext<'_>,
    next: NextDeployment,
    bypass: Option<super::Bypass>,
) -> Deployment {
    let mut pointers = ctx.target_pointers.clone();
    let pointers_after = apply_changes(&mut pointers, release.changes(), ctx.now);
    Deployment {
        id: next.id,
        project_id: release.parts().project_id,
        environment_id: release.environment_id(),
        release_id: release.id(),
        sequence: next.sequence,
        changes: release.changes().to_vec(),
        pointers_after,
        deployed_by: ctx.actor,
        bypass,
        deployed_at: ctx.now,
    }
}

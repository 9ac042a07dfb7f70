//! Moving a release through its states: approve, reject, cancel, apply — and the background
//! re-check that expires stale releases and applies approved ones when a freeze window ends.
//!
//! Every transition re-reads the release, the target's *current* policy and everyone's *current*
//! roles, acts, and commits with an optimistic check on the release's state; a concurrent change
//! makes it read again and retry.

use std::collections::BTreeMap;

use slipway_domain::release::{
    ApplyContext, ApplyDecision, BypassRequest, Release, ReleaseOrigin, ReleaseState, decide_apply,
};
use slipway_domain::state::LivePointer;
use slipway_domain::text::Message;
use slipway_domain::{DomainError, Permission, Project, ReleaseId, ResourceId, Role};
use slipway_store::Write;
use tracing::instrument;

use super::MAX_ATTEMPTS;
use super::deploy::release_summary;
use crate::{Caller, ConflictKind, Ctx, Event, Missing, Service, ServiceError, ServiceResult};

/// What to do to a release.
#[derive(Debug, Clone)]
pub enum Action {
    /// Approve (needs `release:approve`).
    Approve,
    /// Reject with a reason (needs `release:approve`).
    Reject(String),
    /// Cancel with a reason (the author, or an owner/admin).
    Cancel(String),
    /// Apply an approved release (needs `release:apply`); with a reason, bypass blocking rules
    /// (needs `policy:bypass`).
    Apply {
        /// The bypass reason, if bypassing.
        bypass_reason: Option<String>,
    },
    /// Background re-check: expire, re-settle the quorum, auto-apply after a freeze.
    Recheck,
}

impl Action {
    const fn audit_action(&self) -> &'static str {
        match self {
            Action::Approve => "release.approve",
            Action::Reject(_) => "release.reject",
            Action::Cancel(_) => "release.cancel",
            Action::Apply { .. } => "release.apply",
            Action::Recheck => "release.recheck",
        }
    }

    const fn permission(&self) -> Permission {
        match self {
            Action::Approve | Action::Reject(_) => Permission::ReleaseApprove,
            Action::Cancel(_) | Action::Recheck => Permission::ProjectView,
            Action::Apply { .. } => Permission::ReleaseApply,
        }
    }
}

const EMPTY: &BTreeMap<ResourceId, LivePointer> = &BTreeMap::new();

impl Service {
    /// Loads a release the caller may see, with its project and the caller's role.
    pub(crate) async fn visible_release(&self, ctx: &Ctx, id: ReleaseId) -> ServiceResult<(Release, Project, Role)> {
        let not_found = || ServiceError::NotFound(Missing::Release(id.to_string()));
        let release = self.store().release(id).await?.ok_or_else(not_found)?;
        let project = self
            .store()
            .project(release.parts().project_id)
            .await?
            .ok_or_else(not_found)?;
        let role = self
            .authorize_in(ctx, &project, Permission::ProjectView, || {
                Missing::Release(id.to_string())
            })
            .await?;
        Ok((release, project, role))
    }

    /// Acts on a release (see [`Action`]).
    ///
    /// # Errors
    /// Not-found without `project:view`; forbidden without the action's permission; conflict for
    /// a closed release or a repeated approval; a policy violation for an explicit apply that a
    /// rule blocks.
    #[instrument(skip(self, ctx), fields(release = %id))]
    pub async fn act_on_release(&self, ctx: &Ctx, id: ReleaseId, action: Action) -> ServiceResult<Release> {
        let (_, _, role) = self.visible_release(ctx, id).await?;
        Self::require(Some(role), action.permission(), || Missing::Release(id.to_string()))?;
        let actor = match &ctx.caller {
            Caller::User(u) => Some(u.id),
            Caller::System => None,
            Caller::ApiKey(_) => return Err(ServiceError::forbidden(action.permission())),
        };
        let bypass = match &action {
            Action::Apply {
                bypass_reason: Some(reason),
            } => {
                if !role.permits(Permission::PolicyBypass) {
                    return Err(ServiceError::forbidden(Permission::PolicyBypass));
                }
                let user = actor.ok_or(ServiceError::Unauthenticated)?;
                Some(BypassRequest {
                    user,
                    reason: Message::parse_required("bypass_reason", reason)?,
                })
            }
            _ => None,
        };
        let mut last = None;
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                super::backoff(attempt).await;
            }
            let now = self.now();
            let (mut release, project, _) = self.visible_release(ctx, id).await?;
            let original = release.clone();
            let before_state = release.state();
            let before = release_summary(&release);
            // Read before the state: a deploy commits only if neither the pointers nor the
            // policy it was checked against moved meanwhile.
            let revision = self.store().serving_revision(project.id).await?;
            let state = self.store().project_state(project.id).await?;
            let env = state
                .environments
                .get(release.environment_id())
                .cloned()
                .ok_or(ServiceError::NotFound(Missing::Row("target environment")))?;
            let policy = &env.policy;
            let roles = self.roles(project.id).await?;
            let role_of = |u| roles.get(&u).copied();

            match &action {
                Action::Approve => {
                    let user = actor.ok_or(ServiceError::Unauthenticated)?;
                    release.approve(user, policy, &role_of, now)?;
                }
                Action::Reject(reason) => release.reject(
                    actor.ok_or(ServiceError::Unauthenticated)?,
                    Message::parse_required("reason", reason)?,
                    now,
                )?,
                Action::Cancel(reason) => {
                    let is_admin = slipway_auth::authorize::is_release_admin(Some(role));
                    release.cancel(
                        actor.ok_or(ServiceError::Unauthenticated)?,
                        is_admin,
                        Message::parse("reason", reason)?,
                        now,
                    )?;
                }
                Action::Apply { .. } | Action::Recheck => {
                    if release.state().is_terminal() {
                        return Err(DomainError::InvalidTransition {
                            state: release.state(),
                            action: "apply",
                        }
                        .into());
                    }
                    release.settle(policy, &role_of, now);
                }
            }

            let target_pointers = state.pointers.get(&env.id).unwrap_or(EMPTY);
            let source_pointers = match release.origin() {
                ReleaseOrigin::Promotion { source } => Some(state.pointers.get(&source).unwrap_or(EMPTY)),
                _ => None,
            };
            let apply_ctx = ApplyContext {
                now,
                policy,
                target_pointers,
                source_pointers,
                role_of: &role_of,
                bypass: bypass.clone(),
            };
            let explicit = matches!(action, Action::Apply { .. });
            let mut writes = Vec::new();
            let mut deployment = None;
            if !release.state().is_terminal() {
                let auto = release.state() == ReleaseState::Approved && policy.spec().auto_apply;
                let decision = if explicit {
                    match decide_apply(&release, &apply_ctx)? {
                        ApplyDecision::Wait { until } => {
                            return Err(ServiceError::PolicyViolation {
                                rule: slipway_domain::policy::PolicyRule::FreezeWindows,
                                message: format!("a freeze window is in force until {until}"),
                            });
                        }
                        d => Some(d),
                    }
                } else {
                    match decide_apply(&release, &apply_ctx) {
                        // Expiry and supersession apply whatever the quorum; deploying only
                        // when approved and the policy applies automatically.
                        Ok(d @ (ApplyDecision::Expire | ApplyDecision::Supersede { .. })) => Some(d),
                        Ok(d @ ApplyDecision::Deploy { .. }) if auto => Some(d),
                        _ => None,
                    }
                };
                if let Some(decision) = decision {
                    let applied = self
                        .act_on_decision(&mut release, decision, project.id, target_pointers, actor, now)
                        .await?;
                    writes = applied.writes;
                    deployment = applied.deployment;
                }
            }
            if matches!(action, Action::Recheck) && release == original {
                // Nothing changed: the background check writes (and audits) nothing.
                return Ok(release);
            }
            let mut all = vec![Write::UpdateRelease {
                release: release.clone(),
                expected_state: before_state,
            }];
            if deployment.is_some() {
                all.insert(
                    0,
                    Write::ExpectServingRevision {
                        project: project.id,
                        revision,
                    },
                );
            }
            all.extend(writes);
            let audit_action = match (&action, release.state()) {
                (Action::Recheck, ReleaseState::Expired) => "release.expire",
                (Action::Recheck, ReleaseState::Superseded) => "release.supersede",
                (Action::Recheck, ReleaseState::Deployed) => "release.auto_apply",
                (a, _) => a.audit_action(),
            };
            let audit = Self::entry(
                ctx,
                audit_action,
                "release",
                id,
                Some(before),
                Some(release_summary(&release)),
            );
            match self.commit(project.id.as_uuid(), Some(project.id), all, audit).await {
                Ok(_) => {
                    self.events().send(Event::ReleaseUpdated {
                        project_id: project.id,
                        release_id: id,
                        state: release.state(),
                    });
                    if let Some(d) = deployment {
                        self.events().send(Event::EnvironmentChanged {
                            project_id: project.id,
                            environment_id: d.environment_id,
                            deployment_id: Some(d.id),
                        });
                    }
                    return Ok(release);
                }
                Err(e) if e.is_race() => {
                    tracing::debug!(error = %e, "release transition raced; retrying");
                    last = Some(e.to_string());
                }
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::conflict(
            ConflictKind::Race,
            last.unwrap_or_else(|| "the release kept changing; try again".into()),
        ))
    }
}

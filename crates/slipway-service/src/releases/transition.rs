//! Moving a release through its states: approve, reject, cancel, apply — and the background
//! re-check that expires stale releases and applies approved ones when a freeze window ends.
//!
//! Each action is authorized here and becomes a [`Trigger`]; the pipeline re-reads the release,
//! the target's *current* policy and everyone's *current* roles on every attempt, and commits
//! with an optimistic check on the release's state (a concurrent change makes it read again).

use slipway_domain::release::{BypassRequest, Release, Trigger};
use slipway_domain::text::Message;
use slipway_domain::{Permission, Project, ReleaseId, Role};
use tracing::instrument;

use super::pipeline::Subject;
use crate::{Caller, Ctx, Missing, Service, ServiceError, ServiceResult};

/// What to do to a release (each becomes a [`Trigger`] of the domain's flow).
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
    const fn permission(&self) -> Permission {
        match self {
            Action::Approve | Action::Reject(_) => Permission::ReleaseApprove,
            Action::Cancel(_) | Action::Recheck => Permission::ProjectView,
            Action::Apply { .. } => Permission::ReleaseApply,
        }
    }
}

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
        let (_, project, role) = self.visible_release(ctx, id).await?;
        Self::require(Some(role), action.permission(), || Missing::Release(id.to_string()))?;
        let actor = match &ctx.caller {
            Caller::User(u) => Some(u.id),
            Caller::System => None,
            Caller::ApiKey(_) => return Err(ServiceError::forbidden(action.permission())),
        };
        let user = || actor.ok_or(ServiceError::Unauthenticated);
        let trigger = match action {
            Action::Approve => Trigger::Approved { user: user()? },
            Action::Reject(reason) => Trigger::Rejected {
                user: user()?,
                reason: Message::parse_required("reason", &reason)?,
            },
            Action::Cancel(reason) => Trigger::Cancelled {
                user: user()?,
                is_admin: slipway_auth::authorize::is_release_admin(Some(role)),
                reason: Message::parse("reason", &reason)?,
            },
            Action::Apply { bypass_reason } => Trigger::Apply {
                bypass: match bypass_reason {
                    Some(reason) => {
                        if !role.permits(Permission::PolicyBypass) {
                            return Err(ServiceError::forbidden(Permission::PolicyBypass));
                        }
                        Some(BypassRequest {
                            user: user()?,
                            reason: Message::parse_required("bypass_reason", &reason)?,
                        })
                    }
                    None => None,
                },
            },
            Action::Recheck => Trigger::Recheck,
        };
        let writer = self.lock_writer(project.id).await;
        self.advance_release(ctx, Subject::Stored(id), trigger, &writer).await
    }
}

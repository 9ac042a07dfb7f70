//! Releases: requests to move pointers in one target environment, their state machine and
//! approval counting.
//!
//! ```text
//!             ┌──────────── reject (any approver) ────────────► rejected
//!  pending ───┼──── quorum of approvals ──► approved ── apply ─► deployed
//!             ├──── cancel (author/admin) ──────────────────────► cancelled
//!             └──── target pointer moved by another deploy ─────► superseded
//!  (a pending or approved release past the policy's expiry ─────► expired)
//! ```
//!
//! A release's changes never change after creation; every transition is a method that either
//! moves the state or returns a typed error and leaves the release as it was.

mod apply;
mod build;
mod due;
mod flow;
mod waiting;

pub use apply::{ApplyContext, ApplyDecision, BypassRequest, decide_apply, origin_violations};
pub use build::{direct_changes, promotion, promotion_changes, publish_change, rollback_changes};
pub use flow::{FlowContext, FlowWrite, NextDeployment, Step, Trigger, advance, may_deploy};
pub use waiting::{ApprovalStatus, WaitReason, approval_status};

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::access::Role;
use crate::policy::{PolicyRule, PromotionPolicy};
use crate::text::Message;
use crate::{
    DeploymentId, DomainError, EnvironmentId, ProjectId, ReleaseId, ResourceId, UserId, ValidationError, VersionId,
};

/// Where a release comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseOrigin {
    /// A new version published to the target.
    Publish,
    /// The versions a source environment serves.
    Promotion {
        /// The environment promoted from.
        source: EnvironmentId,
    },
    /// The pointers as an earlier deployment of the target left them.
    Rollback {
        /// The deployment rolled back to.
        deployment: DeploymentId,
    },
    /// Explicitly chosen versions.
    Direct,
}

impl ReleaseOrigin {
    /// `publish`, `promotion`, `rollback` or `direct`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ReleaseOrigin::Publish => "publish",
            ReleaseOrigin::Promotion { .. } => "promotion",
            ReleaseOrigin::Rollback { .. } => "rollback",
            ReleaseOrigin::Direct => "direct",
        }
    }

    /// Whether the `allow_direct` rule governs this origin.
    pub const fn is_direct(&self) -> bool {
        matches!(self, ReleaseOrigin::Publish | ReleaseOrigin::Direct)
    }
}

/// One pointer move: `resource` goes from `from_version` (what the target must still serve when
/// the release applies) to `to_version` (`None` removes the pointer: an undeploy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The resource whose pointer moves.
    pub resource_id: ResourceId,
    /// What the target serves now (expected at apply time).
    pub from_version: Option<VersionId>,
    /// What it will serve.
    pub to_version: Option<VersionId>,
}

/// The state of a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseState {
    /// Waiting for approvals.
    Pending,
    /// Quorum reached; waits for an apply (or for a freeze window to end).
    Approved,
    /// Applied: its pointer moves happened.
    Deployed,
    /// An approver said no.
    Rejected,
    /// The author or an admin withdrew it.
    Cancelled,
    /// The target (or the promotion's source) moved on; it can never apply.
    Superseded,
    /// It waited longer than the policy allows.
    Expired,
}

impl ReleaseState {
    /// Every state.
    pub const ALL: [ReleaseState; 7] = [
        ReleaseState::Pending,
        ReleaseState::Approved,
        ReleaseState::Deployed,
        ReleaseState::Rejected,
        ReleaseState::Cancelled,
        ReleaseState::Superseded,
        ReleaseState::Expired,
    ];

    /// The wire name (`pending`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            ReleaseState::Pending => "pending",
            ReleaseState::Approved => "approved",
            ReleaseState::Deployed => "deployed",
            ReleaseState::Rejected => "rejected",
            ReleaseState::Cancelled => "cancelled",
            ReleaseState::Superseded => "superseded",
            ReleaseState::Expired => "expired",
        }
    }

    /// Whether no transition leaves this state.
    pub const fn is_terminal(self) -> bool {
        !matches!(self, ReleaseState::Pending | ReleaseState::Approved)
    }
}

impl fmt::Display for ReleaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReleaseState {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReleaseState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| ValidationError::new("state", "unknown release state"))
    }
}

/// An approval as given (whether it counts is decided when counting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Who approved.
    pub user: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A rejection or cancellation: who, why, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Who decided.
    pub user: UserId,
    /// Why.
    pub reason: Message,
    /// When.
    pub at: DateTime<Utc>,
}

/// A policy bypass: which rules were overridden, by whom, and why (audited, shown on the release).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    /// Who bypassed (holds `policy:bypass`).
    pub user: UserId,
    /// Why (required).
    pub reason: Message,
    /// The rules that would otherwise have blocked.
    pub rules: Vec<PolicyRule>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Everything a release is made of; used to create one and to restore a stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseParts {
    /// Identity.
    pub id: ReleaseId,
    /// The project.
    pub project_id: ProjectId,
    /// The target environment.
    pub environment_id: EnvironmentId,
    /// Where it comes from.
    pub origin: ReleaseOrigin,
    /// The pointer moves.
    pub changes: Vec<Change>,
    /// Who created it.
    pub author: UserId,
    /// Why.
    pub message: Message,
    /// The target policy's revision when it was created.
    pub policy_revision: u32,
    /// The state.
    pub state: ReleaseState,
    /// Approvals given, in order.
    pub approvals: Vec<Approval>,
    /// Set when rejected or cancelled.
    pub decision: Option<Decision>,
    /// Set when a bypass let it through.
    pub bypass: Option<Bypass>,
    /// The deployment it became, once deployed.
    pub deployment_id: Option<DeploymentId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
}

/// A release (see the module documentation for its life).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    parts: ReleaseParts,
}

/// What an approval achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalOutcome {
    /// Whether this approval counts toward the quorum (an author's approval under
    /// `prevent_self_approval`, or one from a role that does not count, is recorded but does not).
    pub counted: bool,
    /// How many approvals count now.
    pub count: usize,
    /// How many are required.
    pub required: u32,
    /// Whether the release moved to `approved`.
    pub reached_quorum: bool,
}

impl Release {
    /// Creates a pending release (use [`Release::settle`] right after, to approve it at once if
    /// its policy needs no approvals).
    ///
    /// # Errors
    /// No changes, a resource changed twice, or a change that moves nothing.
    pub fn create(mut parts: ReleaseParts) -> Result<Self, DomainError> {
        if parts.changes.is_empty() {
            return Err(DomainError::Conflict(
                "nothing to release: the target already serves these versions".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for change in &parts.changes {
            if !seen.insert(change.resource_id) {
                return Err(ValidationError::new("changes", "a resource appears twice in one release").into());
            }
            if change.from_version == change.to_version {
                return Err(ValidationError::new("changes", "a change must move its pointer").into());
            }
        }
        parts.changes.sort_by_key(|c| c.resource_id);
        parts.state = ReleaseState::Pending;
        parts.approvals.clear();
        parts.decision = None;
        parts.bypass = None;
        parts.deployment_id = None;
        parts.updated_at = parts.created_at;
        Ok(Self { parts })
    }

    /// Restores a stored release as it was.
    pub fn restore(parts: ReleaseParts) -> Self {
        Self { parts }
    }

    /// Everything the release is made of (for storage and display).
    pub const fn parts(&self) -> &ReleaseParts {
        &self.parts
    }

    /// Identity.
    pub const fn id(&self) -> ReleaseId {
        self.parts.id
    }

    /// The target environment.
    pub const fn environment_id(&self) -> EnvironmentId {
        self.parts.environment_id
    }

    /// The state.
    pub const fn state(&self) -> ReleaseState {
        self.parts.state
    }

    /// The pointer moves (fixed at creation).
    pub fn changes(&self) -> &[Change] {
        &self.parts.changes
    }

    /// Where it comes from.
    pub const fn origin(&self) -> ReleaseOrigin {
        self.parts.origin
    }

    /// Who created it.
    pub const fn author(&self) -> UserId {
        self.parts.author
    }

    fn require_open(&self, action: &'static str) -> Result<(), DomainError> {
        if self.parts.state.is_terminal() {
            Err(DomainError::InvalidTransition {
                state: self.parts.state,
                action,
            })
        } else {
            Ok(())
        }
    }

    fn set_state(&mut self, state: ReleaseState, now: DateTime<Utc>) {
        self.parts.state = state;
        self.parts.updated_at = now;
    }

    /// The users whose approvals count under `policy`, given each user's *current* role: distinct
    /// users, in a role that counts, and not the author when self-approval is prevented.
    pub fn counting_approvers(
        &self,
        policy: &PromotionPolicy,
        role_of: &dyn Fn(UserId) -> Option<Role>,
    ) -> Vec<UserId> {
        let mut counted = Vec::new();
        for approval in &self.parts.approvals {
            let user = approval.user;
            let own = policy.spec().prevent_self_approval && user == self.parts.author;
            let role_counts = role_of(user).is_some_and(|r| policy.role_counts(r));
            if !own && role_counts && !counted.contains(&user) {
                counted.push(user);
            }
        }
        counted
    }

    /// Whether the quorum of `policy` is met now.
    pub fn has_quorum(&self, policy: &PromotionPolicy, role_of: &dyn Fn(UserId) -> Option<Role>) -> bool {
        self.counting_approvers(policy, role_of).len()
            >= usize::try_from(policy.spec().required_approvals).unwrap_or(usize::MAX)
    }

    /// Moves a pending release to approved when its quorum is met (and an approved one back to
    /// pending when approvers lost their roles or the policy grew stricter). Returns whether the
    /// release is approved afterwards.
    pub fn settle(
        &mut self,
        policy: &PromotionPolicy,
        role_of: &dyn Fn(UserId) -> Option<Role>,
        now: DateTime<Utc>,
    ) -> bool {
        let quorum = self.has_quorum(policy, role_of);
        match (self.parts.state, quorum) {
            (ReleaseState::Pending, true) => self.set_state(ReleaseState::Approved, now),
            (ReleaseState::Approved, false) => self.set_state(ReleaseState::Pending, now),
            _ => {}
        }
        self.parts.state == ReleaseState::Approved
    }

    /// Records `user`'s approval and settles the quorum.
    ///
    /// # Errors
    /// The release is closed, or `user` already approved it.
    pub fn approve(
        &mut self,
        user: UserId,
        policy: &PromotionPolicy,
        role_of: &dyn Fn(UserId) -> Option<Role>,
        now: DateTime<Utc>,
    ) -> Result<ApprovalOutcome, DomainError> {
        self.require_open("approve")?;
        if self.parts.approvals.iter().any(|a| a.user == user) {
            return Err(DomainError::Conflict("you have already approved this release".into()));
        }
        let was_approved = self.parts.state == ReleaseState::Approved;
        self.parts.approvals.push(Approval { user, at: now });
        self.parts.updated_at = now;
        let approved = self.settle(policy, role_of, now);
        let counting = self.counting_approvers(policy, role_of);
        Ok(ApprovalOutcome {
            counted: counting.contains(&user),
            count: counting.len(),
            required: policy.spec().required_approvals,
            reached_quorum: approved && !was_approved,
        })
    }

    /// Rejects the release (any approver may).
    ///
    /// # Errors
    /// The release is closed.
    pub fn reject(&mut self, user: UserId, reason: Message, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.require_open("reject")?;
        self.parts.decision = Some(Decision { user, reason, at: now });
        self.set_state(ReleaseState::Rejected, now);
        Ok(())
    }

    /// Cancels the release; only its author or an admin (`is_admin`) may.
    ///
    /// # Errors
    /// The release is closed, or the caller is neither author nor admin.
    pub fn cancel(
        &mut self,
        user: UserId,
        is_admin: bool,
        reason: Message,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.require_open("cancel")?;
        if user != self.parts.author && !is_admin {
            return Err(DomainError::Forbidden(
                "only the release's author or an admin may cancel it".into(),
            ));
        }
        self.parts.decision = Some(Decision { user, reason, at: now });
        self.set_state(ReleaseState::Cancelled, now);
        Ok(())
    }

    /// Marks the release superseded: its target (or source) moved on.
    ///
    /// # Errors
    /// The release is closed.
    pub fn supersede(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.require_open("supersede")?;
        self.set_state(ReleaseState::Superseded, now);
        Ok(())
    }

    /// Marks the release expired.
    ///
    /// # Errors
    /// The release is closed.
    pub fn expire(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.require_open("expire")?;
        self.set_state(ReleaseState::Expired, now);
        Ok(())
    }

    /// Marks the release deployed as `deployment`, after [`decide_apply`] said so.
    ///
    /// # Errors
    /// The release is closed.
    pub fn mark_deployed(
        &mut self,
        deployment: DeploymentId,
        bypass: Option<Bypass>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.require_open("deploy")?;
        self.parts.deployment_id = Some(deployment);
        self.parts.bypass = bypass;
        self.set_state(ReleaseState::Deployed, now);
        Ok(())
    }

    /// Whether the release has passed its expiry under `policy` at `now`.
    pub fn is_expired(&self, policy: &PromotionPolicy, now: DateTime<Utc>) -> bool {
        policy.expiry_of(self.parts.created_at).is_some_and(|at| now >= at)
    }
}

#[cfg(test)]
mod tests;

//! Where a release stands against its target's current policy: the approvals that count, how
//! many are needed, and why it waits (the domain's `ApprovalStatus`).

use async_graphql::{Enum, Object};
use chrono::{DateTime, Utc};
use slipway_domain::release::{ApprovalStatus as DomainStatus, WaitReason as DomainReason};

use super::enums::{PolicyRule, Role};
use super::release::Approval;

/// Where a release stands against its target environment's *current* policy and roles.
pub struct ApprovalStatus(pub(crate) DomainStatus);

/// Where a release stands against its target environment's *current* policy and roles.
#[Object]
impl ApprovalStatus {
    /// The approvals that count toward the quorum (distinct users in a counting role, not the
    /// author when self-approval is prevented), in the order given.
    async fn counting(&self) -> Vec<Approval> {
        self.0.counting.iter().cloned().map(Approval).collect()
    }

    /// How many approvals count (`counted` of `required`: "1 of 2").
    async fn counted(&self) -> usize {
        self.0.counting.len()
    }

    /// How many counting approvals the policy requires.
    async fn required(&self) -> u32 {
        self.0.required
    }

    /// The roles whose approvals count.
    async fn approver_roles(&self) -> Vec<Role> {
        self.0.approver_roles.iter().copied().map(Role::from).collect()
    }

    /// Why the release has not deployed (empty for a closed release).
    async fn waiting_for(&self) -> Vec<WaitReason> {
        self.0.reasons.iter().cloned().map(WaitReason).collect()
    }

    /// When it expires, if the policy expires releases.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
}

/// What kind of thing a release waits for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReasonKind {
    /// More counting approvals (`missingApprovals` from `roles`).
    Approvals,
    /// A freeze window to end (`until`).
    FreezeWindow,
    /// A promoted version to soak in the source (`until`).
    Soak,
    /// Someone to apply it: the quorum is met but the policy does not apply automatically.
    ExplicitApply,
    /// A bypass: a rule of the current policy refuses its origin (`rule`).
    Blocked,
    /// Nothing: the target or source moved and it will be marked superseded.
    Stale,
}

/// One reason a release waits.
pub struct WaitReason(DomainReason);

/// One reason a release waits.
#[Object]
impl WaitReason {
    /// What it waits for.
    async fn kind(&self) -> WaitReasonKind {
        match self.0 {
            DomainReason::Approvals { .. } => WaitReasonKind::Approvals,
            DomainReason::FreezeWindow { .. } => WaitReasonKind::FreezeWindow,
            DomainReason::Soak { .. } => WaitReasonKind::Soak,
            DomainReason::ExplicitApply => WaitReasonKind::ExplicitApply,
            DomainReason::Blocked(_) => WaitReasonKind::Blocked,
            DomainReason::Stale => WaitReasonKind::Stale,
        }
    }

    /// For `APPROVALS`: how many more counting approvals are needed.
    async fn missing_approvals(&self) -> Option<u32> {
        match self.0 {
            DomainReason::Approvals { missing, .. } => Some(missing),
            _ => None,
        }
    }

    /// For `APPROVALS`: the roles whose approvals count.
    async fn roles(&self) -> Option<Vec<Role>> {
        match &self.0 {
            DomainReason::Approvals { roles, .. } => Some(roles.iter().copied().map(Role::from).collect()),
            _ => None,
        }
    }

    /// For `FREEZE_WINDOW` and `SOAK`: when the wait ends.
    async fn until(&self) -> Option<DateTime<Utc>> {
        match self.0 {
            DomainReason::FreezeWindow { until } | DomainReason::Soak { until } => Some(until),
            _ => None,
        }
    }

    /// For `BLOCKED`: the rule that refuses.
    async fn rule(&self) -> Option<PolicyRule> {
        match &self.0 {
            DomainReason::Blocked(v) => Some(v.rule.into()),
            _ => None,
        }
    }

    /// The reason in words, for people.
    async fn message(&self) -> String {
        match &self.0 {
            DomainReason::Approvals { missing, roles } => {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                let plural = if *missing == 1 { "" } else { "s" };
                format!("needs {missing} more approval{plural} from {}", names.join(", "))
            }
            DomainReason::FreezeWindow { until } => format!("a freeze window is in force until {until}"),
            DomainReason::Soak { until } => format!("the promoted versions soak in the source until {until}"),
            DomainReason::ExplicitApply => "approved; waits for someone to apply it (auto-apply is off)".into(),
            DomainReason::Blocked(v) => format!("blocked by {}: {}", v.rule, v.message),
            DomainReason::Stale => "the target or source moved; it will be superseded".into(),
        }
    }
}

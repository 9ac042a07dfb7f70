//! GraphQL enums mirroring the domain's closed sets (roles, resource kinds, release states and
//! origins, policy rules), with conversions both ways.

use async_graphql::Enum;
use slipway_domain::organization::MembershipSource as DomainMemberSource;
use slipway_domain::policy::PolicyRule as DomainRule;
use slipway_domain::release::{ReleaseOrigin as DomainOrigin, ReleaseState as DomainState};
use slipway_domain::{ResourceKind as DomainKind, Role as DomainRole};

/// Who manages a membership.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberSource {
    /// Added in Slipway (`addMember`, or creating the organization); only Slipway changes it.
    Slipway,
    /// Granted by the identity provider's group mapping: it follows the user's groups at each
    /// sign-in. `addMember` takes it over (it becomes SLIPWAY).
    IdentityProvider,
}

impl From<DomainMemberSource> for MemberSource {
    fn from(s: DomainMemberSource) -> Self {
        match s {
            DomainMemberSource::Slipway => MemberSource::Slipway,
            DomainMemberSource::IdentityProvider => MemberSource::IdentityProvider,
        }
    }
}

/// A member's role in a project (organization owners are owners of every project).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including bypassing policies and moving the default roles.
    Owner,
    /// Manages environments, policies, members, keys and credentials; approves releases.
    Admin,
    /// Writes resources and creates releases.
    Developer,
    /// Approves and applies releases.
    Approver,
    /// Reads only.
    Viewer,
}

impl From<DomainRole> for Role {
    fn from(r: DomainRole) -> Self {
        match r {
            DomainRole::Owner => Role::Owner,
            DomainRole::Admin => Role::Admin,
            DomainRole::Developer => Role::Developer,
            DomainRole::Approver => Role::Approver,
            DomainRole::Viewer => Role::Viewer,
        }
    }
}

impl From<Role> for DomainRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Owner => DomainRole::Owner,
            Role::Admin => DomainRole::Admin,
            Role::Developer => DomainRole::Developer,
            Role::Approver => DomainRole::Approver,
            Role::Viewer => DomainRole::Viewer,
        }
    }
}

/// What a resource is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    /// A prompt: model, message templates, parameters.
    Prompt,
    /// A routing rule; its versions are called releases.
    RoutingRule,
    /// A provider connection; its versions are called activations.
    Provider,
}

impl From<DomainKind> for ResourceKind {
    fn from(k: DomainKind) -> Self {
        match k {
            DomainKind::Prompt => ResourceKind::Prompt,
            DomainKind::RoutingRule => ResourceKind::RoutingRule,
            DomainKind::Provider => ResourceKind::Provider,
        }
    }
}

impl From<ResourceKind> for DomainKind {
    fn from(k: ResourceKind) -> Self {
        match k {
            ResourceKind::Prompt => DomainKind::Prompt,
            ResourceKind::RoutingRule => DomainKind::RoutingRule,
            ResourceKind::Provider => DomainKind::Provider,
        }
    }
}

/// The state of a release.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
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

impl From<DomainState> for ReleaseState {
    fn from(s: DomainState) -> Self {
        match s {
            DomainState::Pending => ReleaseState::Pending,
            DomainState::Approved => ReleaseState::Approved,
            DomainState::Deployed => ReleaseState::Deployed,
            DomainState::Rejected => ReleaseState::Rejected,
            DomainState::Cancelled => ReleaseState::Cancelled,
            DomainState::Superseded => ReleaseState::Superseded,
            DomainState::Expired => ReleaseState::Expired,
        }
    }
}

impl From<ReleaseState> for DomainState {
    fn from(s: ReleaseState) -> Self {
        match s {
            ReleaseState::Pending => DomainState::Pending,
            ReleaseState::Approved => DomainState::Approved,
            ReleaseState::Deployed => DomainState::Deployed,
            ReleaseState::Rejected => DomainState::Rejected,
            ReleaseState::Cancelled => DomainState::Cancelled,
            ReleaseState::Superseded => DomainState::Superseded,
            ReleaseState::Expired => DomainState::Expired,
        }
    }
}

/// Where a release comes from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseOrigin {
    /// A new version published to the target.
    Publish,
    /// The versions a source environment serves.
    Promotion,
    /// The pointers as an earlier deployment of the target left them.
    Rollback,
    /// Explicitly chosen versions.
    Direct,
}

impl From<DomainOrigin> for ReleaseOrigin {
    fn from(o: DomainOrigin) -> Self {
        match o {
            DomainOrigin::Publish => ReleaseOrigin::Publish,
            DomainOrigin::Promotion { .. } => ReleaseOrigin::Promotion,
            DomainOrigin::Rollback { .. } => ReleaseOrigin::Rollback,
            DomainOrigin::Direct => ReleaseOrigin::Direct,
        }
    }
}

/// A rule of a promotion policy (also `extensions.rule` of `POLICY_VIOLATION` errors, there in
/// snake_case: `allow_direct`, …).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyRule {
    /// Promotions may come only from the listed environments.
    AllowedSources,
    /// Publish and direct releases may not target this environment.
    AllowDirect,
    /// Not enough counting approvals.
    RequiredApprovals,
    /// A promoted version has not been live in the source long enough.
    MinSoakSeconds,
    /// A freeze window is in force.
    FreezeWindows,
    /// The release is older than the policy allows.
    ExpiresAfterSeconds,
}

impl From<DomainRule> for PolicyRule {
    fn from(r: DomainRule) -> Self {
        match r {
            DomainRule::AllowedSources => PolicyRule::AllowedSources,
            DomainRule::AllowDirect => PolicyRule::AllowDirect,
            DomainRule::RequiredApprovals => PolicyRule::RequiredApprovals,
            DomainRule::MinSoakSeconds => PolicyRule::MinSoakSeconds,
            DomainRule::FreezeWindows => PolicyRule::FreezeWindows,
            DomainRule::ExpiresAfterSeconds => PolicyRule::ExpiresAfterSeconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip() {
        for r in DomainRole::ALL {
            assert_eq!(DomainRole::from(Role::from(r)), r);
        }
        for k in DomainKind::ALL {
            assert_eq!(DomainKind::from(ResourceKind::from(k)), k);
        }
        for s in DomainState::ALL {
            assert_eq!(DomainState::from(ReleaseState::from(s)), s);
        }
    }
}

//! Reconciling a user's provider-granted memberships with what their groups grant now: which
//! roles to add or change and which memberships to remove. Memberships managed in Slipway are
//! never touched, and for a project where the user has one, it wins over the mapping.

use std::collections::BTreeMap;

use crate::ProjectId;
use crate::access::Role;
use crate::organization::{Membership, MembershipScope, MembershipSource};

/// One change to a user's project memberships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    /// Grant `role` (a new membership when `before` is `None`, else a changed role).
    Grant {
        /// Where.
        project: ProjectId,
        /// The role the groups grant now.
        role: Role,
        /// The provider-granted role held until now, if any.
        before: Option<Role>,
    },
    /// Remove the provider-granted membership: no group grants a role there any more.
    Revoke {
        /// Where.
        project: ProjectId,
        /// The role it held.
        role: Role,
    },
}

/// The changes that make `held` (the user's memberships) agree with `wanted` (the role each
/// project's mapped groups grant), in project order. Organization memberships and memberships
/// managed in Slipway are left as they are; a project where Slipway manages the user's
/// membership is skipped even if the groups grant a role there.
pub fn plan(held: &[Membership], wanted: &BTreeMap<ProjectId, Role>) -> Vec<MembershipChange> {
    let mut current: BTreeMap<ProjectId, (Role, MembershipSource)> = BTreeMap::new();
    for m in held {
        if let MembershipScope::Project(project) = m.scope {
            current.insert(project, (m.role, m.source));
        }
    }
    let mut changes = Vec::new();
    for (&project, &role) in wanted {
        match current.get(&project) {
            Some((_, MembershipSource::Slipway)) => {}
            Some((held, MembershipSource::IdentityProvider)) if *held == role => {}
            Some((held, MembershipSource::IdentityProvider)) => changes.push(MembershipChange::Grant {
                project,
                role,
                before: Some(*held),
            }),
            None => changes.push(MembershipChange::Grant {
                project,
                role,
                before: None,
            }),
        }
    }
    for (&project, &(role, source)) in &current {
        if source == MembershipSource::IdentityProvider && !wanted.contains_key(&project) {
            changes.push(MembershipChange::Revoke { project, role });
        }
    }
    changes.sort_by_key(|c| match c {
        MembershipChange::Grant { project, .. } | MembershipChange::Revoke { project, .. } => *project,
    });
    changes
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn project(n: u128) -> ProjectId {
        ProjectId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn membership(p: u128, role: Role, source: MembershipSource) -> Membership {
        Membership {
            user_id: crate::UserId::from_uuid(uuid::Uuid::from_u128(99)),
            scope: MembershipScope::Project(project(p)),
            role,
            source,
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn grants_change_and_revoke_only_what_the_provider_granted() {
        use MembershipSource::{IdentityProvider, Slipway};
        let held = [
            membership(1, Role::Viewer, IdentityProvider),
            membership(2, Role::Admin, Slipway),
            membership(3, Role::Developer, IdentityProvider),
            membership(4, Role::Viewer, IdentityProvider),
        ];
        let wanted = BTreeMap::from([
            (project(1), Role::Developer),
            (project(2), Role::Viewer),
            (project(4), Role::Viewer),
            (project(5), Role::Approver),
        ]);
        assert_eq!(
            plan(&held, &wanted),
            [
                MembershipChange::Grant {
                    project: project(1),
                    role: Role::Developer,
                    before: Some(Role::Viewer)
                },
                MembershipChange::Revoke {
                    project: project(3),
                    role: Role::Developer
                },
                MembershipChange::Grant {
                    project: project(5),
                    role: Role::Approver,
                    before: None
                },
            ]
        );
        assert!(plan(&[membership(2, Role::Owner, Slipway)], &BTreeMap::new()).is_empty());
    }
}

//! The group mapping's reconciliation: applying a plan makes the provider-granted memberships
//! exactly what the groups grant (outside projects Slipway manages), leaves every
//! Slipway-managed membership as it was, and a second plan over the result is empty.

use std::collections::BTreeMap;

use chrono::DateTime;
use proptest::prelude::*;
use slipway_domain::membership_sync::{MembershipChange, plan};
use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::{ProjectId, Role, UserId};

fn project(n: u8) -> ProjectId {
    ProjectId::from_uuid(uuid::Uuid::from_u128(u128::from(n)))
}

fn role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

fn source() -> impl Strategy<Value = MembershipSource> {
    prop::sample::select(vec![MembershipSource::Slipway, MembershipSource::IdentityProvider])
}

/// Memberships in up to 8 projects, at most one per project (the store's primary key).
fn held() -> impl Strategy<Value = Vec<Membership>> {
    prop::collection::btree_map(0u8..8, (role(), source()), 0..8).prop_map(|m| {
        m.into_iter()
            .map(|(p, (role, source))| Membership {
                user_id: UserId::from_uuid(uuid::Uuid::from_u128(1)),
                scope: MembershipScope::Project(project(p)),
                role,
                source,
                created_at: DateTime::UNIX_EPOCH,
            })
            .collect()
    })
}

fn wanted() -> impl Strategy<Value = BTreeMap<ProjectId, Role>> {
    let grantable = vec![Role::Admin, Role::Developer, Role::Approver, Role::Viewer];
    prop::collection::btree_map((0u8..8).prop_map(project), prop::sample::select(grantable), 0..8)
}

fn apply(held: &[Membership], changes: &[MembershipChange]) -> Vec<Membership> {
    let mut result = held.to_vec();
    let at = |result: &[Membership], p: ProjectId| result.iter().position(|m| m.scope == MembershipScope::Project(p));
    for change in changes {
        match *change {
            MembershipChange::Grant { project, role, before } => match at(&result, project) {
                Some(i) => {
                    assert_eq!(result[i].source, MembershipSource::IdentityProvider);
                    assert_eq!(Some(result[i].role), before);
                    result[i].role = role;
                }
                None => {
                    assert_eq!(before, None);
                    result.push(Membership {
                        user_id: UserId::from_uuid(uuid::Uuid::from_u128(1)),
                        scope: MembershipScope::Project(project),
                        role,
                        source: MembershipSource::IdentityProvider,
                        created_at: DateTime::UNIX_EPOCH,
                    });
                }
            },
            MembershipChange::Revoke { project, role } => {
                let i = at(&result, project).unwrap();
                assert_eq!(result[i].source, MembershipSource::IdentityProvider);
                assert_eq!(result[i].role, role);
                result.remove(i);
            }
        }
    }
    result
}

proptest! {
    #[test]
    fn a_plan_reconciles_provider_memberships_and_spares_slipways(held in held(), wanted in wanted()) {
        let changes = plan(&held, &wanted);
        let after = apply(&held, &changes);
        let managed = |ms: &[Membership]| -> Vec<Membership> {
            ms.iter().filter(|m| m.source == MembershipSource::Slipway).cloned().collect()
        };
        prop_assert_eq!(managed(&held), managed(&after));
        let mut expected: BTreeMap<ProjectId, Role> = wanted.clone();
        for m in managed(&held) {
            if let MembershipScope::Project(p) = m.scope {
                expected.remove(&p);
            }
        }
        let provider: BTreeMap<ProjectId, Role> = after
            .iter()
            .filter(|m| m.source == MembershipSource::IdentityProvider)
            .filter_map(|m| match m.scope {
                MembershipScope::Project(p) => Some((p, m.role)),
                MembershipScope::Organization(_) => None,
            })
            .collect();
        prop_assert_eq!(provider, expected);
        prop_assert!(plan(&after, &wanted).is_empty(), "a second sync changes nothing");
    }
}

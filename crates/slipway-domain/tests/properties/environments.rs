//! The environment aggregate under random create / delete / set_roles / reorder / update
//! sequences: its invariants hold after every step, system environments survive, and a refused
//! operation changes nothing.

use proptest::prelude::*;
use proptest::sample::Index;
use slipway_domain::DomainError;
use slipway_domain::EnvironmentId;
use slipway_domain::environment::{EnvironmentPatch, Environments, RoleChange};
use slipway_domain::text::{Color, Name};

use crate::fixtures::{config, env, new_env, project, t};

/// Environment ids are drawn from 1..=8, so operations often name one that exists and sometimes
/// one that does not (1 and 2 are Production and Staging).
const ID_POOL: u128 = 8;
const SLUGS: [&str; 5] = ["qa", "canary", "dev", "eu-west", "load-test"];

#[derive(Debug, Clone)]
enum Op {
    Create {
        id: u128,
        slug: usize,
        production: bool,
        quota: Option<u32>,
    },
    Delete {
        id: u128,
    },
    SetRoles {
        default_publish_target: Option<u128>,
        gateway_fallback: Option<u128>,
        production: Vec<(u128, bool)>,
    },
    Reorder {
        shuffle: Vec<Index>,
        /// 0: drop one, 1: repeat one, 2: add an unknown id, anything else: a valid permutation.
        mangle: u8,
    },
    Update {
        id: u128,
        name: u8,
    },
}

fn id() -> impl Strategy<Value = u128> {
    1..=ID_POOL
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (id(), 0..SLUGS.len(), any::<bool>(), prop::option::weighted(0.2, 2u32..6))
            .prop_map(|(id, slug, production, quota)| Op::Create { id, slug, production, quota }),
        2 => id().prop_map(|id| Op::Delete { id }),
        3 => (
            prop::option::of(id()),
            prop::option::of(id()),
            prop::collection::vec((id(), any::<bool>()), 0..3),
        )
            .prop_map(|(default_publish_target, gateway_fallback, production)| Op::SetRoles {
                default_publish_target,
                gateway_fallback,
                production,
            }),
        2 => (prop::collection::vec(any::<Index>(), 8), 0u8..6)
            .prop_map(|(shuffle, mangle)| Op::Reorder { shuffle, mangle }),
        1 => (id(), any::<u8>()).prop_map(|(id, name)| Op::Update { id, name }),
    ]
}

fn ids(envs: &Environments) -> Vec<EnvironmentId> {
    envs.all().iter().map(|e| e.id).collect()
}

/// Applies `op`, checking that it succeeds exactly when the model says it should and that it did
/// what it says; returns whether it succeeded.
fn step(envs: &mut Environments, op: &Op) -> bool {
    let before = envs.clone();
    match op {
        Op::Create {
            id,
            slug,
            production,
            quota,
        } => {
            let expect_ok = before.get(env(*id)).is_none()
                && before.by_slug(SLUGS[*slug]).is_none()
                && quota.is_none_or(|q| before.all().len() < q as usize);
            let result = envs.create(env(*id), new_env(SLUGS[*slug], *production), *quota, t(0));
            assert_eq!(result.is_ok(), expect_ok, "{op:?} on {:?}: {result:?}", ids(&before));
            if expect_ok {
                let created = envs.get(env(*id)).unwrap();
                assert!(!created.is_system && !created.is_gateway_fallback && !created.is_default_publish_target);
                assert_eq!(envs.all().last().map(|e| e.id), Some(env(*id)), "created last in order");
                assert_eq!(envs.all().len(), before.all().len() + 1);
            }
            expect_ok
        }
        Op::Delete { id } => {
            let expect_ok = before
                .get(env(*id))
                .is_some_and(|e| !e.is_system && !e.is_gateway_fallback && !e.is_default_publish_target);
            let result = envs.delete(env(*id));
            assert_eq!(result.is_ok(), expect_ok, "{op:?}: {result:?}");
            if expect_ok {
                assert!(envs.get(env(*id)).is_none());
                let mut remaining = ids(&before);
                remaining.retain(|e| *e != env(*id));
                assert_eq!(ids(envs), remaining, "the others keep their order");
            }
            expect_ok
        }
        Op::SetRoles {
            default_publish_target,
            gateway_fallback,
            production,
        } => {
            let change = RoleChange {
                default_publish_target: default_publish_target.map(env),
                gateway_fallback: gateway_fallback.map(env),
                production: production.iter().map(|(id, flag)| (env(*id), *flag)).collect(),
            };
            let named = default_publish_target
                .iter()
                .chain(gateway_fallback)
                .chain(production.iter().map(|(id, _)| id));
            let expect_ok = named.clone().all(|id| before.get(env(*id)).is_some());
            let result = envs.set_roles(&change);
            assert_eq!(result.is_ok(), expect_ok, "{op:?}: {result:?}");
            if expect_ok {
                if let Some(id) = change.default_publish_target {
                    assert_eq!(envs.default_publish_target().unwrap().id, id);
                }
                if let Some(id) = change.gateway_fallback {
                    assert_eq!(envs.gateway_fallback().unwrap().id, id);
                }
                for e in envs.all() {
                    // The last mention of an environment wins; the others keep their mark.
                    let wanted = change.production.iter().rev().find(|(id, _)| *id == e.id);
                    let was = before.get(e.id).unwrap().is_production;
                    assert_eq!(e.is_production, wanted.map_or(was, |(_, flag)| *flag), "{op:?}");
                }
                assert_eq!(ids(envs), ids(&before), "roles do not reorder");
            }
            expect_ok
        }
        Op::Reorder { shuffle, mangle } => {
            let mut order = ids(&before);
            for (i, index) in shuffle.iter().enumerate().take(order.len()) {
                let j = i + index.index(order.len() - i);
                order.swap(i, j);
            }
            let valid = match mangle {
                0 => {
                    order.pop();
                    false
                }
                1 => {
                    let first = order[0];
                    *order.last_mut().unwrap() = first;
                    false
                }
                2 => {
                    order.push(env(99));
                    false
                }
                _ => true,
            };
            let result = envs.reorder(&order);
            assert_eq!(result.is_ok(), valid, "{op:?}: {result:?}");
            if valid {
                assert_eq!(ids(envs), order);
                assert!(envs.all().windows(2).all(|w| w[0].position < w[1].position));
            } else {
                assert!(
                    matches!(&result, Err(DomainError::Validation(e)) if e.field() == "order"),
                    "{result:?}"
                );
            }
            valid
        }
        Op::Update { id, name } => {
            let patch = EnvironmentPatch {
                name: Some(Name::parse(&format!("Env {name}")).unwrap()),
                description: None,
                color: Some(Color::rgb(*name, 0, 0)),
            };
            let expect_ok = before.get(env(*id)).is_some();
            let result = envs.update(env(*id), patch).map(|e| (e.slug.clone(), e.name.clone()));
            assert_eq!(result.is_ok(), expect_ok, "{op:?}: {result:?}");
            if let Ok((slug, new_name)) = result {
                assert_eq!(slug, before.get(env(*id)).unwrap().slug, "the slug is immutable");
                assert_eq!(new_name.as_str(), format!("Env {name}"));
            }
            expect_ok
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn environment_invariants_hold_after_every_operation(ops in prop::collection::vec(op(), 1..40)) {
        let mut envs = Environments::for_new_project(project(), env(1), env(2), t(0));
        for op in &ops {
            let before = envs.clone();
            let ok = step(&mut envs, op);
            envs.check_invariants().unwrap();
            if !ok {
                prop_assert_eq!(&envs, &before, "a refused {:?} changes nothing", op);
            }
            for (system, slug) in [(env(1), "prod"), (env(2), "staging")] {
                let e = envs.get(system).expect("system environments are never deleted");
                prop_assert!(e.is_system);
                prop_assert_eq!(e.slug.as_str(), slug);
            }
            let mut slugs: Vec<&str> = envs.all().iter().map(|e| e.slug.as_str()).collect();
            slugs.sort_unstable();
            slugs.dedup();
            prop_assert_eq!(slugs.len(), envs.all().len(), "slugs are unique");
            let mut unique_ids = ids(&envs);
            unique_ids.sort();
            unique_ids.dedup();
            prop_assert_eq!(unique_ids.len(), envs.all().len(), "ids are unique");
            let rebuilt = Environments::from_parts(project(), envs.all().to_vec()).unwrap();
            prop_assert_eq!(&rebuilt, &envs, "what is stored loads back the same");
        }
    }
}

#[test]
fn creating_with_a_taken_id_is_a_conflict() {
    let mut envs = Environments::for_new_project(project(), env(1), env(2), t(0));
    let before = envs.clone();
    let result = envs.create(env(2), new_env("qa", false), None, t(0));
    assert!(matches!(result, Err(DomainError::Conflict(_))), "{result:?}");
    assert_eq!(envs, before);
}

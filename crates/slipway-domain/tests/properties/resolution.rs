//! Resolution over random environments and pointer maps: one resource at a time agrees with
//! the whole environment at once, and unknown slugs are never a silent fallback.

use proptest::prelude::*;
use proptest::sample::Index;
use slipway_domain::environment::{Environments, RoleChange};
use slipway_domain::state::{LivePointer, Pointers, ProjectState, ResolveError};

use crate::fixtures::{config, env, new_env, project, res, t, ver};

/// Resources 1..=4 may be pointed at; resource 5 never is.
const RESOURCES: u128 = 5;
const EXTRA: [&str; 3] = ["qa", "canary", "dev"];

fn state(extra: usize, fallback: &Index, grid: &[Vec<Option<u128>>]) -> ProjectState {
    let mut environments = Environments::for_new_project(project(), env(1), env(2), t(0));
    for (i, slug) in EXTRA.iter().enumerate().take(extra) {
        environments
            .create(env(3 + i as u128), new_env(slug, false), None, t(0))
            .unwrap();
    }
    let ids: Vec<_> = environments.all().iter().map(|e| e.id).collect();
    environments
        .set_roles(&RoleChange {
            gateway_fallback: Some(ids[fallback.index(ids.len())]),
            ..RoleChange::default()
        })
        .unwrap();
    let mut pointers = Pointers::new();
    for (id, row) in ids.iter().zip(grid) {
        let env_pointers = pointers.entry(*id).or_default();
        for (r, version) in (1..RESOURCES).zip(row) {
            if let Some(v) = version {
                env_pointers.insert(
                    res(r),
                    LivePointer {
                        version_id: ver(r, *v),
                        since: t(0),
                        revision: 1,
                    },
                );
            }
        }
    }
    ProjectState { environments, pointers }
}

fn grid() -> impl Strategy<Value = Vec<Vec<Option<u128>>>> {
    let row = prop::collection::vec(prop::option::of(1u128..4), (RESOURCES - 1) as usize);
    prop::collection::vec(row, 2 + EXTRA.len())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_resource_agrees_with_the_whole_environment(
        extra in 0..=EXTRA.len(),
        fallback in any::<Index>(),
        grid in grid(),
        unknown in "[a-z][a-z0-9-]{0,8}",
    ) {
        let s = state(extra, &fallback, &grid);
        let fallback = s.environments.gateway_fallback().unwrap().id;
        prop_assert_eq!(s.environment_for(None).unwrap().id, fallback);
        for environment in s.environments.all() {
            prop_assert_eq!(s.environment_for(Some(environment.slug.as_str())).unwrap().id, environment.id);
            let all = s.resolve_all(environment).unwrap();
            for r in 1..=RESOURCES {
                let one = s.resolve_resource(environment, res(r));
                let listed = all.iter().find(|x| x.resource_id == res(r));
                match &one {
                    Ok(resolved) => {
                        prop_assert_eq!(Some(resolved), listed);
                        let own = s.pointer(environment.id, res(r));
                        if resolved.fell_back {
                            prop_assert!(own.is_none() && environment.id != fallback);
                            prop_assert_eq!(resolved.served_from, fallback);
                        } else {
                            prop_assert_eq!(resolved.served_from, environment.id);
                        }
                        let used = s.pointer(resolved.served_from, res(r)).unwrap();
                        prop_assert_eq!(resolved.version_id, used.version_id);
                    }
                    Err(e) => {
                        prop_assert_eq!(e, &ResolveError::NotDeployed);
                        prop_assert!(listed.is_none());
                        prop_assert!(s.pointer(environment.id, res(r)).is_none());
                        prop_assert!(s.pointer(fallback, res(r)).is_none());
                    }
                }
            }
            prop_assert!(all.iter().all(|x| x.resource_id != res(RESOURCES)));
        }
        if s.environments.by_slug(&unknown).is_none() {
            prop_assert_eq!(
                s.environment_for(Some(&unknown)).unwrap_err(),
                ResolveError::UnknownEnvironment(unknown.clone())
            );
        }
    }
}

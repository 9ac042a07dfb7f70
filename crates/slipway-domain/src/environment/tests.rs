//! Unit tests of the environment aggregate.

use super::*;
use chrono::TimeZone;
use uuid::Uuid;

fn id(n: u128) -> EnvironmentId {
    EnvironmentId::from_uuid(Uuid::from_u128(n))
}

fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0).single().unwrap()
}

fn project() -> Environments {
    Environments::for_new_project(ProjectId::from_uuid(Uuid::from_u128(99)), id(1), id(2), now())
}

fn new_env(slug: &str) -> NewEnvironment {
    NewEnvironment {
        slug: EnvironmentSlug::parse(slug).unwrap(),
        name: Name::parse(slug).unwrap(),
        description: Description::default(),
        color: Color::rgb(0, 0, 0),
        is_production: false,
    }
}

#[test]
fn a_new_project_has_prod_and_staging() {
    let p = project();
    p.check_invariants().unwrap();
    let prod = p.by_slug("prod").unwrap();
    assert!(prod.is_system && prod.is_production && prod.is_default_publish_target && prod.is_gateway_fallback);
    assert_eq!(prod.name.as_str(), "Production");
    let staging = p.by_slug("staging").unwrap();
    assert!(
        staging.is_system
            && !staging.is_production
            && !staging.is_default_publish_target
            && !staging.is_gateway_fallback
    );
    assert_eq!(p.gateway_fallback().unwrap().id, id(1));
    assert_eq!(p.default_publish_target().unwrap().id, id(1));
}

#[test]
fn create_checks_slug_and_quota() {
    let mut p = project();
    p.create(id(3), new_env("qa"), Some(3), now()).unwrap();
    assert_eq!(p.get(id(3)).unwrap().position, 2);
    assert!(matches!(
        p.create(id(4), new_env("canary"), Some(3), now()),
        Err(DomainError::QuotaExceeded { limit: 3 })
    ));
    assert!(matches!(
        p.create(id(4), new_env("qa"), None, now()),
        Err(DomainError::Conflict(_))
    ));
    p.create(id(4), new_env("canary"), None, now()).unwrap();
    assert_eq!(p.all().len(), 4);
}

#[test]
fn roles_move_atomically() {
    let mut p = project();
    p.create(id(3), new_env("qa"), None, now()).unwrap();
    p.set_roles(&RoleChange {
        gateway_fallback: Some(id(2)),
        default_publish_target: Some(id(3)),
        production: vec![(id(3), true)],
    })
    .unwrap();
    p.check_invariants().unwrap();
    assert_eq!(p.gateway_fallback().unwrap().id, id(2));
    assert_eq!(p.default_publish_target().unwrap().id, id(3));
    assert!(p.get(id(3)).unwrap().is_production);
    let before = p.clone();
    assert!(
        p.set_roles(&RoleChange {
            gateway_fallback: Some(id(77)),
            ..Default::default()
        })
        .is_err()
    );
    assert_eq!(p, before, "a failed role change changes nothing");
}

#[test]
fn delete_guards_system_and_role_holders() {
    let mut p = project();
    p.create(id(3), new_env("qa"), None, now()).unwrap();
    assert!(matches!(p.delete(id(1)), Err(DomainError::Conflict(m)) if m.contains("system")));
    p.set_roles(&RoleChange {
        gateway_fallback: Some(id(3)),
        ..Default::default()
    })
    .unwrap();
    assert!(matches!(p.delete(id(3)), Err(DomainError::Conflict(m)) if m.contains("gateway fallback")));
    p.set_roles(&RoleChange {
        gateway_fallback: Some(id(1)),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(p.delete(id(3)).unwrap().slug.as_str(), "qa");
    assert!(matches!(p.delete(id(3)), Err(DomainError::NotFound(_))));
}

#[test]
fn reorder_needs_a_permutation() {
    let mut p = project();
    p.create(id(3), new_env("qa"), None, now()).unwrap();
    p.reorder(&[id(3), id(2), id(1)]).unwrap();
    let slugs: Vec<&str> = p.all().iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["qa", "staging", "prod"]);
    for bad in [vec![id(3), id(2)], vec![id(3), id(3), id(1)], vec![id(3), id(2), id(9)]] {
        assert!(matches!(p.reorder(&bad), Err(DomainError::Validation(e)) if e.field() == "order"));
    }
}

#[test]
fn update_keeps_the_slug() {
    let mut p = project();
    let patch = EnvironmentPatch {
        name: Some(Name::parse("Live").unwrap()),
        color: Some(Color::rgb(1, 1, 1)),
        description: None,
    };
    let env = p.update(id(1), patch).unwrap();
    assert_eq!((env.slug.as_str(), env.name.as_str()), ("prod", "Live"));
}

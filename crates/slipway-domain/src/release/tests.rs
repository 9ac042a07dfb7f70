//! Unit tests of the release state machine, approval counting, apply decisions and builders;
//! shared fixtures live here, the tables in the submodules.

mod apply;
mod build;
mod due;
mod transitions;
mod waiting;

use super::*;
use crate::policy::PolicySpec;
use crate::state::LivePointer;
use chrono::TimeZone;
use std::collections::BTreeMap;
use uuid::Uuid;

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap()
}

fn env(n: u128) -> EnvironmentId {
    EnvironmentId::from_uuid(Uuid::from_u128(n))
}

fn res(n: u128) -> ResourceId {
    ResourceId::from_uuid(Uuid::from_u128(100 + n))
}

fn ver(n: u128) -> VersionId {
    VersionId::from_uuid(Uuid::from_u128(1000 + n))
}

fn msg(text: &str) -> Message {
    Message::parse("reason", text).unwrap()
}

/// The target environment of every release built here.
fn target_env() -> EnvironmentId {
    env(3)
}

/// Pointers from `(resource, version, live since)` triples.
fn pointers(entries: &[(u128, u128, i64)]) -> BTreeMap<ResourceId, LivePointer> {
    entries
        .iter()
        .map(|&(r, v, since)| {
            (
                res(r),
                LivePointer {
                    version_id: ver(v),
                    since: t(since),
                    revision: 1,
                },
            )
        })
        .collect()
}

/// Who holds which role: 1 and 7 are developers (1 authors), 2 and 3 approvers, 4 an admin,
/// 5 a viewer, 6 an owner; anyone else is not a member.
fn role_of(u: UserId) -> Option<Role> {
    match u.as_uuid().as_u128() {
        1 | 7 => Some(Role::Developer),
        2 | 3 => Some(Role::Approver),
        4 => Some(Role::Admin),
        5 => Some(Role::Viewer),
        6 => Some(Role::Owner),
        _ => None,
    }
}

/// A fresh pending release of `changes` from `origin` by `author`, created at `t(0)`.
fn new_release(origin: ReleaseOrigin, changes: Vec<Change>, author: UserId) -> Release {
    Release::create(ReleaseParts {
        id: ReleaseId::from_uuid(Uuid::from_u128(1)),
        project_id: ProjectId::from_uuid(Uuid::from_u128(2)),
        environment_id: target_env(),
        origin,
        changes,
        author,
        message: Message::default(),
        policy_revision: 1,
        state: ReleaseState::Deployed,
        approvals: vec![],
        decision: None,
        bypass: None,
        deployment_id: None,
        created_at: t(0),
        updated_at: t(0),
    })
    .unwrap()
}

fn release(author: UserId) -> Release {
    new_release(
        ReleaseOrigin::Direct,
        vec![Change {
            resource_id: ResourceId::from_uuid(Uuid::from_u128(4)),
            from_version: None,
            to_version: Some(VersionId::from_uuid(Uuid::from_u128(5))),
        }],
        author,
    )
}

fn policy_with(spec: PolicySpec) -> PromotionPolicy {
    PromotionPolicy::from_spec(1, spec, target_env()).unwrap()
}

fn policy(required: u32) -> PromotionPolicy {
    policy_with(PolicySpec {
        required_approvals: required,
        ..Default::default()
    })
}

#[test]
fn created_releases_start_pending_whatever_the_parts_say() {
    assert_eq!(release(user(1)).state(), ReleaseState::Pending);
}

#[test]
fn the_authors_approval_does_not_count_and_two_approvers_reach_quorum() {
    let approver = |_: UserId| Some(Role::Approver);
    let p = policy(2);
    let mut r = release(user(1));
    let own = r.approve(user(1), &p, &approver, t(1)).unwrap();
    assert!(!own.counted);
    assert_eq!(own.count, 0);
    let first = r.approve(user(2), &p, &approver, t(2)).unwrap();
    assert!(first.counted && !first.reached_quorum);
    let before = r.clone();
    assert!(matches!(
        r.approve(user(2), &p, &approver, t(3)),
        Err(DomainError::Conflict(_))
    ));
    assert_eq!(r, before, "a refused approval records nothing");
    let second = r.approve(user(3), &p, &approver, t(4)).unwrap();
    assert!(second.reached_quorum);
    assert_eq!(r.state(), ReleaseState::Approved);
}

#[test]
fn an_approver_who_lost_the_role_stops_counting() {
    let p = policy(1);
    let mut r = release(user(1));
    r.approve(user(2), &p, &|_| Some(Role::Approver), t(1)).unwrap();
    assert_eq!(r.state(), ReleaseState::Approved);
    let demoted = |_: UserId| Some(Role::Viewer);
    assert!(!r.has_quorum(&p, &demoted));
    assert!(!r.settle(&p, &demoted, t(2)));
    assert_eq!(r.state(), ReleaseState::Pending);
}

//! Unit tests of the release state machine, approval counting and apply decisions.

use super::*;
use crate::policy::PolicySpec;
use chrono::TimeZone;
use uuid::Uuid;

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap()
}

fn release(author: UserId) -> Release {
    Release::create(ReleaseParts {
        id: ReleaseId::from_uuid(Uuid::from_u128(1)),
        project_id: ProjectId::from_uuid(Uuid::from_u128(2)),
        environment_id: EnvironmentId::from_uuid(Uuid::from_u128(3)),
        origin: ReleaseOrigin::Direct,
        changes: vec![Change {
            resource_id: ResourceId::from_uuid(Uuid::from_u128(4)),
            from_version: None,
            to_version: Some(VersionId::from_uuid(Uuid::from_u128(5))),
        }],
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

fn policy(required: u32) -> PromotionPolicy {
    PromotionPolicy::from_spec(
        1,
        PolicySpec {
            required_approvals: required,
            ..Default::default()
        },
        EnvironmentId::from_uuid(Uuid::from_u128(3)),
    )
    .unwrap()
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
    assert!(matches!(
        r.approve(user(2), &p, &approver, t(3)),
        Err(DomainError::Conflict(_))
    ));
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

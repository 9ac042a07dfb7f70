//! The builders that turn a publish, promotion, rollback or direct request into changes, and the
//! checks `Release::create` makes on them.

use super::*;

fn change(r: u128, from: Option<u128>, to: Option<u128>) -> Change {
    Change {
        resource_id: res(r),
        from_version: from.map(ver),
        to_version: to.map(ver),
    }
}

fn is_conflict(result: Result<Vec<Change>, DomainError>) -> bool {
    matches!(result, Err(DomainError::Conflict(_)))
}

#[test]
fn publish_moves_or_adds_one_pointer() {
    let target = pointers(&[(1, 1, 0)]);
    assert_eq!(publish_change(&target, res(1), ver(1)), None, "already served");
    assert_eq!(
        publish_change(&target, res(1), ver(2)),
        Some(change(1, Some(1), Some(2)))
    );
    assert_eq!(publish_change(&target, res(2), ver(5)), Some(change(2, None, Some(5))));
}

#[test]
fn promotion_copies_what_the_source_serves_differently() {
    let source = pointers(&[(1, 2, 0), (2, 3, 0), (3, 5, 0)]);
    let target = pointers(&[(1, 1, 0), (3, 5, 0), (4, 6, 0)]);
    assert_eq!(
        promotion_changes(&source, &target, None).unwrap(),
        vec![change(1, Some(1), Some(2)), change(2, None, Some(3))],
        "r3 is already equal; r4, which the source lacks, is left alone"
    );
    assert_eq!(
        promotion_changes(&source, &target, Some(&[res(2)])).unwrap(),
        vec![change(2, None, Some(3))]
    );
    assert_eq!(
        promotion_changes(&source, &target, Some(&[res(2), res(1), res(2)])).unwrap(),
        vec![change(1, Some(1), Some(2)), change(2, None, Some(3))],
        "a subset naming a resource twice moves it once"
    );
    assert!(is_conflict(promotion_changes(&source, &target, Some(&[res(3)]))));
    assert!(is_conflict(promotion_changes(&source, &source, None)));
    assert!(is_conflict(promotion_changes(&pointers(&[]), &target, None)));
    for subset in [vec![res(4)], vec![res(1), res(9)]] {
        let got = promotion_changes(&source, &target, Some(&subset));
        assert!(
            matches!(&got, Err(DomainError::Validation(e)) if e.field() == "resources"),
            "{got:?}"
        );
    }
}

#[test]
fn rollback_restores_and_removes_what_was_added_since() {
    let target = pointers(&[(1, 2, 0), (2, 3, 0), (3, 4, 0)]);
    let earlier = [(res(1), ver(1)), (res(3), ver(4)), (res(5), ver(7))].into();
    assert_eq!(
        rollback_changes(&target, &earlier).unwrap(),
        vec![
            change(1, Some(2), Some(1)),
            change(2, Some(3), None),
            change(5, None, Some(7)),
        ]
    );
    assert_eq!(
        rollback_changes(&target, &BTreeMap::new()).unwrap(),
        vec![
            change(1, Some(2), None),
            change(2, Some(3), None),
            change(3, Some(4), None)
        ],
        "rolling back to an empty environment undeploys everything"
    );
    let same = [(res(1), ver(2)), (res(2), ver(3)), (res(3), ver(4))].into();
    assert!(is_conflict(rollback_changes(&target, &same)));
}

#[test]
fn direct_sets_explicit_versions() {
    let target = pointers(&[(1, 1, 0), (2, 2, 0)]);
    assert_eq!(
        direct_changes(
            &target,
            &[(res(3), Some(ver(9))), (res(1), None), (res(2), Some(ver(2)))]
        )
        .unwrap(),
        vec![change(1, Some(1), None), change(3, None, Some(9))],
        "sorted by resource; an unchanged pointer is left out"
    );
    assert!(is_conflict(direct_changes(&target, &[(res(1), Some(ver(1)))])));
    assert!(is_conflict(direct_changes(&target, &[(res(7), None)])));
    assert!(is_conflict(direct_changes(&target, &[])));
    let twice = direct_changes(&target, &[(res(3), Some(ver(1))), (res(3), Some(ver(2)))]);
    assert!(
        matches!(&twice, Err(DomainError::Validation(e)) if e.field() == "changes[1]"),
        "{twice:?}"
    );
}

#[test]
fn create_refuses_changes_that_cannot_be_a_release() {
    let parts = |changes: Vec<Change>| {
        let mut p = release(user(1)).parts().clone();
        p.changes = changes;
        p
    };
    assert!(matches!(Release::create(parts(vec![])), Err(DomainError::Conflict(_))));
    for bad in [
        vec![change(1, None, Some(1)), change(1, None, Some(2))],
        vec![change(1, Some(1), Some(1))],
        vec![change(2, None, None)],
    ] {
        assert!(
            matches!(Release::create(parts(bad.clone())), Err(DomainError::Validation(e)) if e.field() == "changes"),
            "{bad:?}"
        );
    }
    let r = Release::create(parts(vec![change(2, None, Some(1)), change(1, Some(3), None)])).unwrap();
    assert_eq!(
        r.changes(),
        [change(1, Some(3), None), change(2, None, Some(1))],
        "changes are kept sorted by resource"
    );
}

#[test]
fn an_environment_is_never_promoted_into_itself() {
    let pointers = pointers(&[(1, 1, 0)]);
    let (prod, staging) = (env(1), env(2));
    let err = promotion((prod, &pointers), (prod, &pointers), None).unwrap_err();
    assert!(matches!(err, DomainError::Validation(v) if v.field() == "source"));
    let (origin, changes) = promotion((staging, &pointers), (prod, &BTreeMap::new()), None).unwrap();
    assert_eq!(origin, ReleaseOrigin::Promotion { source: staging });
    assert_eq!(changes.len(), 1);
}

//! Releases, pointer compare-and-swap, deployments and change notifications.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use slipway_domain::release::{Change, ReleaseState};
use slipway_domain::text::Message;
use slipway_domain::{ResourceId, Role};
use slipway_store::{Backend, ConflictKind, Notice, PageRequest, ReleaseFilter, StoreError, Write};

use crate::contract;
use crate::fixtures::{apply_writes, deploy, now, prompt_with_versions, release, world};
use crate::support::TestDb;

contract!(
    releases_round_trip_and_update_optimistically,
    a_failed_compare_and_swap_writes_nothing,
    promotions_check_their_source,
    releases_and_deployments_page_newest_first,
    serving_changes_are_announced,
    open_releases_among_projects_and_ids
);

/// The background tick's partial work list: the open releases of some projects and some
/// releases by id, each once, oldest first; closed ones left out.
async fn open_releases_among_projects_and_ids(db: &TestDb) {
    let s = &db.store;
    let one = world(s, "among-one").await;
    let two = world(s, "among-two").await;
    let mut made = Vec::new();
    for w in [&one, &two] {
        let (p, v) = prompt_with_versions(s, w, "p", 1).await;
        for _ in 0..2 {
            let r = release(
                w,
                w.prod().id,
                vec![Change {
                    resource_id: p.id,
                    from_version: None,
                    to_version: Some(v[0].id),
                }],
            );
            w.commit(s, "release.create", vec![Write::InsertRelease(r.clone())])
                .await
                .unwrap();
            made.push(r);
        }
    }
    // One of the first project's releases is closed.
    let mut rejected = made[1].clone();
    rejected
        .reject(one.user.id, Message::parse("reason", "no").unwrap(), now())
        .unwrap();
    one.commit(
        s,
        "release.reject",
        vec![Write::UpdateRelease {
            release: rejected,
            expected_state: ReleaseState::Pending,
        }],
    )
    .await
    .unwrap();
    let ids = |rs: Vec<slipway_domain::release::Release>| rs.iter().map(|r| r.id()).collect::<Vec<_>>();

    assert_eq!(
        ids(s.open_releases_among(&[one.project.id], &[]).await.unwrap()),
        [made[0].id()],
        "the closed one is left out"
    );
    assert_eq!(
        ids(s.open_releases_among(&[], &[made[3].id(), made[1].id()]).await.unwrap()),
        [made[3].id()]
    );
    assert_eq!(
        ids(s
            .open_releases_among(&[one.project.id, two.project.id], &[made[2].id(), made[0].id()])
            .await
            .unwrap()),
        [made[0].id(), made[2].id(), made[3].id()],
        "each once, oldest first"
    );
    assert!(s.open_releases_among(&[], &[]).await.unwrap().is_empty());
}

async fn releases_round_trip_and_update_optimistically(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "rel").await;
    let (a, av) = prompt_with_versions(s, &w, "a", 1).await;
    let (b, bv) = prompt_with_versions(s, &w, "b", 1).await;
    let prod = w.prod().id;
    let mut r = release(
        &w,
        prod,
        vec![
            Change {
                resource_id: a.id,
                from_version: None,
                to_version: Some(av[0].id),
            },
            Change {
                resource_id: b.id,
                from_version: None,
                to_version: Some(bv[0].id),
            },
        ],
    );
    w.commit(s, "release.create", vec![Write::InsertRelease(r.clone())])
        .await
        .unwrap();
    assert_eq!(s.release(r.id()).await.unwrap(), Some(r.clone()));
    assert_eq!(s.open_releases().await.unwrap(), vec![r.clone()]);

    // Two approvals, in order; the second reaches a quorum of two.
    let policy = w.prod().policy.revise(
        slipway_domain::policy::PolicySpec {
            required_approvals: 2,
            prevent_self_approval: false,
            ..Default::default()
        },
        prod,
    );
    let policy = policy.unwrap();
    let second = s.upsert_user("approver", None, None, now()).await.unwrap();
    let owner = |_| Some(Role::Owner);
    r.approve(w.user.id, &policy, &owner, now()).unwrap();
    w.commit(
        s,
        "release.approve",
        vec![Write::UpdateRelease {
            release: r.clone(),
            expected_state: ReleaseState::Pending,
        }],
    )
    .await
    .unwrap();
    let outcome = r.approve(second.id, &policy, &owner, now()).unwrap();
    assert!(outcome.reached_quorum);
    w.commit(
        s,
        "release.approve",
        vec![Write::UpdateRelease {
            release: r.clone(),
            expected_state: ReleaseState::Pending,
        }],
    )
    .await
    .unwrap();
    assert_eq!(s.release(r.id()).await.unwrap(), Some(r.clone()));

    // A writer that still thinks it is pending loses.
    let mut stale = r.clone();
    stale
        .reject(second.id, Message::parse("reason", "no").unwrap(), now())
        .unwrap();
    let err = w
        .commit(
            s,
            "release.reject",
            vec![Write::UpdateRelease {
                release: stale,
                expected_state: ReleaseState::Pending,
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::ReleaseChanged));

    // Cancelled with a reason: the decision is stored.
    r.cancel(w.user.id, true, Message::parse("reason", "not today").unwrap(), now())
        .unwrap();
    w.commit(
        s,
        "release.cancel",
        vec![Write::UpdateRelease {
            release: r.clone(),
            expected_state: ReleaseState::Approved,
        }],
    )
    .await
    .unwrap();
    assert_eq!(s.release(r.id()).await.unwrap(), Some(r.clone()));
    assert!(s.open_releases().await.unwrap().is_empty());

    // An unknown release is not found, not a conflict.
    let ghost = release(
        &w,
        prod,
        vec![Change {
            resource_id: a.id,
            from_version: None,
            to_version: Some(av[0].id),
        }],
    );
    let err = w
        .commit(
            s,
            "release.update",
            vec![Write::UpdateRelease {
                release: ghost,
                expected_state: ReleaseState::Pending,
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound("release"));
}

async fn a_failed_compare_and_swap_writes_nothing(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "cas").await;
    let (a, av) = prompt_with_versions(s, &w, "a", 3).await;
    let (b, bv) = prompt_with_versions(s, &w, "b", 1).await;
    let prod = w.prod().id;
    deploy(s, &w, prod, 1, a.id, None, Some(av[0].id)).await.unwrap();
    let chain_len = s.audit_chain(w.chain()).await.unwrap().len();
    let revision = s.serving_revision(w.project.id).await.unwrap();

    // b would be created (fine), but a is expected at v2 while prod serves v1.
    let r = release(
        &w,
        prod,
        vec![
            Change {
                resource_id: a.id,
                from_version: Some(av[1].id),
                to_version: Some(av[2].id),
            },
            Change {
                resource_id: b.id,
                from_version: None,
                to_version: Some(bv[0].id),
            },
        ],
    );
    w.commit(s, "release.create", vec![Write::InsertRelease(r.clone())])
        .await
        .unwrap();
    let after: BTreeMap<ResourceId, _> = [(a.id, av[2].id), (b.id, bv[0].id)].into();
    let (writes, deployment) = apply_writes(&w, &r, 2, after);
    let err = w.commit(s, "release.apply", writes).await.unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::PointerMoved));

    let state = s.project_state(w.project.id).await.unwrap();
    assert_eq!(state.pointer(prod, a.id).unwrap().version_id, av[0].id);
    assert!(state.pointer(prod, b.id).is_none(), "b did not move either");
    assert_eq!(s.release(r.id()).await.unwrap().unwrap().state(), ReleaseState::Pending);
    assert!(s.deployment(deployment).await.unwrap().is_none());
    assert_eq!(
        s.audit_chain(w.chain()).await.unwrap().len(),
        chain_len + 1,
        "only the creation"
    );
    assert_eq!(s.serving_revision(w.project.id).await.unwrap(), revision);

    // Creating a pointer that exists, removing one that moved.
    for (from, to) in [(None, Some(av[1].id)), (Some(av[1].id), None)] {
        let err = w
            .commit(
                s,
                "pointers.move",
                vec![Write::MovePointers {
                    environment: prod,
                    changes: vec![Change {
                        resource_id: a.id,
                        from_version: from,
                        to_version: to,
                    }],
                    at: now(),
                }],
            )
            .await
            .unwrap_err();
        assert_eq!(err, StoreError::Conflict(ConflictKind::PointerMoved));
    }
    // Undeploying what is served works and bumps the revision.
    let undeploy = w
        .commit(
            s,
            "pointers.move",
            vec![Write::MovePointers {
                environment: prod,
                changes: vec![Change {
                    resource_id: a.id,
                    from_version: Some(av[0].id),
                    to_version: None,
                }],
                at: now(),
            }],
        )
        .await
        .unwrap();
    assert_eq!(undeploy.serving_revision, Some(revision + 1));
    assert!(
        s.project_state(w.project.id)
            .await
            .unwrap()
            .pointers
            .get(&prod)
            .is_none_or(|p| p.is_empty())
    );
}

async fn promotions_check_their_source(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "promo").await;
    let (a, av) = prompt_with_versions(s, &w, "a", 2).await;
    let staging = w.staging().id;
    deploy(s, &w, staging, 1, a.id, None, Some(av[0].id)).await.unwrap();
    let expect = |version| Write::ExpectPointers {
        environment: staging,
        expected: vec![(a.id, version)],
    };
    w.commit(s, "promotion.check", vec![expect(Some(av[0].id))])
        .await
        .unwrap();
    for wrong in [Some(av[1].id), None] {
        let err = w.commit(s, "promotion.check", vec![expect(wrong)]).await.unwrap_err();
        assert_eq!(err, StoreError::Conflict(ConflictKind::PointerMoved));
    }
}

async fn releases_and_deployments_page_newest_first(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "paging").await;
    let (a, av) = prompt_with_versions(s, &w, "a", 5).await;
    let prod = w.prod().id;
    let mut from = None;
    for (i, v) in av.iter().enumerate() {
        deploy(s, &w, prod, u64::try_from(i).unwrap() + 1, a.id, from, Some(v.id))
            .await
            .unwrap();
        from = Some(v.id);
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = s
            .releases(w.project.id, ReleaseFilter::default(), page.clone())
            .await
            .unwrap();
        seen.extend(got.items.iter().map(|r| r.changes()[0].to_version));
        match got.next_cursor {
            Some(c) => page = PageRequest::after(2, c),
            None => break,
        }
    }
    let expected: Vec<_> = av.iter().rev().map(|v| Some(v.id)).collect();
    assert_eq!(seen, expected, "newest first, each once");
    let staging_only = ReleaseFilter {
        environment: Some(w.staging().id),
        states: Vec::new(),
    };
    assert!(
        s.releases(w.project.id, staging_only, PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let first = s.deployments(prod, PageRequest::first(3)).await.unwrap();
    assert_eq!(
        first.items.iter().map(|d| d.sequence).collect::<Vec<_>>(),
        vec![5, 4, 3]
    );
    let rest = s
        .deployments(prod, PageRequest::after(3, first.next_cursor.unwrap()))
        .await
        .unwrap();
    assert_eq!(rest.items.iter().map(|d| d.sequence).collect::<Vec<_>>(), vec![2, 1]);
    assert_eq!(rest.next_cursor, None);
    let last = &first.items[0];
    assert_eq!(s.deployment(last.id).await.unwrap().as_ref(), Some(last));
    assert_eq!(last.pointers_after, [(a.id, av[4].id)].into());

    // A deployment sequence is unique per environment.
    let r = release(
        &w,
        prod,
        vec![Change {
            resource_id: a.id,
            from_version: Some(av[4].id),
            to_version: Some(av[0].id),
        }],
    );
    w.commit(s, "release.create", vec![Write::InsertRelease(r.clone())])
        .await
        .unwrap();
    let (writes, _) = apply_writes(&w, &r, 5, [(a.id, av[0].id)].into());
    let err = w.commit(s, "release.apply", writes).await.unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Taken("deployment sequence")));
}

async fn serving_changes_are_announced(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "notify").await;
    let (a, av) = prompt_with_versions(s, &w, "a", 1).await;
    let mut stream = s.listen().await.unwrap();
    let committed = deploy(s, &w, w.prod().id, 1, a.id, None, Some(av[0].id)).await.unwrap();
    if s.backend() == Backend::Postgres {
        let got = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
            .await
            .expect("a notification within 10 s");
        assert_eq!(
            got,
            Some(Notice::Serving {
                project: w.project.id,
                revision: committed.serving_revision.unwrap()
            })
        );
    } else {
        let nothing = tokio::time::timeout(std::time::Duration::from_millis(50), stream.next()).await;
        assert!(nothing.is_err(), "SQLite's stream never yields");
    }
}

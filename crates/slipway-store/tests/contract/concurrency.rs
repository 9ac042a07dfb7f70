//! Racing writers: compare-and-swap lets exactly one win; nothing of the losers is written.

use std::collections::BTreeMap;

use slipway_domain::audit::verify_chain;
use slipway_domain::release::{Change, ReleaseState};
use slipway_store::{ConflictKind, PageRequest, StoreError, Write};

use crate::contract;
use crate::fixtures::{apply_writes, deploy, prompt_with_versions, release, world};
use crate::support::TestDb;

contract!(racing_applies_on_one_pointer, racing_audit_appends_keep_the_chain);

const RACERS: usize = 32;

async fn racing_applies_on_one_pointer(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "race").await;
    let (resource, versions) = prompt_with_versions(s, &w, "greeting", 2).await;
    let prod = w.prod().id;
    deploy(s, &w, prod, 1, resource.id, None, Some(versions[0].id))
        .await
        .unwrap();

    // 32 pending releases, each wanting to move v1 -> v2.
    let change = Change {
        resource_id: resource.id,
        from_version: Some(versions[0].id),
        to_version: Some(versions[1].id),
    };
    let releases: Vec<_> = (0..RACERS).map(|_| release(&w, prod, vec![change])).collect();
    w.commit(
        s,
        "release.create",
        releases.iter().cloned().map(Write::InsertRelease).collect(),
    )
    .await
    .unwrap();
    let chain_before = s.audit_chain(w.chain()).await.unwrap().len();
    let revision_before = s.serving_revision(w.project.id).await.unwrap();

    let after: BTreeMap<_, _> = [(resource.id, versions[1].id)].into();
    let w = std::sync::Arc::new(w);
    let tasks: Vec<_> = releases
        .into_iter()
        .map(|r| {
            let store = s.clone();
            let w = w.clone();
            let after = after.clone();
            tokio::spawn(async move {
                let (writes, _) = apply_writes(&w, &r, 2, after);
                w.commit(&store, "release.apply", writes).await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(committed) => {
                won += 1;
                assert_eq!(committed.serving_revision, Some(revision_before + 1));
            }
            Err(StoreError::Conflict(ConflictKind::PointerMoved)) => {}
            Err(other) => panic!("a loser must see PointerMoved, got {other:?}"),
        }
    }
    assert_eq!(won, 1, "exactly one apply wins");

    let state = s.project_state(w.project.id).await.unwrap();
    assert_eq!(state.pointer(prod, resource.id).unwrap().version_id, versions[1].id);
    assert_eq!(state.pointer(prod, resource.id).unwrap().revision, 2);
    let deployments = s.deployments(prod, PageRequest::default()).await.unwrap();
    assert_eq!(deployments.items.len(), 2, "the first deploy and the one winner");
    let chain = s.audit_chain(w.chain()).await.unwrap();
    assert_eq!(
        chain.len(),
        chain_before + 1,
        "one audit event for the winner, none for the losers"
    );
    verify_chain(&chain).unwrap();
    assert_eq!(s.serving_revision(w.project.id).await.unwrap(), revision_before + 1);
    let deployed = s
        .releases(
            w.project.id,
            slipway_store::ReleaseFilter {
                environment: Some(prod),
                states: vec![ReleaseState::Deployed],
            },
            PageRequest::first(100),
        )
        .await
        .unwrap();
    assert_eq!(deployed.items.len(), 2, "the first release and the winner are deployed");
}

async fn racing_audit_appends_keep_the_chain(db: &TestDb) {
    let s = &db.store;
    let w = std::sync::Arc::new(world(s, "chain").await);
    let tasks: Vec<_> = (0..RACERS)
        .map(|_| {
            let store = s.clone();
            let w = w.clone();
            tokio::spawn(async move { w.commit(&store, "noop", Vec::new()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let chain = s.audit_chain(w.chain()).await.unwrap();
    assert_eq!(verify_chain(&chain).unwrap(), u64::try_from(RACERS).unwrap() + 1);
}

//! Environments: creating, saving (moving exclusive roles), deleting, and what they serve.

use slipway_domain::policy::{PolicySpec, PromotionPolicy};
use slipway_domain::text::Name;
use slipway_store::{ConflictKind, StoreError, Write};

use crate::contract;
use crate::fixtures::{deploy, environment, prompt_with_versions, world};
use crate::support::TestDb;

contract!(
    roles_move_between_environments,
    environments_delete_with_their_pointers,
    snapshot_loads_what_is_served,
    stale_environment_plans_are_refused,
    serving_revisions_are_read_in_batches
);

/// The batched revision read agrees with the single one, over more ids than one query names,
/// and leaves unknown ids out.
async fn serving_revisions_are_read_in_batches(db: &TestDb) {
    let s = &db.store;
    let a = world(s, "batch-a").await;
    let b = world(s, "batch-b").await;
    let qa = environment(&a, "qa", 2);
    a.commit(s, "environment.create", vec![Write::InsertEnvironment(qa)])
        .await
        .unwrap();
    let unknown: Vec<_> = (0..1200)
        .map(|_| slipway_domain::ProjectId::from_uuid(uuid::Uuid::new_v4()))
        .collect();
    let mut asked = unknown.clone();
    asked.insert(600, a.project.id);
    asked.push(b.project.id);
    let revisions = s.serving_revisions(&asked).await.unwrap();
    assert_eq!(revisions.len(), 2, "unknown projects are left out");
    assert_eq!(
        revisions[&a.project.id],
        s.serving_revision(a.project.id).await.unwrap()
    );
    assert_eq!(
        revisions[&b.project.id],
        s.serving_revision(b.project.id).await.unwrap()
    );
    assert_ne!(
        revisions[&a.project.id], revisions[&b.project.id],
        "each project's own revision"
    );
    assert!(s.serving_revisions(&[]).await.unwrap().is_empty());
}

/// A change planned on a serving revision that moved meanwhile is refused whole.
async fn stale_environment_plans_are_refused(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "stale").await;
    let seen = s.serving_revision(w.project.id).await.unwrap();
    let mut renamed = s
        .environments(w.project.id)
        .await
        .unwrap()
        .by_slug("staging")
        .unwrap()
        .clone();
    renamed.name = Name::parse("Pre-production").unwrap();
    // Someone else changes the project's environments first.
    w.commit(
        s,
        "environment.create",
        vec![Write::InsertEnvironment(environment(&w, "qa", 2))],
    )
    .await
    .unwrap();
    let stale = vec![
        Write::ExpectServingRevision {
            project: w.project.id,
            revision: seen,
        },
        Write::SaveEnvironments(vec![renamed.clone()]),
    ];
    let err = w.commit(s, "environment.update", stale).await.unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Stale));
    let envs = s.environments(w.project.id).await.unwrap();
    assert_eq!(
        envs.by_slug("staging").unwrap().name.as_str(),
        "Staging",
        "nothing was written"
    );
    // Planned again on the current revision, it goes through.
    let current = s.serving_revision(w.project.id).await.unwrap();
    let fresh = vec![
        Write::ExpectServingRevision {
            project: w.project.id,
            revision: current,
        },
        Write::SaveEnvironments(vec![renamed]),
    ];
    w.commit(s, "environment.update", fresh).await.unwrap();
    assert_eq!(
        s.environments(w.project.id)
            .await
            .unwrap()
            .by_slug("staging")
            .unwrap()
            .name
            .as_str(),
        "Pre-production"
    );
}

async fn roles_move_between_environments(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "roles").await;
    let qa = environment(&w, "qa", 2);
    w.commit(s, "environment.create", vec![Write::InsertEnvironment(qa.clone())])
        .await
        .unwrap();
    let err = w
        .commit(s, "environment.create", vec![Write::InsertEnvironment(qa.clone())])
        .await
        .unwrap_err();
    // The id and the slug are both taken; which rule fires first depends on the database.
    assert!(
        matches!(
            err,
            StoreError::Conflict(ConflictKind::Duplicate("environment" | "environment slug"))
        ),
        "{err:?}"
    );
    let mut same_slug = environment(&w, "qa", 3);
    same_slug.name = Name::parse("QA again").unwrap();
    let err = w
        .commit(s, "environment.create", vec![Write::InsertEnvironment(same_slug)])
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Duplicate("environment slug")));

    // Move both exclusive roles from prod to qa, rename it, give it a policy.
    let mut envs = s.environments(w.project.id).await.unwrap();
    let before = s.serving_revision(w.project.id).await.unwrap();
    envs.set_roles(&slipway_domain::environment::RoleChange {
        default_publish_target: Some(qa.id),
        gateway_fallback: Some(qa.id),
        production: vec![(qa.id, true)],
    })
    .unwrap();
    let policy = PromotionPolicy::initial()
        .revise(
            PolicySpec {
                allowed_sources: vec![w.staging().id],
                required_approvals: 2,
                ..PolicySpec::default()
            },
            qa.id,
        )
        .unwrap();
    envs.set_policy(qa.id, policy.clone()).unwrap();
    let saved = w
        .commit(
            s,
            "environment.roles",
            vec![Write::SaveEnvironments(envs.all().to_vec())],
        )
        .await
        .unwrap();
    assert_eq!(saved.serving_revision, Some(before + 1));
    let back = s.environments(w.project.id).await.unwrap();
    assert_eq!(back, envs);
    assert_eq!(back.gateway_fallback().unwrap().id, qa.id);
    assert_eq!(back.get(qa.id).unwrap().policy, policy);

    // Saving a stale view that would make two holders is refused by the database, and nothing
    // of the commit is written.
    let audit_before = s.audit_chain(w.chain()).await.unwrap().len();
    let mut stale = w.prod().clone();
    stale.name = Name::parse("Prod renamed").unwrap();
    let err = w
        .commit(s, "environment.update", vec![Write::SaveEnvironments(vec![stale])])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict(ConflictKind::Duplicate("default publish target" | "gateway fallback"))
        ),
        "{err:?}"
    );
    assert_eq!(s.environments(w.project.id).await.unwrap(), envs);
    assert_eq!(s.audit_chain(w.chain()).await.unwrap().len(), audit_before);
}

async fn environments_delete_with_their_pointers(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "del").await;
    let qa = environment(&w, "qa", 2);
    w.commit(s, "environment.create", vec![Write::InsertEnvironment(qa.clone())])
        .await
        .unwrap();
    let (resource, versions) = prompt_with_versions(s, &w, "greeting", 1).await;
    deploy(s, &w, qa.id, 1, resource.id, None, Some(versions[0].id))
        .await
        .unwrap();

    for (env, kind) in [
        (w.prod().id, ConflictKind::SystemEnvironment),
        (w.staging().id, ConflictKind::SystemEnvironment),
    ] {
        let err = w
            .commit(s, "environment.delete", vec![Write::DeleteEnvironment(env)])
            .await
            .unwrap_err();
        assert_eq!(err, StoreError::Conflict(kind));
    }
    w.commit(s, "environment.delete", vec![Write::DeleteEnvironment(qa.id)])
        .await
        .unwrap();
    let state = s.project_state(w.project.id).await.unwrap();
    assert!(state.environments.get(qa.id).is_none());
    assert!(!state.pointers.contains_key(&qa.id));
    let err = w
        .commit(s, "environment.delete", vec![Write::DeleteEnvironment(qa.id)])
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound("environment"));
}

async fn snapshot_loads_what_is_served(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "snap").await;
    let (greeting, gv) = prompt_with_versions(s, &w, "greeting", 3).await;
    let (farewell, fv) = prompt_with_versions(s, &w, "farewell", 2).await;
    let (unused, _) = prompt_with_versions(s, &w, "unused", 1).await;
    deploy(s, &w, w.prod().id, 1, greeting.id, None, Some(gv[0].id))
        .await
        .unwrap();
    deploy(s, &w, w.staging().id, 1, greeting.id, None, Some(gv[2].id))
        .await
        .unwrap();
    let last = deploy(s, &w, w.staging().id, 2, farewell.id, None, Some(fv[1].id))
        .await
        .unwrap();

    let snap = s.snapshot(w.project.id).await.unwrap();
    assert_eq!(snap.project, w.project);
    assert_eq!(snap.serving_revision, last.serving_revision.unwrap());
    assert_eq!(snap.serving_revision, s.serving_revision(w.project.id).await.unwrap());
    assert_eq!(snap.resources.len(), 3);
    assert!(snap.resources.iter().any(|r| r.id == unused.id));
    let mut served: Vec<_> = snap.versions.iter().map(|v| v.id).collect();
    served.sort();
    let mut expected = vec![gv[0].id, gv[2].id, fv[1].id];
    expected.sort();
    assert_eq!(served, expected, "only pointed-at versions are loaded");
    assert_eq!(snap.versions.iter().find(|v| v.id == gv[2].id), Some(&gv[2]));
    let staging = snap.state.environment_for(Some("staging")).unwrap();
    assert_eq!(snap.state.resolve_all(staging).unwrap().len(), 2);
    assert_eq!(snap.state, s.project_state(w.project.id).await.unwrap());
}

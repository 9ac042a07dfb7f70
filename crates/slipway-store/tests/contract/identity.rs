//! Users, organizations, projects, memberships and roles.

use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::{Role, UserId};
use slipway_store::{ConflictKind, StoreError, Write};

use crate::contract;
use crate::fixtures::{commit, now, world};
use crate::support::TestDb;

contract!(
    a_world_reads_back,
    slugs_are_unique_per_scope,
    memberships_and_roles,
    provider_memberships_never_replace_slipways,
    concurrent_first_sight_creates_one_user
);

async fn a_world_reads_back(db: &TestDb) {
    let w = world(&db.store, "rb").await;
    let s = &db.store;
    assert_eq!(s.organization_by_slug("acme-rb").await.unwrap(), Some(w.org.clone()));
    assert_eq!(s.organization(w.org.id).await.unwrap(), Some(w.org.clone()));
    assert_eq!(
        s.project_by_slug(w.org.id, "chat").await.unwrap(),
        Some(w.project.clone())
    );
    assert_eq!(s.project(w.project.id).await.unwrap(), Some(w.project.clone()));
    assert_eq!(
        s.projects_of_organization(w.org.id).await.unwrap(),
        vec![w.project.clone()]
    );
    assert_eq!(s.organizations_of_user(w.user.id).await.unwrap(), vec![w.org.clone()]);
    assert_eq!(s.environments(w.project.id).await.unwrap(), w.envs);
    let state = s.project_state(w.project.id).await.unwrap();
    assert_eq!(state.environments, w.envs);
    assert!(state.pointers.is_empty());
    assert_eq!(s.user_by_subject("sub-rb").await.unwrap(), Some(w.user.clone()));
    assert_eq!(s.users(&[w.user.id]).await.unwrap(), vec![w.user.clone()]);
    assert!(s.project_by_slug(w.org.id, "nope").await.unwrap().is_none());
    assert_eq!(
        s.environments(slipway_domain::ProjectId::from_uuid(uuid::Uuid::now_v7()))
            .await,
        Err(StoreError::NotFound("project"))
    );
    // Creating the project changed what it serves.
    assert_eq!(s.serving_revision(w.project.id).await.unwrap(), 1);
}

async fn slugs_are_unique_per_scope(db: &TestDb) {
    let w = world(&db.store, "dup").await;
    let mut org = w.org.clone();
    org.id = slipway_domain::OrganizationId::from_uuid(uuid::Uuid::now_v7());
    let err = db
        .store
        .commit(commit(
            org.id.as_uuid(),
            w.user.id,
            "organization.create",
            vec![Write::InsertOrganization(org)],
        ))
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Duplicate("organization slug")));

    // Updating the organization: a new quota; a taken slug is refused; an unknown one not found.
    let mut updated = w.org.clone();
    updated.environment_quota = None;
    updated.name = slipway_domain::text::Name::parse("Acme Inc").unwrap();
    db.store
        .commit(commit(
            w.org.id.as_uuid(),
            w.user.id,
            "organization.update",
            vec![Write::UpdateOrganization(updated.clone())],
        ))
        .await
        .unwrap();
    assert_eq!(db.store.organization(w.org.id).await.unwrap(), Some(updated.clone()));

    // The same project slug in another organization is fine; in the same one it is not.
    let other = world(&db.store, "dup2").await;
    assert_eq!(other.project.slug, w.project.slug);
    let mut taken = updated.clone();
    taken.slug = other.org.slug.clone();
    let err = db
        .store
        .commit(commit(
            w.org.id.as_uuid(),
            w.user.id,
            "organization.update",
            vec![Write::UpdateOrganization(taken.clone())],
        ))
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Duplicate("organization slug")));
    taken.id = slipway_domain::OrganizationId::from_uuid(uuid::Uuid::now_v7());
    let err = db
        .store
        .commit(commit(
            w.org.id.as_uuid(),
            w.user.id,
            "organization.update",
            vec![Write::UpdateOrganization(taken)],
        ))
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound("organization"));
    let mut project = w.project.clone();
    project.id = slipway_domain::ProjectId::from_uuid(uuid::Uuid::now_v7());
    let envs = slipway_domain::environment::Environments::for_new_project(
        project.id,
        slipway_domain::EnvironmentId::from_uuid(uuid::Uuid::now_v7()),
        slipway_domain::EnvironmentId::from_uuid(uuid::Uuid::now_v7()),
        now(),
    );
    let err = db
        .store
        .commit(commit(
            project.id.as_uuid(),
            w.user.id,
            "project.create",
            vec![Write::InsertProject {
                project,
                environments: envs,
            }],
        ))
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Duplicate("project slug")));
}

async fn memberships_and_roles(db: &TestDb) {
    let w = world(&db.store, "mem").await;
    let s = &db.store;
    let dev = s.upsert_user("dev", Some("Dev"), None, now()).await.unwrap();
    let outsider = s.upsert_user("outsider", None, None, now()).await.unwrap();
    let member = |user: UserId, role| {
        Write::UpsertMembership(Membership {
            user_id: user,
            scope: MembershipScope::Project(w.project.id),
            role,
            source: MembershipSource::Slipway,
            created_at: now(),
        })
    };
    w.commit(s, "member.add", vec![member(dev.id, Role::Viewer)])
        .await
        .unwrap();
    w.commit(s, "member.add", vec![member(dev.id, Role::Developer)])
        .await
        .unwrap();
    assert_eq!(
        s.project_role(dev.id, w.project.id).await.unwrap(),
        Some(Role::Developer)
    );
    assert_eq!(s.project_role(w.user.id, w.project.id).await.unwrap(), None);
    assert!(s.is_organization_owner(w.user.id, w.org.id).await.unwrap());
    assert!(!s.is_organization_owner(dev.id, w.org.id).await.unwrap());

    let roles = s.project_roles(w.project.id).await.unwrap();
    assert_eq!(
        roles.get(&w.user.id),
        Some(&Role::Owner),
        "organization owners own every project"
    );
    assert_eq!(roles.get(&dev.id), Some(&Role::Developer));
    assert_eq!(roles.get(&outsider.id), None);
    let members = s.members(w.project.id).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(s.organizations_of_user(dev.id).await.unwrap(), vec![w.org.clone()]);
    assert!(s.organizations_of_user(outsider.id).await.unwrap().is_empty());

    let remove = Write::DeleteMembership {
        user: dev.id,
        scope: MembershipScope::Project(w.project.id),
    };
    w.commit(s, "member.remove", vec![remove.clone()]).await.unwrap();
    assert_eq!(s.project_role(dev.id, w.project.id).await.unwrap(), None);
    assert_eq!(
        w.commit(s, "member.remove", vec![remove]).await.unwrap_err(),
        StoreError::NotFound("membership")
    );
}

async fn concurrent_first_sight_creates_one_user(db: &TestDb) {
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = db.store.clone();
            tokio::spawn(async move {
                let name = format!("Name {}", i % 2);
                store.upsert_user("racer", Some(&name), None, now()).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every caller got the same user");
    let user = db
        .store
        .upsert_user("racer", None, Some("r@example.com"), now())
        .await
        .unwrap();
    assert!(user.name.is_some(), "a token without a name keeps the known one");
    assert_eq!(user.email.as_deref(), Some("r@example.com"));
}

async fn provider_memberships_never_replace_slipways(db: &TestDb) {
    let w = world(&db.store, "idp").await;
    let s = &db.store;
    let dev = s.upsert_user("idp-dev", None, None, now()).await.unwrap();
    let member = |role, source| {
        Write::UpsertMembership(Membership {
            user_id: dev.id,
            scope: MembershipScope::Project(w.project.id),
            role,
            source,
            created_at: now(),
        })
    };
    let source_of = async || {
        let memberships = s.project_memberships_of_user(dev.id).await.unwrap();
        assert!(memberships.len() <= 1);
        memberships.first().map(|m| (m.role, m.source))
    };
    let provider_removal = Write::DeleteProviderMembership {
        user: dev.id,
        project: w.project.id,
    };

    // Granted and changed by the identity provider, then removed by it.
    for role in [Role::Viewer, Role::Developer] {
        w.commit(s, "member.add", vec![member(role, MembershipSource::IdentityProvider)])
            .await
            .unwrap();
        assert_eq!(source_of().await, Some((role, MembershipSource::IdentityProvider)));
    }
    assert_eq!(
        s.project_role(dev.id, w.project.id).await.unwrap(),
        Some(Role::Developer)
    );
    assert_eq!(
        s.members(w.project.id).await.unwrap()[0].source,
        MembershipSource::IdentityProvider
    );
    w.commit(s, "member.remove", vec![provider_removal.clone()])
        .await
        .unwrap();
    assert_eq!(source_of().await, None);
    assert_eq!(
        w.commit(s, "member.remove", vec![provider_removal.clone()])
            .await
            .unwrap_err(),
        StoreError::NotFound("membership")
    );

    // addMember takes a provider-granted membership over; from then on the provider's writes
    // fail and leave it as it is.
    w.commit(
        s,
        "member.add",
        vec![member(Role::Admin, MembershipSource::IdentityProvider)],
    )
    .await
    .unwrap();
    w.commit(s, "member.add", vec![member(Role::Viewer, MembershipSource::Slipway)])
        .await
        .unwrap();
    assert_eq!(source_of().await, Some((Role::Viewer, MembershipSource::Slipway)));
    assert_eq!(
        w.commit(
            s,
            "member.add",
            vec![member(Role::Admin, MembershipSource::IdentityProvider)]
        )
        .await
        .unwrap_err(),
        StoreError::Conflict(ConflictKind::Stale)
    );
    assert_eq!(
        w.commit(s, "member.remove", vec![provider_removal]).await.unwrap_err(),
        StoreError::NotFound("membership")
    );
    assert_eq!(source_of().await, Some((Role::Viewer, MembershipSource::Slipway)));
    // Organization memberships are Slipway's.
    let owner = s.members(w.project.id).await.unwrap();
    assert!(
        owner
            .iter()
            .any(|m| m.user_id == w.user.id && m.source == MembershipSource::Slipway)
    );
}

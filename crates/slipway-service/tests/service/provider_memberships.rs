//! The identity provider's group mapping (`sync_provider_memberships`): the roles a user's
//! groups grant are stored as provider-sourced memberships, changed and removed as the groups
//! change, audited with the user as actor; memberships managed in Slipway are never touched; a
//! mapped project that does not exist is skipped; unchanged grants read and write nothing.

use slipway_domain::Role;
use slipway_domain::group_mapping::{Grants, GroupMapping};
use slipway_domain::membership_sync::MembershipChange;
use slipway_domain::organization::MembershipSource;
use slipway_service::audit::AuditLogFilter;
use slipway_service::provider_memberships::{GRANT_ACTION, REVOKE_ACTION};
use slipway_service::{Clock, Ctx, Event, PageRequest, Revoked, ServiceError};
use slipway_store::Write;

use crate::both_backends;
use crate::harness::Harness;

fn mapping() -> GroupMapping {
    GroupMapping::parse(&[
        "llm-devs=acme/chat:developer",
        "llm-devs=acme/search:viewer",
        "release-managers=acme/chat:approver",
        "admins=acme/chat:admin",
        "ghosts=acme/nowhere:admin",
    ])
    .unwrap()
}

fn grants(groups: &[&str]) -> Grants {
    mapping().grants(groups.iter().copied())
}

async fn role_of(h: &Harness, admin: &Ctx, project: &str, subject: &str) -> Option<(Role, MembershipSource)> {
    h.service
        .members(admin, "acme", project)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, u)| u.as_ref().is_some_and(|u| u.subject == subject))
        .map(|(m, _)| (m.role, m.source))
}

async fn actions(h: &Harness, admin: &Ctx, project: &str) -> Vec<(String, Option<String>)> {
    let page = PageRequest {
        first: 100,
        after: None,
    };
    let events = h
        .service
        .audit_log(admin, "acme", project, AuditLogFilter::default(), page)
        .await
        .unwrap();
    events
        .items
        .iter()
        .rev()
        .filter(|e| e.entry.action.contains("identity_provider"))
        .map(|e| {
            let role = e
                .entry
                .after
                .as_ref()
                .or(e.entry.before.as_ref())
                .and_then(|v| v["role"].as_str());
            (e.entry.action.clone(), role.map(str::to_owned))
        })
        .collect()
}

both_backends!(
    groups_grant_change_and_remove_only_provider_memberships,
    async |h: &Harness| {
        let s = &h.service;
        let alice = h.user("alice").await;
        s.create_organization(&alice, "acme", "Acme").await.unwrap();
        for project in ["chat", "search"] {
            s.create_project(&alice, "acme", project, project).await.unwrap();
        }
        let ada = h.user("ada").await;
        let mut events = s.events().subscribe();

        // First sight: developer in chat, viewer in search; the missing project is skipped.
        let changes = s
            .sync_provider_memberships(&ada, &grants(&["llm-devs", "ghosts"]))
            .await
            .unwrap();
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(
            role_of(h, &alice, "chat", "ada").await,
            Some((Role::Developer, MembershipSource::IdentityProvider))
        );
        assert_eq!(
            role_of(h, &alice, "search", "ada").await,
            Some((Role::Viewer, MembershipSource::IdentityProvider))
        );
        let (project, role) = s.project(&ada, "acme", "chat").await.unwrap();
        assert_eq!(role, Role::Developer);

        // The same grants again change nothing — not even after the store changed behind the
        // cache: nothing is read.
        s.store()
            .commit(slipway_store::Commit {
                chain_id: project.id.as_uuid(),
                writes: vec![Write::DeleteProviderMembership {
                    user: ada.user_ref().unwrap().id,
                    project: project.id,
                }],
                audit: slipway_domain::audit::AuditEntry {
                    actor: slipway_domain::audit::Actor::System,
                    action: "test.remove".into(),
                    target_kind: "user".into(),
                    target_id: "ada".into(),
                    before: None,
                    after: None,
                    request_id: None,
                    caller_request_id: None,
                },
                at: h.clock.now(),
            })
            .await
            .unwrap();
        let again = s
            .sync_provider_memberships(&ada, &grants(&["ghosts", "llm-devs"]))
            .await;
        assert_eq!(again.unwrap(), []);
        assert_eq!(role_of(h, &alice, "chat", "ada").await, None);
        // The background tick forgets the cache: the next sync restores what the groups grant.
        s.tick().await;
        let restored = s
            .sync_provider_memberships(&ada, &grants(&["llm-devs", "ghosts"]))
            .await
            .unwrap();
        assert_eq!(
            restored,
            [MembershipChange::Grant {
                project: project.id,
                role: Role::Developer,
                before: None
            }]
        );

        // A second group raises the role to the strongest one mapped (admin), a role change.
        s.sync_provider_memberships(&ada, &grants(&["llm-devs", "admins"]))
            .await
            .unwrap();
        assert_eq!(
            role_of(h, &alice, "chat", "ada").await,
            Some((Role::Admin, MembershipSource::IdentityProvider))
        );

        // Leaving every group removes both memberships, through the revocation path.
        while events.try_recv().is_ok() {}
        let removed = s.sync_provider_memberships(&ada, &Grants::new()).await.unwrap();
        assert_eq!(removed.len(), 2);
        assert_eq!(role_of(h, &alice, "chat", "ada").await, None);
        assert_eq!(role_of(h, &alice, "search", "ada").await, None);
        assert!(matches!(
            s.project(&ada, "acme", "chat").await,
            Err(ServiceError::NotFound(_))
        ));
        let mut revoked = 0;
        while let Ok(event) = events.try_recv() {
            if let Event::AccessRevoked {
                revoked: Revoked::Member(user),
                ..
            } = event
            {
                assert_eq!(user, ada.user_ref().unwrap().id);
                revoked += 1;
            }
        }
        assert_eq!(revoked, 2, "each removal wakes the project's streams");

        // Every change is audited on the project's chain, the user as actor.
        assert_eq!(
            actions(h, &alice, "chat").await,
            [
                (GRANT_ACTION.to_owned(), Some("developer".to_owned())),
                (GRANT_ACTION.to_owned(), Some("developer".to_owned())),
                (GRANT_ACTION.to_owned(), Some("admin".to_owned())),
                (REVOKE_ACTION.to_owned(), Some("admin".to_owned())),
            ]
        );
        let chat_events = s
            .audit_log(
                &alice,
                "acme",
                "chat",
                AuditLogFilter::default(),
                PageRequest { first: 1, after: None },
            )
            .await
            .unwrap();
        assert_eq!(
            chat_events.items[0].entry.actor,
            slipway_domain::audit::Actor::User(ada.user_ref().unwrap().id)
        );
    }
);

both_backends!(
    a_membership_managed_in_slipway_wins_over_the_mapping,
    async |h: &Harness| {
        let s = &h.service;
        let alice = h.user("alice").await;
        s.create_organization(&alice, "acme", "Acme").await.unwrap();
        s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
        s.create_project(&alice, "acme", "search", "Search").await.unwrap();
        let ada = h.user("ada").await;

        // Managed in Slipway before any sync: the mapping leaves it as it is.
        s.add_member(&alice, "acme", "search", "ada", Role::Approver)
            .await
            .unwrap();
        s.sync_provider_memberships(&ada, &grants(&["llm-devs"])).await.unwrap();
        assert_eq!(
            role_of(h, &alice, "search", "ada").await,
            Some((Role::Approver, MembershipSource::Slipway))
        );
        // A provider-granted membership taken over with addMember becomes Slipway's…
        s.add_member(&alice, "acme", "chat", "ada", Role::Viewer).await.unwrap();
        assert_eq!(
            role_of(h, &alice, "chat", "ada").await,
            Some((Role::Viewer, MembershipSource::Slipway))
        );
        // …and leaving every group removes neither.
        let changes = s.sync_provider_memberships(&ada, &Grants::new()).await.unwrap();
        assert_eq!(changes, []);
        assert_eq!(role_of(h, &alice, "chat", "ada").await.map(|r| r.0), Some(Role::Viewer));
        assert_eq!(
            role_of(h, &alice, "search", "ada").await.map(|r| r.0),
            Some(Role::Approver)
        );

        // removeMember of a provider-granted membership lasts until the groups are read again:
        // it makes the next request reconcile, which grants what the groups still grant.
        s.remove_member(&alice, "acme", "chat", "ada").await.unwrap();
        s.sync_provider_memberships(&ada, &grants(&["admins"])).await.unwrap();
        assert_eq!(
            role_of(h, &alice, "chat", "ada").await,
            Some((Role::Admin, MembershipSource::IdentityProvider))
        );
        s.remove_member(&alice, "acme", "chat", "ada").await.unwrap();
        assert_eq!(
            s.sync_provider_memberships(&ada, &grants(&["admins"]))
                .await
                .unwrap()
                .len(),
            1,
            "the removal made the unchanged grants count as new"
        );
        // An API key is no user and has no groups.
        let key = s
            .create_api_key(
                &alice,
                "acme",
                "chat",
                &slipway_service::api_keys::NewApiKey::named("gw"),
            )
            .await
            .unwrap();
        let secret = secrecy::ExposeSecret::expose_secret(&key.secret).to_owned();
        let gateway = s.authenticate_api_key(&secret, None).await.unwrap();
        assert!(matches!(
            s.sync_provider_memberships(&gateway, &grants(&["admins"])).await,
            Err(ServiceError::Forbidden { .. })
        ));
    }
);

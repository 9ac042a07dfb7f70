//! Changes announced to other instances: a revoked API key and a removed member reach
//! [`Store::listen`] on PostgreSQL (SQLite has one instance and announces nothing), and a
//! release or environment change reaches the other instances' listeners but not its own.

use std::time::Duration;

use futures_util::StreamExt;
use slipway_domain::api_key::ApiKey;
use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::release::{Change, ReleaseState};
use slipway_domain::text::Name;
use slipway_domain::{ApiKeyId, Role};
use slipway_store::{Backend, ConnectOptions, Notice, Store, Write};

use crate::contract;
use crate::fixtures::{id, now, prompt_with_versions, release, world};
use crate::support::TestDb;

contract!(
    revocations_are_announced,
    release_and_environment_changes_reach_other_instances
);

async fn release_and_environment_changes_reach_other_instances(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "relay").await;
    let (resource, versions) = prompt_with_versions(s, &w, "greeting", 1).await;
    let other = Store::connect(
        &db.url,
        ConnectOptions {
            migrate: false,
            max_connections: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_ne!(other.instance(), s.instance(), "each connection is its own instance");
    let mut theirs = other.listen().await.unwrap();
    let mut ours = s.listen().await.unwrap();
    let made = release(
        &w,
        w.prod().id,
        vec![Change {
            resource_id: resource.id,
            from_version: None,
            to_version: Some(versions[0].id),
        }],
    );
    let mut renamed = w.staging().clone();
    renamed.name = slipway_domain::text::Name::parse("Stage").unwrap();
    let writes = vec![
        Write::InsertRelease(made.clone()),
        Write::SaveEnvironments(vec![renamed]),
    ];
    w.commit(s, "release.create", writes).await.unwrap();

    if s.backend() == Backend::Postgres {
        let next = async |stream: &mut futures_util::stream::BoxStream<'static, Notice>| {
            tokio::time::timeout(Duration::from_secs(10), stream.next())
                .await
                .expect("a notification within 10 s")
        };
        assert_eq!(
            next(&mut theirs).await,
            Some(Notice::Release {
                origin: s.instance(),
                project: w.project.id,
                release: made.id(),
                state: ReleaseState::Pending,
            })
        );
        assert_eq!(
            next(&mut theirs).await,
            Some(Notice::Environment {
                origin: s.instance(),
                project: w.project.id,
                environment: w.staging().id,
                deployment: None,
            })
        );
        // Its own listener may hear the commit's serving notice, never its own changes.
        while let Ok(Some(own)) = tokio::time::timeout(Duration::from_millis(300), ours.next()).await {
            assert!(
                !matches!(own, Notice::Release { .. } | Notice::Environment { .. }),
                "{own:?}"
            );
        }
    } else {
        let nothing = tokio::time::timeout(Duration::from_millis(50), theirs.next()).await;
        assert!(nothing.is_err(), "SQLite's stream never yields");
    }
    // A listener holds a connection of its store's pool until it is dropped.
    drop((theirs, ours));
    other.close().await.unwrap();
}

async fn revocations_are_announced(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "revoke").await;
    let dev = s.upsert_user("dev-revoke", Some("Dev"), None, now()).await.unwrap();
    let key = ApiKey {
        id: ApiKeyId::from_uuid(id()),
        project_id: w.project.id,
        name: Name::parse("gateway").unwrap(),
        display_prefix: "slw_cd34".to_owned(),
        environments: vec![w.prod().id],
        created_by: w.user.id,
        created_at: now(),
        revoked_at: None,
        expires_at: None,
        last_used_at: None,
    };
    let mut stream = s.listen().await.unwrap();
    let membership = Membership {
        user_id: dev.id,
        scope: MembershipScope::Project(w.project.id),
        role: Role::Developer,
        source: MembershipSource::Slipway,
        created_at: now(),
    };
    let setup = vec![
        Write::InsertApiKey {
            key: key.clone(),
            hash: "c".repeat(64),
        },
        Write::UpsertMembership(membership.clone()),
    ];
    let membership_again = membership;
    w.commit(s, "setup", setup).await.unwrap();
    let revoke = Write::RevokeApiKey { id: key.id, at: now() };
    w.commit(s, "api_key.revoke", vec![revoke]).await.unwrap();
    let remove = Write::DeleteMembership {
        user: dev.id,
        scope: MembershipScope::Project(w.project.id),
    };
    w.commit(s, "member.remove", vec![remove]).await.unwrap();
    let granted = Membership {
        source: MembershipSource::IdentityProvider,
        ..membership_again
    };
    w.commit(s, "member.add", vec![Write::UpsertMembership(granted)])
        .await
        .unwrap();
    let provider_removal = Write::DeleteProviderMembership {
        user: dev.id,
        project: w.project.id,
    };
    w.commit(s, "member.remove", vec![provider_removal]).await.unwrap();

    if s.backend() == Backend::Postgres {
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(10), stream.next())
                .await
                .expect("a notification within 10 s")
        };
        // Creating a key or a membership announces nothing; each revocation does, in order.
        assert_eq!(
            next().await,
            Some(Notice::KeyRevoked {
                project: w.project.id,
                key: key.id
            })
        );
        // So does the identity provider's removal of a membership it granted.
        for _ in 0..2 {
            assert_eq!(
                next().await,
                Some(Notice::MemberRemoved {
                    project: w.project.id,
                    user: dev.id
                })
            );
        }
    } else {
        let nothing = tokio::time::timeout(Duration::from_millis(50), stream.next()).await;
        assert!(nothing.is_err(), "SQLite's stream never yields");
    }
}

//! Revocations announced to other instances: a revoked API key and a removed member reach
//! [`Store::listen`] on PostgreSQL (SQLite has one instance and announces nothing).

use std::time::Duration;

use futures_util::StreamExt;
use slipway_domain::api_key::ApiKey;
use slipway_domain::organization::{Membership, MembershipScope};
use slipway_domain::text::Name;
use slipway_domain::{ApiKeyId, Role};
use slipway_store::{Backend, Notice, Write};

use crate::contract;
use crate::fixtures::{id, now, world};
use crate::support::TestDb;

contract!(revocations_are_announced);

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
        created_at: now(),
    };
    let setup = vec![
        Write::InsertApiKey {
            key: key.clone(),
            hash: "c".repeat(64),
        },
        Write::UpsertMembership(membership),
    ];
    w.commit(s, "setup", setup).await.unwrap();
    let revoke = Write::RevokeApiKey { id: key.id, at: now() };
    w.commit(s, "api_key.revoke", vec![revoke]).await.unwrap();
    let remove = Write::DeleteMembership {
        user: dev.id,
        scope: MembershipScope::Project(w.project.id),
    };
    w.commit(s, "member.remove", vec![remove]).await.unwrap();

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
        assert_eq!(
            next().await,
            Some(Notice::MemberRemoved {
                project: w.project.id,
                user: dev.id
            })
        );
    } else {
        let nothing = tokio::time::timeout(Duration::from_millis(50), stream.next()).await;
        assert!(nothing.is_err(), "SQLite's stream never yields");
    }
}

//! Resources, versions, credentials and API keys.

use slipway_domain::api_key::ApiKey;
use slipway_domain::resource::{ResourceKind, VersionNumber};
use slipway_domain::text::Name;
use slipway_domain::{ApiKeyId, CredentialId, ResourceId, VersionId};
use slipway_store::{ConflictKind, PageRequest, StoreError, StoredCredential, Write};

use crate::contract;
use crate::fixtures::{World, id, now, prompt, prompt_with_versions, version, world};
use crate::support::TestDb;

contract!(
    resources_and_versions_round_trip,
    versions_page_newest_first,
    credentials_and_api_keys,
    api_key_expiry_and_last_use
);

async fn resources_and_versions_round_trip(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "res").await;
    let (r, vs) = prompt_with_versions(s, &w, "support/triage.v2", 2).await;
    assert_eq!(s.resource(r.id).await.unwrap(), Some(r.clone()));
    assert_eq!(
        s.resource_by_key(w.project.id, ResourceKind::Prompt, "support/triage.v2")
            .await
            .unwrap(),
        Some(r.clone())
    );
    assert!(
        s.resource_by_key(w.project.id, ResourceKind::Provider, "support/triage.v2")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(s.version(vs[0].id).await.unwrap(), Some(vs[0].clone()));
    assert_eq!(s.latest_version(r.id).await.unwrap(), Some(vs[1].clone()));
    assert_eq!(
        s.version_by_number(r.id, VersionNumber::FIRST).await.unwrap(),
        Some(vs[0].clone())
    );
    let mut both = s
        .versions_by_ids(&[vs[1].id, vs[0].id, VersionId::from_uuid(id())])
        .await
        .unwrap();
    both.sort_by_key(|v| v.number);
    assert_eq!(both, vs);
    assert_eq!(
        s.resources_by_ids(&[r.id, ResourceId::from_uuid(id())]).await.unwrap(),
        vec![r.clone()]
    );
    assert!(s.resources_by_ids(&[]).await.unwrap().is_empty());

    let err = w
        .commit(
            s,
            "prompt.create",
            vec![Write::InsertResource(prompt(&w, "support/triage.v2"))],
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Duplicate("resource")));
    // Two concurrent creators of version 3: the second one is told the number is taken.
    let err = w
        .commit(
            s,
            "version.create",
            vec![Write::InsertVersion(version(&w, &r, 2, "again"))],
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(ConflictKind::Taken("version number")));

    let page = s.resources(w.project.id, PageRequest::first(1)).await.unwrap();
    assert_eq!(page.items, vec![r.clone()]);
    assert_eq!(page.next_cursor, None);
}

async fn versions_page_newest_first(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "vpage").await;
    let (r, vs) = prompt_with_versions(s, &w, "a", 5).await;
    for key in ["b", "c"] {
        prompt_with_versions(s, &w, key, 1).await;
    }
    let first = s.versions(r.id, PageRequest::first(2)).await.unwrap();
    assert_eq!(first.items, vec![vs[4].clone(), vs[3].clone()]);
    let second = s
        .versions(r.id, PageRequest::after(2, first.next_cursor.clone().unwrap()))
        .await
        .unwrap();
    assert_eq!(second.items, vec![vs[2].clone(), vs[1].clone()]);
    let third = s
        .versions(r.id, PageRequest::after(2, second.next_cursor.unwrap()))
        .await
        .unwrap();
    assert_eq!(third.items, vec![vs[0].clone()]);
    assert_eq!(third.next_cursor, None);
    assert_eq!(
        s.versions(r.id, PageRequest::after(2, "00ff")).await,
        Err(StoreError::InvalidCursor)
    );

    let resources = s.resources(w.project.id, PageRequest::first(2)).await.unwrap();
    assert_eq!(
        resources.items.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        vec!["a", "b"]
    );
    let rest = s
        .resources(w.project.id, PageRequest::after(2, resources.next_cursor.unwrap()))
        .await
        .unwrap();
    assert_eq!(rest.items.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), vec!["c"]);
}

async fn credentials_and_api_keys(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "keys").await;
    let (r, _) = prompt_with_versions(s, &w, "openai", 1).await;
    let credential = StoredCredential {
        id: CredentialId::from_uuid(id()),
        project_id: w.project.id,
        provider: r.id,
        key_version: 3,
        ciphertext: vec![0, 1, 2, 255],
        created_by: w.user.id,
        created_at: now(),
    };
    w.commit(s, "credential.set", vec![Write::InsertCredential(credential.clone())])
        .await
        .unwrap();
    assert_eq!(s.credential(credential.id).await.unwrap(), Some(credential));

    let key = ApiKey {
        id: ApiKeyId::from_uuid(id()),
        project_id: w.project.id,
        name: Name::parse("gateway").unwrap(),
        display_prefix: "slw_ab12".to_owned(),
        environments: vec![w.prod().id],
        created_by: w.user.id,
        created_at: now(),
        revoked_at: None,
        expires_at: None,
        last_used_at: None,
    };
    let hash = "a".repeat(64);
    w.commit(
        s,
        "api_key.create",
        vec![Write::InsertApiKey {
            key: key.clone(),
            hash: hash.clone(),
        }],
    )
    .await
    .unwrap();
    assert_eq!(s.api_key_by_hash(&hash).await.unwrap(), Some(key.clone()));
    assert_eq!(s.api_key_by_hash("b").await.unwrap(), None);
    let revoked_at = now();
    w.commit(
        s,
        "api_key.revoke",
        vec![Write::RevokeApiKey {
            id: key.id,
            at: revoked_at,
        }],
    )
    .await
    .unwrap();
    let keys = s.api_keys(w.project.id).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].revoked_at, Some(revoked_at));
    assert!(!keys[0].allows(w.project.id, w.prod().id));
    let err = w
        .commit(
            s,
            "api_key.revoke",
            vec![Write::RevokeApiKey {
                id: ApiKeyId::from_uuid(id()),
                at: now(),
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound("api key"));
}

fn gateway_key(w: &World, expires_at: Option<chrono::DateTime<chrono::Utc>>) -> ApiKey {
    ApiKey {
        id: ApiKeyId::from_uuid(id()),
        project_id: w.project.id,
        name: Name::parse("expiring").unwrap(),
        display_prefix: "slw_cd34".to_owned(),
        environments: Vec::new(),
        created_by: w.user.id,
        created_at: now(),
        revoked_at: None,
        expires_at,
        last_used_at: None,
    }
}

async fn api_key_expiry_and_last_use(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "expiry").await;
    let expires_at = now() + chrono::Duration::days(30);
    let expiring = gateway_key(&w, Some(expires_at));
    let forever = gateway_key(&w, None);
    for (key, hash) in [(&expiring, "c".repeat(64)), (&forever, "d".repeat(64))] {
        w.commit(
            s,
            "api_key.create",
            vec![Write::InsertApiKey { key: key.clone(), hash }],
        )
        .await
        .unwrap();
    }
    let stored = s.api_key_by_hash(&"c".repeat(64)).await.unwrap().unwrap();
    assert_eq!(stored.expires_at, Some(expires_at));
    assert_eq!(stored.last_used_at, None);

    let audited = s
        .audit_events(
            w.chain(),
            &slipway_store::AuditFilter::default(),
            PageRequest::first(50),
        )
        .await
        .unwrap()
        .items
        .len();
    let first = now();
    let later = first + chrono::Duration::seconds(90);
    s.record_api_key_uses(&[
        (expiring.id, later),
        (forever.id, first),
        (ApiKeyId::from_uuid(id()), first),
    ])
    .await
    .unwrap();
    // A late, older time (another instance's flush) never rewinds the last use.
    s.record_api_key_uses(&[(expiring.id, first)]).await.unwrap();
    s.record_api_key_uses(&[]).await.unwrap();
    let keys = s.api_keys(w.project.id).await.unwrap();
    let used = |key: &ApiKey| keys.iter().find(|k| k.id == key.id).unwrap().last_used_at;
    assert_eq!(used(&expiring), Some(later));
    assert_eq!(used(&forever), Some(first));
    assert_eq!(keys.iter().find(|k| k.id == forever.id).unwrap().expires_at, None);
    // Recording uses leaves the audit chain alone.
    let events = s
        .audit_events(
            w.chain(),
            &slipway_store::AuditFilter::default(),
            PageRequest::first(50),
        )
        .await
        .unwrap();
    assert_eq!(events.items.len(), audited);
}

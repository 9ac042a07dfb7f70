//! Batching: a list costs the same number of loader batches however long it is.

use std::sync::Arc;

use async_graphql::Request;
use chrono::{TimeZone, Utc};
use serde_json::json;
use slipway_auth::CredentialKeyring;
use slipway_domain::ResourceKind;
use slipway_service::resources::VersionInput;
use slipway_service::{Ctx, ManualClock, Service};
use slipway_store::{ConnectOptions, Store};

use crate::context::RequestState;
use crate::{SchemaOptions, build_schema};

const DASHBOARD: &str = r#"{ project(org: "acme", slug: "chat") {
  releases(first: 50) { edges { node {
    author { subject }
    changes { resource { key } fromVersion { number author { subject } } toVersion { number author { subject } } }
  } } }
} }"#;

/// Publishes `n` versions of each of two prompts to staging, then loads the releases list with
/// changes, versions and authors; returns the (versions, users, resources) batch counts.
async fn batches_for(n: usize) -> (usize, usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let store = Store::connect(
        &url,
        ConnectOptions {
            migrate: true,
            max_connections: Some(4),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let start = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().unwrap();
    let service = Service::new(store, Arc::new(ManualClock::new(start)), CredentialKeyring::generate());
    let user = service.user_for_subject("alice", None, None).await.unwrap();
    let alice = Ctx::user(user, None);
    service.create_organization(&alice, "acme", "Acme").await.unwrap();
    service.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    for key in ["a", "b"] {
        service
            .create_resource(&alice, "acme", "chat", ResourceKind::Prompt, key)
            .await
            .unwrap();
        for i in 0..n {
            let content = json!({"model": "m", "messages": [{"role": "user", "content": format!("{key}{i}")}]});
            let input = VersionInput::new(ResourceKind::Prompt, key, content).to(&["staging"]);
            service.create_version(&alice, "acme", "chat", input).await.unwrap();
        }
    }
    let schema = build_schema(service.clone(), SchemaOptions::default());
    let state = RequestState::new(&service, Some(alice));
    let loaders = Arc::clone(&state.loaders);
    let response = schema.execute(Request::new(DASHBOARD).data(state)).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    assert_eq!(data["project"]["releases"]["edges"].as_array().unwrap().len(), 2 * n);
    (
        loaders.versions.loader().batches.get(),
        loaders.users.loader().batches.get(),
        loaders.resources.loader().batches().get(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_longer_list_costs_no_more_batches() {
    // How requests group into batches depends on scheduling (a loader waits a moment for more
    // keys), so the test bounds the count by a small constant rather than comparing runs: without
    // batching, 24 releases would cost about 24 loads of each kind.
    let small = batches_for(2).await;
    let large = batches_for(12).await;
    for (name, s, l) in [
        ("versions", small.0, large.0),
        ("users", small.1, large.1),
        ("resources", small.2, large.2),
    ] {
        assert!(l <= 6 && s <= 6, "{name}: {s} batches for 4 releases, {l} for 24");
    }
}

//! Slipway down: the last good configuration keeps being served, the client reconnects when the
//! server is back, and a cold start works from a persisted file or a given value.

use std::time::Duration;

use serde_json::Value;
use slipway_client::{Client, Error};

use crate::server::{PATIENCE, Slipway, eventually};

#[tokio::test]
async fn the_last_good_configuration_is_served_while_slipway_is_down_and_follows_again_after_a_restart() {
    let mut slipway = Slipway::start().await;
    let p = slipway.project("outage").await;
    slipway.publish(&p, "greeting", "v1", &["prod"]).await;
    let key = slipway.api_key(&p, &["prod"]).await;
    let client = Client::builder(&slipway.base, &key)
        .environment("prod")
        .reconnect_delays(Duration::from_millis(20), Duration::from_millis(200))
        .revalidate_every(Duration::from_millis(50))
        .build()
        .await
        .unwrap();

    slipway.kill();
    eventually("the client noticing the outage", || {
        client.status(None).unwrap().last_error.is_some()
    })
    .await;
    let prompt = client.get_prompt("greeting", None).unwrap();
    assert_eq!(prompt.version, 1, "the last good configuration is still served");
    assert!(matches!(
        client.status(None).unwrap().last_error,
        Some(Error::Unavailable { .. })
    ));

    slipway.restart().await;
    eventually("the client reconnecting", || client.status(None).unwrap().connected).await;
    let mut changes = client.subscribe();
    slipway.publish(&p, "greeting", "v2", &["prod"]).await;
    tokio::time::timeout(PATIENCE, changes.recv()).await.unwrap().unwrap();
    assert_eq!(client.get_prompt("greeting", None).unwrap().version, 2);
    assert_eq!(client.status(None).unwrap().last_error, None);
}

#[tokio::test]
async fn a_cold_start_without_slipway_uses_the_persisted_last_good_configuration() {
    let mut slipway = Slipway::start().await;
    let p = slipway.project("cold").await;
    slipway.publish(&p, "greeting", "saved", &["prod"]).await;
    let key = slipway.api_key(&p, &["prod"]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slipway-cache.json");
    let first = Client::builder(&slipway.base, &key)
        .environment("prod")
        .persist_to(&file)
        .build()
        .await
        .unwrap();
    assert!(file.exists(), "{:?}", first.persist_error());
    drop(first);
    slipway.kill();

    let cold = Client::builder(&slipway.base, &key)
        .environment("prod")
        .bootstrap_file(&file)
        .wait(Some(Duration::from_millis(300)))
        .build()
        .await
        .unwrap();
    let prompt = cold.get_prompt("greeting", None).unwrap();
    assert_eq!(prompt.content.messages[0].content, "saved");

    // Without the file, the same start fails: nothing to serve.
    let nothing = Client::builder(&slipway.base, &key)
        .environment("prod")
        .wait(Some(Duration::from_millis(300)))
        .build()
        .await;
    assert!(matches!(nothing, Err(Error::Unavailable { .. })), "{nothing:?}");
}

#[tokio::test]
async fn a_cold_start_without_slipway_can_begin_from_a_given_value() {
    let slipway = Slipway::start().await;
    let p = slipway.project("value").await;
    slipway.publish(&p, "greeting", "given", &["prod"]).await;
    let key = slipway.api_key(&p, &["prod"]).await;
    let body: Value = slipway.get("/v1/config?environment=prod", &key).await;
    drop(slipway);

    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder(&base, &key)
        .environment("prod")
        .bootstrap(None, body)
        .wait(Some(Duration::from_millis(200)))
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.get_prompt("greeting", None).unwrap().content.messages[0].content,
        "given"
    );
    assert!(!client.status(None).unwrap().connected);
}

#[tokio::test]
async fn a_key_revoked_while_following_keeps_the_last_good_configuration_and_says_why() {
    let slipway = Slipway::start().await;
    let p = slipway.project("revoke").await;
    slipway.publish(&p, "greeting", "v1", &["prod"]).await;
    let data = slipway
        .gql(
            &p.owner,
            "mutation($o: String!) { createApiKey(org: $o, project: \"shop\", name: \"app\", environments: [\"prod\"]) {
               secret apiKey { id } } }",
            serde_json::json!({ "o": p.org }),
        )
        .await;
    let key = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    let id = data["createApiKey"]["apiKey"]["id"].as_str().unwrap().to_owned();
    let client = Client::builder(&slipway.base, &key)
        .environment("prod")
        .build()
        .await
        .unwrap();
    eventually("the watch stream opening", || client.status(None).unwrap().connected).await;

    slipway
        .gql(
            &p.owner,
            "mutation($o: String!, $id: ID!) { revokeApiKey(org: $o, project: \"shop\", id: $id) { id } }",
            serde_json::json!({ "o": p.org, "id": id }),
        )
        .await;
    eventually("the client hearing of the revocation", || {
        client.status(None).unwrap().last_error == Some(Error::Unauthenticated)
    })
    .await;
    assert_eq!(client.get_prompt("greeting", None).unwrap().version, 1);
}

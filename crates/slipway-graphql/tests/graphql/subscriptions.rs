//! Subscriptions: a subscriber receives its project's release updates, and nothing without
//! access.

use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use serde_json::json;

use crate::harness::{Harness, PUBLISH, prompt};

const SUBSCRIBE: &str = r#"subscription {
  releaseUpdated(org: "acme", project: "chat") { state release { id origin state targetEnvironment { slug } } }
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_receives_release_updates() {
    let h = Harness::start().await;
    let (alice, bob, dave) = h.acme().await;
    h.ok(
        &alice,
        r#"mutation { setPromotionPolicy(org: "acme", project: "chat", environment: "prod", input: { requiredApprovals: 1 }) { slug } }"#,
        json!({}),
    )
    .await;

    let mut stream = h.schema.execute_stream(h.request(Some(&dave), SUBSCRIBE, json!({})));
    // The first poll starts listening (before the subscription's own authorization completes).
    assert!(stream.next().now_or_never().is_none(), "no event yet");

    let promoted = h
        .ok(
            &alice,
            r#"mutation { promote(org: "acme", project: "chat", source: "staging", target: "prod") { id } }"#,
            json!({}),
        )
        .await;
    let id = promoted["promote"]["id"].clone();

    let created = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    let created = serde_json::to_value(&created).unwrap();
    assert!(created.get("errors").is_none(), "{created:#}");
    let update = &created["data"]["releaseUpdated"];
    assert_eq!(update["state"], "PENDING");
    assert_eq!(update["release"]["id"], id);
    assert_eq!(update["release"]["origin"], "PROMOTION");
    assert_eq!(update["release"]["targetEnvironment"]["slug"], "prod");

    h.ok(
        &bob,
        r#"mutation($id: ID!) { approveRelease(id: $id) { state } }"#,
        json!({"id": id}),
    )
    .await;
    let deployed = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    let deployed = serde_json::to_value(&deployed).unwrap();
    assert_eq!(deployed["data"]["releaseUpdated"]["state"], "DEPLOYED", "{deployed:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_subscribe() {
    let h = Harness::start().await;
    h.acme().await;
    let mallory = h.user("mallory").await;
    let mut stream = h.schema.execute_stream(h.request(Some(&mallory), SUBSCRIBE, json!({})));
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    let first = serde_json::to_value(&first).unwrap();
    assert_eq!(first["errors"][0]["extensions"]["code"], "NOT_FOUND", "{first:#}");

    let mut anonymous = h.schema.execute_stream(h.request(None, SUBSCRIBE, json!({})));
    let first = tokio::time::timeout(Duration::from_secs(10), anonymous.next())
        .await
        .unwrap()
        .unwrap();
    let first = serde_json::to_value(&first).unwrap();
    assert_eq!(first["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{first:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_changes_are_filtered_by_environment() {
    let h = Harness::start().await;
    let (alice, _, dave) = h.acme().await;
    let query = r#"subscription {
      environmentChanged(org: "acme", project: "chat", environment: "staging") {
        environment { slug pointers { nodes { version { number } } } }
        deployment { sequence release { origin } }
      }
    }"#;
    let mut stream = h.schema.execute_stream(h.request(Some(&dave), query, json!({})));
    assert!(stream.next().now_or_never().is_none(), "no event yet");

    // A change to prod is not for this subscriber; the publish to staging is.
    h.ok(
        &alice,
        r#"mutation { updateEnvironment(org: "acme", project: "chat", slug: "prod", input: { name: "Live" }) { name } }"#,
        json!({}),
    )
    .await;
    h.ok(&alice, PUBLISH, json!({"content": prompt("v2"), "to": ["staging"]}))
        .await;

    let event = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap();
    let event = serde_json::to_value(&event).unwrap();
    let change = &event["data"]["environmentChanged"];
    assert_eq!(change["environment"]["slug"], "staging", "{event:#}");
    assert_eq!(change["environment"]["pointers"]["nodes"][0]["version"]["number"], 2);
    assert_eq!(change["deployment"]["sequence"], 2);
    assert_eq!(change["deployment"]["release"]["origin"], "PUBLISH");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_ends_when_its_token_expires() {
    let h = Harness::start().await;
    let (_, _, dave) = h.acme().await;
    // Expiry is judged by the service's clock, not the wall clock.
    let soon = slipway_service::Clock::now(&*h.clock) + chrono::Duration::seconds(1);
    let dave = dave.expiring_at(soon);
    let mut stream = h.schema.execute_stream(h.request(Some(&dave), SUBSCRIBE, json!({})));
    assert!(stream.next().now_or_never().is_none(), "not before the expiry");
    h.clock.advance(chrono::Duration::seconds(2));
    let ended = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("the subscription reacts to the expiry")
        .expect("with one last response");
    let ended = serde_json::to_value(&ended).unwrap();
    assert_eq!(ended["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{ended:#}");
    let after = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .unwrap();
    assert!(after.is_none(), "and then it ends");
}

//! Deployments arrive through the watch stream, and reads may pin another followed environment.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use slipway_client::{Client, Error};

use crate::server::{PATIENCE, Slipway};

#[tokio::test]
async fn a_deployment_arrives_through_the_stream_and_is_announced() {
    let slipway = Slipway::start().await;
    let p = slipway.project("stream").await;
    slipway.publish(&p, "greeting", "v1", &["prod"]).await;
    let key = slipway.api_key(&p, &["prod"]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let client = Client::builder(&slipway.base, &key)
        .environment("prod")
        // Revalidation would take an hour: only the stream can bring the change.
        .revalidate_every(Duration::from_secs(3600))
        .on_change(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .await
        .unwrap();
    let before = calls.load(Ordering::SeqCst);
    let mut changes = client.subscribe();
    slipway.publish(&p, "greeting", "v2", &["prod"]).await;
    let change = tokio::time::timeout(PATIENCE, changes.recv()).await.unwrap().unwrap();
    assert_eq!(change.environment.as_deref(), Some("prod"));
    let prompt = client.get_prompt("greeting", None).unwrap();
    assert_eq!((prompt.version, prompt.content.messages[0].content.as_str()), (2, "v2"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        before + 1,
        "the callback saw the change once"
    );
    assert!(client.status(None).unwrap().connected);
}

#[tokio::test]
async fn a_read_may_pin_any_followed_environment() {
    let slipway = Slipway::start().await;
    let p = slipway.project("pin").await;
    slipway.publish(&p, "greeting", "in prod", &["prod"]).await;
    slipway.publish(&p, "greeting", "in staging", &["staging"]).await;
    let key = slipway.api_key(&p, &[]).await;
    let client = Client::builder(&slipway.base, &key)
        .environment("prod")
        .follow("staging")
        .build()
        .await
        .unwrap();
    let text = |env| {
        client.get_prompt("greeting", env).unwrap().content.messages[0]
            .content
            .clone()
    };
    assert_eq!(text(None), "in prod");
    assert_eq!(text(Some("prod")), "in prod");
    assert_eq!(text(Some("staging")), "in staging");
    assert_eq!(
        client.get_prompt("greeting", Some("qa")),
        Err(Error::NotFollowed("qa".into()))
    );
}

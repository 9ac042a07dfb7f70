//! `GET /v1/config/watch`: the current configuration on connect, the new one after each
//! deployment that changes what the environment serves, keep-alives in between.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, ETAG};
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_with};
use crate::sse::{Item, SseReader};

/// A server whose watch streams send keep-alives often.
async fn app_with_fast_keepalive() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = slipway_server::Settings::for_data_dir(dir.path()).unwrap();
    settings.watch_keepalive = Duration::from_millis(200);
    spawn_with(settings, Some(dir)).await
}

/// Opens a watch stream.
pub async fn open(app: &TestApp, bearer: &str, query: &str) -> SseReader {
    let response = app
        .client
        .get(app.url(&format!("/v1/config/watch?{query}")))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    SseReader::new(response)
}

#[tokio::test]
async fn the_watch_stream_sends_the_new_configuration_after_a_promotion() {
    let app = app_with_fast_keepalive().await;
    let f = fixture(&app, "watch-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["staging", "prod"]).await;
    let key = api_key(&app, &f, &["prod"]).await;
    let current = app.get("/v1/config?environment=prod", Some(&key)).await;
    let current_etag = current.headers()[ETAG].to_str().unwrap().to_owned();

    let mut stream = open(&app, &key, "environment=prod").await;
    let (event, id, data) = stream.next_event().await.unwrap();
    assert_eq!(event, "config");
    assert_eq!(id.as_deref(), Some(current_etag.as_str()), "the event id is the ETag");
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["resources"][0]["content"]["messages"][0]["content"], "v1");

    // A change to staging alone does not change what prod serves: no event for it. Then the
    // promotion does, and the next event carries it.
    new_prompt_version(&app, &f, "greeting", "v2", &["staging"]).await;
    app.gql(
        &f.owner,
        "mutation { promote(org: \"watch-org\", project: \"shop\", source: \"staging\", target: \"prod\") { state } }",
        json!({}),
    )
    .await;
    let (event, id, data) = stream.next_event().await.unwrap();
    assert_eq!(event, "config");
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["resources"][0]["content"]["messages"][0]["content"], "v2");
    let now = app.get("/v1/config?environment=prod", Some(&key)).await;
    assert_eq!(id.as_deref(), Some(now.headers()[ETAG].to_str().unwrap()));

    // Keep-alive comments flow while nothing changes.
    match stream.next().await.unwrap() {
        Item::Comment(text) => assert_eq!(text, "keep-alive"),
        Item::Event { event, .. } => panic!("unexpected event {event}"),
    }
}

#[tokio::test]
async fn watching_is_scoped_like_reading() {
    let app = app_with_fast_keepalive().await;
    let f = fixture(&app, "watch-scope", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["staging"]).await;
    let staging_only = api_key(&app, &f, &["staging"]).await;
    let refused = app
        .client
        .get(app.url("/v1/config/watch?environment=prod"))
        .bearer_auth(&staging_only)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let unknown = app
        .client
        .get(app.url("/v1/config/watch?environment=nope"))
        .bearer_auth(&staging_only)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let anonymous = app.client.get(app.url("/v1/config/watch")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn a_watch_stream_ends_when_its_token_expires() {
    let app = app_with_fast_keepalive().await;
    let f = fixture(&app, "expiry-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["staging"]).await;
    // A token of the owner that lives two seconds.
    let short =
        slipway_server::commands::token(&app.settings, "owner-of-expiry-org", None, None, Duration::from_secs(2))
            .unwrap();
    let mut stream = open(&app, &short, "environment=staging&project=expiry-org/shop").await;
    let (event, _, _) = stream.next_event().await.unwrap();
    assert_eq!(event, "config");
    // Keep-alives flow until the token expires; then the stream says why and ends.
    let (event, _, data) = stream.next_event().await.unwrap();
    assert_eq!(event, "error");
    assert!(data.contains("UNAUTHENTICATED"), "{data}");
    assert!(stream.next_event().await.is_none(), "the stream ended");
}

//! `GET /v1/config/watch` for clients that reconnect: a `retry:` hint first, and no resend of a
//! configuration the client names in `Last-Event-ID` as the one it already holds.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use reqwest::header::ETAG;

use crate::helpers::{PATIENCE, TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_with};

/// A server whose watch streams send keep-alives often, so that "nothing was sent" is seen as
/// a keep-alive arriving first.
async fn app_with_fast_keepalive() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = slipway_server::Settings::for_data_dir(dir.path()).unwrap();
    settings.watch_keepalive = Duration::from_millis(200);
    spawn_with(settings, Some(dir)).await
}

/// The raw blocks of an event stream (each block's lines, up to the blank line), so that fields
/// the event parser ignores, such as `retry:`, can be seen.
struct RawBlocks {
    stream: BoxStream<'static, reqwest::Result<axum::body::Bytes>>,
    buffer: String,
}

impl RawBlocks {
    async fn open(app: &TestApp, key: &str, last_event_id: Option<&str>) -> Self {
        let mut request = app
            .client
            .get(app.url("/v1/config/watch?environment=prod"))
            .bearer_auth(key);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        Self {
            stream: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    async fn next(&mut self) -> Vec<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                return block.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect();
            }
            let chunk = tokio::time::timeout(PATIENCE, self.stream.next())
                .await
                .expect("the watch stream said something in time")
                .expect("the stream is still open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

fn field<'a>(block: &'a [String], name: &str) -> Option<&'a str> {
    block
        .iter()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':').map(str::trim))
}

#[tokio::test]
async fn a_reconnecting_client_that_holds_the_current_configuration_is_not_sent_it_again() {
    let app = app_with_fast_keepalive().await;
    let f = fixture(&app, "resume-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["prod"]).await;
    let key = api_key(&app, &f, &["prod"]).await;
    let current = app.get("/v1/config?environment=prod", Some(&key)).await;
    let etag = current.headers()[ETAG].to_str().unwrap().to_owned();

    let mut stream = RawBlocks::open(&app, &key, Some(&etag)).await;
    let first = stream.next().await;
    assert_eq!(
        field(&first, "retry"),
        Some("2000"),
        "a retry hint comes first: {first:?}"
    );
    assert_eq!(
        field(&first, "data"),
        None,
        "the held configuration is not resent: {first:?}"
    );
    let second = stream.next().await;
    assert_eq!(
        second,
        vec![": keep-alive".to_owned()],
        "nothing but keep-alives follows"
    );

    // The next deployment still arrives, with its new id.
    new_prompt_version(&app, &f, "greeting", "v2", &["prod"]).await;
    let next = loop {
        let block = stream.next().await;
        if field(&block, "event").is_some() {
            break block;
        }
    };
    assert_eq!(field(&next, "event"), Some("config"));
    assert_ne!(field(&next, "id"), Some(etag.as_str()));
    assert!(field(&next, "data").unwrap().contains("v2"));
}

#[tokio::test]
async fn a_reconnecting_client_with_an_old_configuration_gets_the_current_one_at_once() {
    let app = app_with_fast_keepalive().await;
    let f = fixture(&app, "stale-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["prod"]).await;
    let key = api_key(&app, &f, &["prod"]).await;
    let old = app.get("/v1/config?environment=prod", Some(&key)).await;
    let old_etag = old.headers()[ETAG].to_str().unwrap().to_owned();
    new_prompt_version(&app, &f, "greeting", "v2", &["prod"]).await;

    for last_event_id in [Some(old_etag.as_str()), Some("\"not-an-etag\""), None] {
        let mut stream = RawBlocks::open(&app, &key, last_event_id).await;
        let first = stream.next().await;
        assert_eq!(field(&first, "retry"), Some("2000"), "{first:?}");
        assert_eq!(field(&first, "event"), Some("config"), "{first:?}");
        assert!(field(&first, "data").unwrap().contains("v2"), "{first:?}");
        assert_ne!(field(&first, "id"), Some(old_etag.as_str()));
    }
}

//! `/metrics` as a Prometheus scraper sees it: the names operators build dashboards on, the
//! bounded GraphQL operation label, the follower's state on each backend, and `/metrics` on a
//! listener of its own (`metrics_addr`) and then only there.

use std::net::SocketAddr;
use std::time::Instant;

use serde_json::json;

use crate::helpers::{
    Db, PATIENCE, TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_app, spawn_app_on, spawn_with,
};
use crate::subscriptions::{connect, init, send};

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.unwrap()
}

/// Scrapes `app` until `line` shows (values read at scrape time or counted in the background),
/// within the suite's patience.
pub async fn scrape_until(app: &TestApp, line: &str) -> String {
    let started = Instant::now();
    loop {
        let text = scrape(app).await;
        if text.contains(line) {
            return text;
        }
        assert!(started.elapsed() < PATIENCE, "no {line:?} in {text}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_exposition_names_every_family_operators_use() {
    let app = spawn_app().await;
    let f = fixture(&app, "acme", "chat").await;
    publish_prompt(&app, &f, "greeting", "Hi", &["staging"]).await;
    let key = api_key(&app, &f, &[]).await;
    assert_eq!(
        app.get("/v1/config?environment=staging", Some(&key)).await.status(),
        200
    );
    let (status, _) = app
        .gql_raw(Some(&f.owner), "query WhoAmI { viewer { user { id } } }", json!({}))
        .await;
    assert_eq!(status, 200);
    let mut socket = connect(&app).await;
    init(&mut socket, json!({ "Authorization": format!("Bearer {}", f.owner) }))
        .await
        .unwrap();
    // Operations sent over the socket are counted by name as POSTs are.
    let read =
        json!({"id": "1", "type": "subscribe", "payload": {"query": "query OverSocket { viewer { user { id } } }"}});
    send(&mut socket, read).await;
    scrape_until(&app, "slipway_graphql_requests_total{operation=\"OverSocket\"} 1\n").await;

    let text = scrape_until(&app, "slipway_websocket_connections 1\n").await;
    for line in [
        "slipway_http_requests_total{route=\"/v1/config\",method=\"GET\",status=\"200\"} 1\n",
        "slipway_http_request_duration_seconds_count{route=\"/v1/config\"} 1\n",
        "slipway_resolutions_total 1\n",
        "slipway_resolution_not_modified_total 0\n",
        "slipway_resolution_cache_hits_total ",
        "slipway_resolution_cache_misses_total ",
        "slipway_watch_streams 0\n",
        "slipway_release_transitions_total{state=\"deployed\"} 1\n",
        "slipway_graphql_requests_total{operation=\"WhoAmI\"} 1\n",
        "slipway_graphql_requests_total{operation=\"(unnamed)\"} ",
        "slipway_follower_state{state=\"off\"} 1\n",
        "slipway_follower_notices_total 0\n",
        "slipway_snapshots 1\n",
        "slipway_snapshot_max_revision ",
        "slipway_snapshot_oldest_age_seconds ",
        "slipway_db_pool_connections ",
        "slipway_db_pool_idle_connections ",
        "slipway_db_pool_max_connections 8\n",
        "slipway_db_pool_acquire_timeouts_total ",
        "slipway_gateway_tokens_total{kind=\"prompt\"} 0\n",
        "slipway_gateway_retries_total 0\n",
        "# TYPE slipway_http_request_duration_seconds histogram\n",
        "# TYPE slipway_follower_lag_seconds histogram\n",
        "slipway_build_info{version=\"0.0.0\",commit=",
    ] {
        assert!(text.contains(line), "no {line:?} in {text}");
    }
    if cfg!(target_os = "linux") {
        for name in [
            "process_resident_memory_bytes ",
            "process_cpu_seconds_total ",
            "process_open_fds ",
        ] {
            assert!(text.contains(name), "no {name:?} in {text}");
        }
    }
    // The open releases are counted in the background, never by the scrape itself.
    scrape_until(&app, "# TYPE slipway_open_releases gauge\n").await;
    drop(socket);
    scrape_until(&app, "slipway_websocket_connections 0\n").await;
    app.finish().await;
}

#[tokio::test]
async fn operation_names_from_clients_cannot_grow_the_label_without_bound() {
    let app = spawn_app().await;
    let owner = app.token("owner");
    for i in 0..230 {
        let query = format!("query Probe{i} {{ viewer {{ user {{ id }} }} }}");
        let (status, _) = app.gql_raw(Some(&owner), &query, json!({})).await;
        assert_eq!(status, 200);
    }
    let (status, _) = app
        .gql_raw(Some(&owner), "query { viewer { user { id } } }", json!({}))
        .await;
    assert_eq!(status, 200);
    let text = scrape(&app).await;
    let named = text
        .lines()
        .filter(|l| l.starts_with("slipway_graphql_requests_total{operation=\"Probe"))
        .count();
    assert_eq!(named, 200, "{text}");
    assert!(
        text.contains("slipway_graphql_requests_total{operation=\"(other)\"} 30\n"),
        "{text}"
    );
    assert!(
        text.contains("slipway_graphql_requests_total{operation=\"(unnamed)\"} 1\n"),
        "{text}"
    );
    app.finish().await;
}

#[tokio::test]
async fn the_follower_listens_on_postgres_and_measures_its_lag() {
    let Some(a) = spawn_app_on(Db::Postgres).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let b = spawn_with(a.settings.clone(), None).await;
    scrape_until(&b, "slipway_follower_state{state=\"listening\"} 1\n").await;
    let f = fixture(&a, "multi", "shop").await;
    publish_prompt(&a, &f, "greeting", "v1", &["prod"]).await;
    let key = api_key(&a, &f, &["prod"]).await;
    // B holds the project's snapshot, so A's next deployment is one B must catch up with.
    assert_eq!(b.get("/v1/config?environment=prod", Some(&key)).await.status(), 200);
    new_prompt_version(&a, &f, "greeting", "v2", &["prod"]).await;
    let started = Instant::now();
    loop {
        let text = scrape(&b).await;
        let lag_count = text
            .lines()
            .find_map(|l| l.strip_prefix("slipway_follower_lag_seconds_count "))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        if lag_count > 0 {
            assert!(!text.contains("slipway_follower_notices_total 0\n"), "{text}");
            break;
        }
        assert!(started.elapsed() < PATIENCE, "no follower lag measured: {text}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    b.stop().await;
    a.finish().await;
}

#[tokio::test]
async fn metrics_on_their_own_address_are_served_there_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = slipway_server::Settings::for_data_dir(dir.path()).unwrap();
    settings.metrics_addr = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    let app = spawn_with(settings, Some(dir)).await;
    let metrics_addr = app.metrics_addr.expect("a metrics listener");
    assert_ne!(metrics_addr, app.addr);

    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), 404, "the API address leaves /metrics out");
    assert_eq!(app.get("/healthz", None).await.status(), 200);

    let response = app
        .client
        .get(format!("http://{metrics_addr}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("slipway_build_info{"), "{text}");
    assert!(
        text.contains("slipway_http_requests_total{route=\"/healthz\""),
        "{text}"
    );
    let other = app
        .client
        .get(format!("http://{metrics_addr}/graphql"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404, "the metrics address serves nothing else");
    app.finish().await;
}

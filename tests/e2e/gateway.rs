//! The gateway endpoints: ETags and 304s, fallback resolution, and API-key scoping.

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

use crate::helpers::{Db, api_key, fixture, new_prompt_version, publish_prompt, spawn_app, spawn_app_on};

#[tokio::test]
async fn etags_change_with_the_answer_and_304_when_current() {
    let app = spawn_app().await;
    let f = fixture(&app, "etag-org", "shop").await;
    publish_prompt(&app, &f, "support/greeting", "Hello!", &["staging"]).await;
    let key = api_key(&app, &f, &[]).await;

    let first = app.get("/v1/config?environment=staging", Some(&key)).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["environment"], "staging");
    assert_eq!(body["resources"][0]["key"], "support/greeting");
    assert_eq!(body["resources"][0]["content"]["messages"][0]["content"], "Hello!");

    let again = app
        .client
        .get(app.url("/v1/config?environment=staging"))
        .bearer_auth(&key)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[ETAG].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    // One resource, with a key containing a slash.
    let one = app
        .get("/v1/config/prompt/support/greeting?environment=staging", Some(&key))
        .await;
    assert_eq!(one.status(), StatusCode::OK);
    let one_etag = one.headers()[ETAG].to_str().unwrap().to_owned();
    let one_body: Value = one.json().await.unwrap();
    assert_eq!(
        (one_body["version"].as_u64(), one_body["fell_back"].as_bool()),
        (Some(1), Some(false))
    );

    new_prompt_version(&app, &f, "support/greeting", "Hello again!", &["staging"]).await;
    let changed = app
        .client
        .get(app.url("/v1/config?environment=staging"))
        .bearer_auth(&key)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK, "a new deployment changes the answer");
    assert_ne!(changed.headers()[ETAG].to_str().unwrap(), etag);
    let one_changed = app
        .client
        .get(app.url("/v1/config/prompt/support/greeting?environment=staging"))
        .bearer_auth(&key)
        .header(IF_NONE_MATCH, &one_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(one_changed.status(), StatusCode::OK);
    let one_changed: Value = one_changed.json().await.unwrap();
    assert_eq!(one_changed["version"], 2);
}

#[tokio::test]
async fn unpointed_resources_fall_back_to_the_gateway_fallback() {
    let app = spawn_app().await;
    let f = fixture(&app, "fallback-org", "shop").await;
    // Published to prod only (the gateway fallback); staging has no pointer.
    publish_prompt(&app, &f, "greeting", "From prod", &["prod"]).await;
    let key = api_key(&app, &f, &[]).await;
    let body: Value = app
        .get("/v1/config/prompt/greeting?environment=staging", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&body["environment"], &body["served_from"], &body["fell_back"]),
        (&json!("staging"), &json!("prod"), &json!(true))
    );
    // No environment named: the gateway fallback itself.
    let body: Value = app.get("/v1/config", Some(&key)).await.json().await.unwrap();
    assert_eq!(body["environment"], "prod");
}

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["error"]["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn api_keys_only_read_their_environments_and_project() {
    let app = spawn_app().await;
    let a = fixture(&app, "scope-a", "shop").await;
    let b = fixture(&app, "scope-b", "shop").await;
    publish_prompt(&app, &a, "greeting", "A", &["staging", "prod"]).await;
    publish_prompt(&app, &b, "greeting", "B", &["staging", "prod"]).await;
    let staging_only = api_key(&app, &a, &["staging"]).await;

    let ok = app.get("/v1/config?environment=staging", Some(&staging_only)).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        error_code(app.get("/v1/config?environment=prod", Some(&staging_only)).await).await,
        (403, "FORBIDDEN".into())
    );
    assert_eq!(
        error_code(
            app.get("/v1/config/prompt/greeting?environment=prod", Some(&staging_only))
                .await
        )
        .await,
        (403, "FORBIDDEN".into())
    );
    // No environment named means the gateway fallback (prod), which this key may not read.
    assert_eq!(
        error_code(app.get("/v1/config", Some(&staging_only)).await).await.0,
        403
    );
    // A key of project A cannot name project B: for it, B does not exist.
    assert_eq!(
        error_code(
            app.get(
                "/v1/config?environment=staging&project=scope-b/shop",
                Some(&staging_only)
            )
            .await
        )
        .await,
        (404, "NOT_FOUND".into())
    );
    // A user of A cannot read B either, and must name the project.
    assert_eq!(
        error_code(
            app.get("/v1/config?environment=staging&project=scope-b/shop", Some(&a.owner))
                .await
        )
        .await,
        (404, "NOT_FOUND".into())
    );
    assert_eq!(
        error_code(app.get("/v1/config?environment=staging", Some(&a.owner)).await).await,
        (400, "VALIDATION".into())
    );
    let mine: Value = app
        .get("/v1/config?environment=staging&project=scope-a/shop", Some(&a.owner))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["resources"][0]["content"]["messages"][0]["content"], "A");
}

#[tokio::test]
async fn revoked_keys_stop_working_at_once() {
    let app = spawn_app().await;
    let f = fixture(&app, "revoke-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "hi", &["staging"]).await;
    let data = app
        .gql(
            &f.owner,
            "mutation { createApiKey(org: \"revoke-org\", project: \"shop\", name: \"gw\") { secret apiKey { id } } }",
            json!({}),
        )
        .await;
    let secret = data["createApiKey"]["secret"].as_str().unwrap().to_owned();
    let id = data["createApiKey"]["apiKey"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get("/v1/config?environment=staging", Some(&secret)).await.status(),
        200
    );
    app.gql(
        &f.owner,
        "mutation($id: ID!) { revokeApiKey(org: \"revoke-org\", project: \"shop\", id: $id) { revokedAt } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        error_code(app.get("/v1/config?environment=staging", Some(&secret)).await).await,
        (401, "UNAUTHENTICATED".into())
    );
}

#[tokio::test]
async fn the_gateway_works_on_postgres() {
    let Some(app) = spawn_app_on(Db::Postgres).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let f = fixture(&app, "pg-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "from postgres", &["prod"]).await;
    let key = api_key(&app, &f, &["prod"]).await;
    let response = app.get("/v1/config/prompt/greeting?environment=prod", Some(&key)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()[ETAG].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/v1/config/prompt/greeting?environment=prod"))
        .bearer_auth(&key)
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    app.finish().await;
}

#[tokio::test]
async fn the_environment_may_be_named_by_a_header_and_the_query_wins() {
    let app = spawn_app().await;
    let f = fixture(&app, "env-header", "shop").await;
    publish_prompt(&app, &f, "greeting", "Hello from staging", &["staging"]).await;
    publish_prompt(&app, &f, "farewell", "Bye from prod", &["prod"]).await;
    let key = api_key(&app, &f, &[]).await;
    let read = |path: &str, header: Option<&str>| {
        let mut request = app.client.get(app.url(path)).bearer_auth(&key);
        if let Some(environment) = header {
            request = request.header("x-slipway-environment", environment);
        }
        request.send()
    };
    let by_header: Value = read("/v1/config", Some("staging")).await.unwrap().json().await.unwrap();
    assert_eq!(by_header["environment"], "staging", "{by_header}");
    let by_query: Value = read("/v1/config?environment=prod", Some("staging"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_query["environment"], "prod", "the query wins: {by_query}");
    let one = read("/v1/config/prompt/greeting", Some("staging")).await.unwrap();
    assert_eq!(one.status(), StatusCode::OK);
    let unknown = read("/v1/config", Some("nowhere")).await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}

/// Reads `path` asking for `encoding`; the answer's status, headers and body as sent.
async fn read_encoded(
    app: &crate::helpers::TestApp,
    path: &str,
    key: &str,
    encoding: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let answer = app
        .client
        .get(app.url(path))
        .bearer_auth(key)
        .header(reqwest::header::ACCEPT_ENCODING, encoding)
        .send()
        .await
        .unwrap();
    let (status, headers) = (answer.status(), answer.headers().clone());
    (status, headers, answer.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn answers_come_compressed_when_accepted_with_the_same_etag() {
    use std::io::Read as _;

    let app = spawn_app().await;
    let f = fixture(&app, "zip-org", "shop").await;
    let long = "a long prompt that compresses well ".repeat(40);
    publish_prompt(&app, &f, "greeting", &long, &["staging"]).await;
    let key = api_key(&app, &f, &[]).await;
    for path in [
        "/v1/config?environment=staging",
        "/v1/config/prompt/greeting?environment=staging",
    ] {
        let (status, plain_headers, plain) = read_encoded(&app, path, &key, "identity").await;
        assert_eq!(status, StatusCode::OK);
        assert!(plain_headers.get("content-encoding").is_none(), "{path}");
        let vary = plain_headers["vary"].to_str().unwrap().to_lowercase();
        assert!(
            vary.contains("accept-encoding") && vary.contains("authorization"),
            "{vary}"
        );

        let (_, headers, gzipped) = read_encoded(&app, path, &key, "gzip").await;
        assert_eq!(headers["content-encoding"], "gzip", "{path}");
        assert_eq!(headers[ETAG], plain_headers[ETAG], "one representation's tag");
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&gzipped[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, plain);
        assert!(gzipped.len() < plain.len() / 3);

        let (_, headers, brotli) = read_encoded(&app, path, &key, "gzip;q=0.5, br").await;
        assert_eq!(headers["content-encoding"], "br", "{path}");
        let mut inflated = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096)
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, plain);

        let etag = plain_headers[ETAG].to_str().unwrap();
        let current = app
            .client
            .get(app.url(path))
            .bearer_auth(&key)
            .header(reqwest::header::ACCEPT_ENCODING, "br")
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(current.status(), StatusCode::NOT_MODIFIED);
        assert!(
            current.headers()["x-request-id"].to_str().is_ok(),
            "the lean stack names the request"
        );
    }
    app.finish().await;
}

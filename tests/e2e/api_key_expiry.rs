//! API keys that expire and remember their last use: an expired key is refused like a revoked
//! one (401 on REST, `UNAUTHENTICATED` on GraphQL); `lastUsedAt` shows at once and survives a
//! restart, though uses are written in batches rather than per request.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{PATIENCE, fixture, spawn_app, spawn_with};

const CREATE: &str = "mutation($org: String!, $project: String!, $expiresAt: DateTime) {
    createApiKey(org: $org, project: $project, name: \"gateway\", expiresAt: $expiresAt) {
      secret apiKey { expiresAt lastUsedAt } } }";
const LIST: &str = "query($org: String!, $project: String!) {
    project(org: $org, slug: $project) { apiKeys { edges { node { prefix expiresAt lastUsedAt } } } } }";

#[tokio::test]
async fn an_expired_api_key_is_refused_and_last_use_is_kept() {
    let app = spawn_app().await;
    let f = fixture(&app, "acme", "chat").await;
    let vars = |expires_at: Value| json!({ "org": f.org, "project": f.project, "expiresAt": expires_at });

    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let code = app.gql_error_code(Some(&f.owner), CREATE, vars(json!(past))).await;
    assert_eq!(code, "VALIDATION");

    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let created = app.gql(&f.owner, CREATE, vars(json!(soon.to_rfc3339()))).await;
    let key = created["createApiKey"]["secret"].as_str().unwrap().to_owned();
    assert!(created["createApiKey"]["apiKey"]["expiresAt"].is_string());
    assert!(created["createApiKey"]["apiKey"]["lastUsedAt"].is_null());
    let forever = app.gql(&f.owner, CREATE, vars(Value::Null)).await;
    let forever = forever["createApiKey"]["secret"].as_str().unwrap().to_owned();

    assert_eq!(app.get("/v1/config", Some(&key)).await.status(), 200);
    let listed = app
        .gql(&f.owner, LIST, json!({ "org": f.org, "project": f.project }))
        .await;
    let used: Vec<&Value> = listed["project"]["apiKeys"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"]["lastUsedAt"])
        .collect();
    assert!(used[0].is_string(), "the use shows at once: {listed}");
    assert!(used[1].is_null(), "the unused key shows none: {listed}");

    // The key's expiry passes while the test waits (it cannot be moved from outside).
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let status = app.get("/v1/config", Some(&key)).await.status().as_u16();
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(tokio::time::Instant::now() < deadline, "the key never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(chrono::Utc::now() >= soon, "refused only once expired");
    let body: Value = app.get("/v1/config", Some(&key)).await.json().await.unwrap();
    assert_eq!(body["error"]["code"], "UNAUTHENTICATED");
    let resolve = "{ resolve(org: \"acme\", project: \"chat\") { __typename } }";
    assert_eq!(
        app.gql_error_code(Some(&key), resolve, json!({})).await,
        "UNAUTHENTICATED"
    );
    assert_eq!(app.get("/v1/config", Some(&forever)).await.status(), 200);

    // The uses are written when the server stops, and read back after a restart.
    let (settings, dir) = app.stop().await;
    let app = spawn_with(settings, dir).await;
    let listed = app
        .gql(&f.owner, LIST, json!({ "org": f.org, "project": f.project }))
        .await;
    let edges = listed["project"]["apiKeys"]["edges"].as_array().unwrap();
    assert!(edges.iter().all(|e| e["node"]["lastUsedAt"].is_string()), "{listed}");
    app.finish().await;
}

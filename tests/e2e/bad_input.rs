//! Bad input gets the right code, as JSON, and never a 500: invalid slugs and names, unknown
//! environments, forbidden actions, malformed bodies, missing or broken credentials.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use serde_json::{Value, json};

use crate::helpers::{api_key, fixture, publish_prompt, spawn_app};

async fn rest_error(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    assert_ne!(status, 500);
    let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
    assert!(content_type.contains("json"), "{content_type}");
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
    (status, body["error"]["code"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn invalid_slugs_and_names_are_validation_errors() {
    let app = spawn_app().await;
    let alice = app.token("alice");
    for slug in ["Not A Slug", "", "-dash", "UPPER"] {
        let code = app
            .gql_error_code(
                Some(&alice),
                "mutation($slug: String!) { createOrganization(slug: $slug, name: \"x\") { slug } }",
                json!({ "slug": slug }),
            )
            .await;
        assert_eq!(code, "VALIDATION", "{slug:?}");
    }
    let f = fixture(&app, "names", "shop").await;
    let long = "n".repeat(65);
    let code = app
        .gql_error_code(
            Some(&f.owner),
            "mutation($name: String!) { createProject(org: \"names\", slug: \"other\", name: $name) { slug } }",
            json!({ "name": long }),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    // 64 characters are fine.
    app.gql(
        &f.owner,
        "mutation($name: String!) { createProject(org: \"names\", slug: \"other\", name: $name) { slug } }",
        json!({ "name": "n".repeat(64) }),
    )
    .await;
}

#[tokio::test]
async fn unknown_environments_are_not_found_never_a_fallback() {
    let app = spawn_app().await;
    let f = fixture(&app, "unknown-env", "shop").await;
    publish_prompt(&app, &f, "greeting", "hi", &["prod"]).await;
    let key = api_key(&app, &f, &[]).await;
    assert_eq!(
        rest_error(app.get("/v1/config?environment=nope", Some(&key)).await).await,
        (404, "NOT_FOUND".into())
    );
    assert_eq!(
        rest_error(app.get("/v1/config/prompt/greeting?environment=nope", Some(&key)).await).await,
        (404, "NOT_FOUND".into())
    );
    assert_eq!(
        rest_error(app.get("/v1/config/prompt/missing?environment=prod", Some(&key)).await).await,
        (404, "NOT_FOUND".into())
    );
    assert_eq!(
        rest_error(app.get("/v1/config/widget/greeting", Some(&key)).await).await,
        (400, "VALIDATION".into())
    );
    let code = app
        .gql_error_code(
            Some(&f.owner),
            "mutation { promote(org: \"unknown-env\", project: \"shop\", source: \"staging\", target: \"nope\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
}

#[tokio::test]
async fn forbidden_actions_are_forbidden_and_strangers_see_nothing() {
    let app = spawn_app().await;
    let f = fixture(&app, "perm", "shop").await;
    app.gql(
        &f.owner,
        "mutation { addMember(org: \"perm\", project: \"shop\", subject: \"vera\", role: VIEWER) { role } }",
        json!({}),
    )
    .await;
    let vera = app.token("vera");
    let create = "mutation { createPrompt(org: \"perm\", project: \"shop\", key: \"greeting\") { key } }";
    assert_eq!(app.gql_error_code(Some(&vera), create, json!({})).await, "FORBIDDEN");
    // Someone who is not a member gets not-found: the project's existence does not leak.
    let mallory = app.token("mallory");
    assert_eq!(app.gql_error_code(Some(&mallory), create, json!({})).await, "NOT_FOUND");
    // API keys are read-only.
    let key = api_key(&app, &f, &[]).await;
    assert_eq!(app.gql_error_code(Some(&key), create, json!({})).await, "FORBIDDEN");
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_a_code() {
    let app = spawn_app().await;
    let alice = app.token("alice");
    for body in [
        "{",
        "[]",
        "[{\"query\": \"{ viewer { id } }\"}]",
        "{\"query\": 5}",
        "null",
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&alice)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let json: Value = response.json().await.unwrap();
        assert_eq!(json["errors"][0]["extensions"]["code"], "VALIDATION", "{body}");
    }
    // A syntax error in the query itself is a GraphQL error, not a 500.
    let (status, body) = app.gql_raw(Some(&alice), "{ viewer {", json!({})).await;
    assert_ne!(status, 500);
    assert!(body["errors"].is_array(), "{body}");
    // An oversized body is refused before it is read whole.
    let huge = format!("{{\"query\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let response = app.client.post(app.url("/graphql")).body(huge).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn missing_and_broken_credentials_are_unauthenticated() {
    let app = spawn_app().await;
    let response = app.get("/v1/config?environment=prod", None).await;
    assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");
    assert_eq!(rest_error(response).await, (401, "UNAUTHENTICATED".into()));
    for bearer in ["not-a-jwt", "slw_not-a-key", "a.b.c"] {
        assert_eq!(
            rest_error(app.get("/v1/config", Some(bearer)).await).await,
            (401, "UNAUTHENTICATED".into()),
            "{bearer}"
        );
    }
    let basic = app
        .client
        .get(app.url("/v1/config"))
        .header("authorization", "Basic YWxpY2U6c2VjcmV0")
        .send()
        .await
        .unwrap();
    assert_eq!(rest_error(basic).await.1, "UNAUTHENTICATED");
    // GraphQL without a token: the operation is refused with UNAUTHENTICATED.
    assert_eq!(
        app.gql_error_code(None, "{ viewer { user { subject } } }", json!({}))
            .await,
        "UNAUTHENTICATED"
    );
    // A token that does not verify is refused at the door.
    let (status, body) = app
        .gql_raw(Some("a.b.c"), "{ viewer { user { subject } } }", json!({}))
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = spawn_app().await;
    assert_eq!(
        rest_error(app.get("/nope", None).await).await,
        (404, "NOT_FOUND".into())
    );
    let delete = app.client.delete(app.url("/v1/config")).send().await.unwrap();
    assert_eq!(rest_error(delete).await, (405, "METHOD_NOT_ALLOWED".into()));
    let health: Value = app.get("/healthz", None).await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), 200);
    // Every response carries a request id.
    assert!(ready.headers().contains_key("x-request-id"));
}

//! Rate limiting through the real server, with small budgets: 429 + `Retry-After` +
//! `RATE_LIMITED` on REST and GraphQL; failed authentication throttled sooner than good; a
//! valid gateway key not throttled at a rate that throttles bad keys; budgets independent per
//! credential; health never limited; a client served again after waiting `Retry-After`.
//! Every request here comes from 127.0.0.1, so every test also shows that the budgets of
//! credentials are not the address's.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::{Value, json};
use slipway_server::Settings;
use slipway_server::rate_limit::{Budget, RateLimitSettings};

use crate::helpers::{TestApp, api_key, fixture, publish_prompt, spawn_with};

/// A browser origin the test servers allow.
const DASHBOARD: &str = "https://dashboard.example";

/// A server whose budgets are the defaults but for `budgets` (`("address", "3/1m")`, …).
pub(crate) async fn spawn_limited(budgets: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path()).unwrap();
    let mut limits = RateLimitSettings::default();
    for (kind, text) in budgets {
        let budget = Budget::parse(text).unwrap();
        match *kind {
            "address" => limits.address = budget,
            "credential" => limits.credential = budget,
            "gateway" => limits.gateway = budget,
            "failed_auth" => limits.failed_auth = budget,
            "mutations" => limits.mutations = budget,
            other => panic!("no budget {other}"),
        }
    }
    settings.rate_limit = limits;
    settings.cors_origins = vec![DASHBOARD.to_owned()];
    spawn_with(settings, Some(dir)).await
}

/// The `Retry-After` of a 429, checked to be whole seconds, at least 1.
fn retry_after(response: &reqwest::Response) -> u64 {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = response.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(seconds >= 1);
    seconds
}

/// Asserts a REST 429 with `Retry-After` and the gateway's error shape; returns the seconds.
async fn assert_rest_throttled(response: reqwest::Response) -> u64 {
    let seconds = retry_after(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMITED", "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    seconds
}

async fn graphql(app: &TestApp, bearer: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = app.client.post(app.url("/graphql")).json(&json!({ "query": query }));
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    request.send().await.unwrap()
}

/// Asserts a GraphQL 429 with `Retry-After` and `extensions.code`; returns the seconds.
async fn assert_graphql_throttled(response: reqwest::Response) -> u64 {
    let seconds = retry_after(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{body}");
    assert!(body.get("data").is_none(), "nothing ran: {body}");
    seconds
}

const TYPENAME: &str = "{ __typename }";
const VIEWER: &str = "{ viewer { user { id } } }";

#[tokio::test]
async fn an_address_over_its_budget_gets_429_on_rest_and_graphql_but_health_still_answers() {
    let app = spawn_limited(&[("address", "4/1m")]).await;
    for _ in 0..4 {
        assert_eq!(graphql(&app, None, TYPENAME).await.status(), StatusCode::OK);
    }
    assert_graphql_throttled(graphql(&app, None, TYPENAME).await).await;
    // A browser on an allowed origin can read the refusal and its Retry-After.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("origin", DASHBOARD)
        .json(&json!({ "query": TYPENAME }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], DASHBOARD);
    let exposed = response.headers()["access-control-expose-headers"].to_str().unwrap();
    assert!(exposed.to_lowercase().contains("retry-after"), "{exposed}");
    assert_graphql_throttled(response).await;
    assert_rest_throttled(app.get("/v1/config", None).await).await;
    assert_rest_throttled(app.get("/no/such/endpoint", None).await).await;
    for path in ["/healthz", "/readyz", "/metrics"] {
        for _ in 0..10 {
            assert_eq!(app.get(path, None).await.status(), StatusCode::OK, "{path}");
        }
    }
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        metrics.contains("slipway_rate_limited_total{budget=\"address\"} 4\n"),
        "{metrics}"
    );
    app.finish().await;
}

#[tokio::test]
async fn failed_authentication_is_throttled_sooner_and_valid_gateway_keys_are_not() {
    let app = spawn_limited(&[("failed_auth", "3/1m"), ("gateway", "1000/1s")]).await;
    let f = fixture(&app, "rl-auth", "shop").await;
    publish_prompt(&app, &f, "greeting", "Hello!", &["prod"]).await;
    let key = api_key(&app, &f, &[]).await;

    // Three random keys are refused as unauthenticated; from then on the address is throttled,
    // for keys and for bad JWTs alike, on REST and GraphQL.
    for i in 0..3 {
        let random = format!("slw_{}", "x".repeat(40 + i));
        let response = app.get("/v1/config", Some(&random)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let random = format!("slw_{}", "y".repeat(43));
    assert_rest_throttled(app.get("/v1/config", Some(&random)).await).await;
    assert_rest_throttled(app.get("/v1/config", Some("not.a.jwt")).await).await;
    assert_graphql_throttled(graphql(&app, Some("not.a.jwt"), VIEWER).await).await;

    // Meanwhile, from the same address, the valid key reads at a far higher rate, and the
    // owner's valid JWT is served.
    let reads = (0..200).map(|_| app.get("/v1/config?environment=prod", Some(&key)));
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = graphql(&app, Some(&f.owner), VIEWER).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn each_credential_has_its_own_budget() {
    let app = spawn_limited(&[("credential", "8/1m"), ("gateway", "10/1m")]).await;
    // Signed-in users: one's flood does not touch the other's budget.
    let (alice, bob) = (app.token("rl-alice"), app.token("rl-bob"));
    for _ in 0..8 {
        assert_eq!(graphql(&app, Some(&alice), VIEWER).await.status(), StatusCode::OK);
    }
    assert_graphql_throttled(graphql(&app, Some(&alice), VIEWER).await).await;
    // A new token for the same subject is the same credential: no fresh budget.
    let alice_again =
        slipway_server::commands::token(&app.settings, "rl-alice", None, None, Duration::from_secs(7200)).unwrap();
    assert_ne!(alice, alice_again);
    assert_graphql_throttled(graphql(&app, Some(&alice_again), VIEWER).await).await;
    assert_eq!(graphql(&app, Some(&bob), VIEWER).await.status(), StatusCode::OK);

    // API keys: the same, on the gateway endpoints.
    let first = fixture(&app, "rl-one", "shop").await;
    publish_prompt(&app, &first, "greeting", "One", &["prod"]).await;
    let first_key = api_key(&app, &first, &[]).await;
    let second = fixture(&app, "rl-two", "shop").await;
    publish_prompt(&app, &second, "greeting", "Two", &["prod"]).await;
    let second_key = api_key(&app, &second, &[]).await;
    for _ in 0..10 {
        let response = app.get("/v1/config/prompt/greeting", Some(&first_key)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_rest_throttled(app.get("/v1/config/prompt/greeting", Some(&first_key)).await).await;
    let response = app.get("/v1/config/prompt/greeting", Some(&second_key)).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn mutations_have_a_stricter_budget_than_queries() {
    let app = spawn_limited(&[("mutations", "2/1m")]).await;
    let carol = app.token("rl-carol");
    let create =
        |slug: &str| format!("mutation {{ createOrganization(slug: \"{slug}\", name: \"{slug}\") {{ slug }} }}");
    for slug in ["rl-m1", "rl-m2"] {
        let response = graphql(&app, Some(&carol), &create(slug)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_graphql_throttled(graphql(&app, Some(&carol), &create("rl-m3")).await).await;
    // The refused mutation did not run; queries by the same user still do.
    let code = app
        .gql_error_code(Some(&carol), "{ organization(slug: \"rl-m3\") { slug } }", json!({}))
        .await;
    assert_eq!(code, "NOT_FOUND", "the refused mutation did not run");
    assert_eq!(graphql(&app, Some(&carol), VIEWER).await.status(), StatusCode::OK);
    // Another user has mutations left.
    let dave = app.token("rl-dave");
    let response = graphql(&app, Some(&dave), &create("rl-d1")).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn after_retry_after_the_client_is_served_again() {
    let app = spawn_limited(&[("address", "2/1s"), ("failed_auth", "1/1s")]).await;
    for _ in 0..2 {
        assert_eq!(graphql(&app, None, TYPENAME).await.status(), StatusCode::OK);
    }
    let wait = assert_graphql_throttled(graphql(&app, None, TYPENAME).await).await;
    assert_eq!(wait, 1, "one request refills every half second");
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(graphql(&app, None, TYPENAME).await.status(), StatusCode::OK);

    let bad = format!("slw_{}", "z".repeat(43));
    assert_eq!(
        app.get("/v1/config", Some(&bad)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let wait = assert_rest_throttled(app.get("/v1/config", Some(&bad)).await).await;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(
        app.get("/v1/config", Some(&bad)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

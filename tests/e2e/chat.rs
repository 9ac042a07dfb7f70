//! The gateway's data plane end to end: `POST /v1/prompts/{key}/chat` and
//! `POST /v1/chat/completions` against fake upstreams on loopback, on SQLite and PostgreSQL:
//! promotions and fallback-role changes take effect on the next call, failures retry and fall
//! back (and the headers say so), a caller's 400 is not retried, streams arrive chunk by chunk
//! and a client leaving reaches the upstream, key scopes hold, and no credential ever appears in
//! an answer, a header or a metric.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use crate::fake_upstream::{Behavior, Fake, Shape, UPSTREAM_PRIVATE};
use crate::helpers::{Db, Fixture, PATIENCE, TestApp, api_key, fixture, spawn_app_on, spawn_app_with};

const SECRET: &str = "sk-test-NEVER-SHOWN-4242";

/// Runs a scenario on SQLite, and on PostgreSQL when it is configured.
macro_rules! on_both {
    ($scenario:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $scenario(Db::Sqlite).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            $scenario(Db::Postgres).await;
        }
    };
}

async fn gql(app: &TestApp, f: &Fixture, query: &str, mut variables: Value) -> Value {
    variables["org"] = json!(f.org);
    variables["project"] = json!(f.project);
    app.gql(&f.owner, query, variables).await
}

/// Creates provider `key` (with a credential) and publishes an activation to `to`.
async fn provider(app: &TestApp, f: &Fixture, key: &str, kind: &str, base_url: &str, models: &[&str], to: &[&str]) {
    gql(
        app,
        f,
        "mutation($org: String!, $project: String!, $key: String!) { createProvider(org: $org, project: $project, key: $key) { key } }",
        json!({"key": key}),
    )
    .await;
    let credential = gql(
        app,
        f,
        "mutation($org: String!, $project: String!, $key: String!, $secret: String!) {
           setProviderCredential(org: $org, project: $project, provider: $key, secret: $secret) { id } }",
        json!({"key": key, "secret": SECRET}),
    )
    .await["setProviderCredential"]["id"]
        .clone();
    let content = json!({"provider_kind": kind, "base_url": base_url, "models": models, "credential": credential});
    gql(
        app,
        f,
        "mutation($org: String!, $project: String!, $key: String!, $content: JSON!, $to: [String!]) {
           createProviderActivation(org: $org, project: $project, key: $key, content: $content, publishTo: $to) { version { number } } }",
        json!({"key": key, "content": content, "to": to}),
    )
    .await;
}

/// Publishes a release of routing rule `key` to `to` (creating the rule on first use).
async fn rule(app: &TestApp, f: &Fixture, key: &str, content: Value, to: &[&str], create: bool) {
    if create {
        gql(
            app,
            f,
            "mutation($org: String!, $project: String!, $key: String!) { createRoutingRule(org: $org, project: $project, key: $key) { key } }",
            json!({"key": key}),
        )
        .await;
    }
    gql(
        app,
        f,
        "mutation($org: String!, $project: String!, $key: String!, $content: JSON!, $to: [String!]) {
           createRoutingRuleRelease(org: $org, project: $project, key: $key, content: $content, publishTo: $to) { version { number } } }",
        json!({"key": key, "content": content, "to": to}),
    )
    .await;
}

/// Publishes a version of prompt `key` (system message `text`, one variable `name`) to `to`.
async fn prompt(app: &TestApp, f: &Fixture, key: &str, text: &str, routing_rule: &str, to: &[&str], create: bool) {
    if create {
        gql(
            app,
            f,
            "mutation($org: String!, $project: String!, $key: String!) { createPrompt(org: $org, project: $project, key: $key) { key } }",
            json!({"key": key}),
        )
        .await;
    }
    let content = json!({"model": "gpt-test", "messages": [{"role": "system", "content": text}],
                         "variables": ["name"], "routing_rule": routing_rule});
    gql(
        app,
        f,
        "mutation($org: String!, $project: String!, $key: String!, $content: JSON!, $to: [String!]) {
           createPromptVersion(org: $org, project: $project, key: $key, content: $content, publishTo: $to) { version { number } } }",
        json!({"key": key, "content": content, "to": to}),
    )
    .await;
}

fn route(targets: &[&str], fallbacks: &[&str], timeout_ms: u32, retries: u8) -> Value {
    let list = |keys: &[&str]| -> Vec<Value> {
        keys.iter()
            .map(|k| json!({"provider": k, "model": "gpt-test"}))
            .collect()
    };
    json!({"routes": [{"name": "main", "targets": list(targets), "fallbacks": list(fallbacks),
                       "timeout_ms": timeout_ms, "retries": retries}]})
}

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header(AUTHORIZATION, format!("Bearer {key}"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Status, headers and body text, with the assertion that nothing private leaked into them.
async fn read(response: reqwest::Response) -> (u16, reqwest::header::HeaderMap, String) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    for (name, value) in &headers {
        assert!(
            !value.to_str().unwrap_or_default().contains(SECRET),
            "credential in header {name}"
        );
    }
    assert!(!text.contains(SECRET), "credential in body: {text}");
    assert!(!text.contains(UPSTREAM_PRIVATE), "upstream body leaked: {text}");
    (status, headers, text)
}

fn content(text: &str) -> String {
    let body: Value = serde_json::from_str(text).unwrap();
    body["choices"][0]["message"]["content"].as_str().unwrap().to_owned()
}

async fn deployed_prompts_follow_promotions_and_the_fallback_role(db: Db) {
    let Some(app) = spawn_app_on(db).await else { return };
    let f = fixture(&app, "chat-org", "shop").await;
    let openai = Fake::start("openai", Shape::Openai).await;
    provider(
        &app,
        &f,
        "openai",
        "openai",
        &format!("{}/v1", openai.base),
        &["gpt-test"],
        &["staging", "prod"],
    )
    .await;
    rule(
        &app,
        &f,
        "chat-rule",
        route(&["openai"], &[], 5_000, 0),
        &["staging", "prod"],
        true,
    )
    .await;
    prompt(
        &app,
        &f,
        "greet",
        "v1 greets {{name}}",
        "chat-rule",
        &["staging", "prod"],
        true,
    )
    .await;
    prompt(
        &app,
        &f,
        "greet",
        "v2 greets {{name}}",
        "chat-rule",
        &["staging"],
        false,
    )
    .await;
    let key = api_key(&app, &f, &[]).await;
    let chat = |env: &str| format!("/v1/prompts/greet/chat?environment={env}");
    let ask = json!({"inputs": {"name": "Ada"}, "messages": [{"role": "user", "content": "hello"}]});

    let (status, headers, text) = read(post(&app, &chat("staging"), &key, ask.clone()).await).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(content(&text), "openai: v2 greets Ada");
    assert_eq!(headers["x-slipway-environment"], "staging");
    assert_eq!(headers["x-slipway-prompt-version"], "greet@2");
    assert_eq!(headers["x-slipway-routing-rule"], "chat-rule@1");
    assert_eq!(headers["x-slipway-route"], "main");
    assert_eq!(headers["x-slipway-provider"], "openai");
    assert_eq!(headers["x-slipway-model"], "gpt-test");
    assert_eq!(headers["x-slipway-attempts"], "1");
    // The upstream got the credential, the rendered prompt and the caller's message.
    let seen = openai.seen().pop().unwrap();
    assert_eq!(seen.headers["authorization"], format!("Bearer {SECRET}"));
    assert_eq!(seen.body["messages"][1], json!({"role": "user", "content": "hello"}));

    let (_, headers, text) = read(post(&app, &chat("prod"), &key, ask.clone()).await).await;
    assert_eq!(
        (content(&text).as_str(), &headers["x-slipway-prompt-version"]),
        ("openai: v1 greets Ada", &"greet@1".parse().unwrap())
    );
    gql(
        &app,
        &f,
        "mutation($org: String!, $project: String!) { promote(org: $org, project: $project, source: \"staging\", target: \"prod\") { state } }",
        json!({}),
    )
    .await;
    let (_, _, text) = read(post(&app, &chat("prod"), &key, ask.clone()).await).await;
    assert_eq!(
        content(&text),
        "openai: v2 greets Ada",
        "the promotion changes the very next call"
    );

    // Without an environment the gateway fallback serves; moving the role moves the next call.
    prompt(
        &app,
        &f,
        "greet",
        "v3 greets {{name}}",
        "chat-rule",
        &["staging"],
        false,
    )
    .await;
    let (_, headers, text) = read(post(&app, "/v1/prompts/greet/chat", &key, ask.clone()).await).await;
    assert_eq!(
        (
            content(&text).as_str(),
            headers["x-slipway-environment"].to_str().unwrap()
        ),
        ("openai: v2 greets Ada", "prod")
    );
    gql(
        &app,
        &f,
        "mutation($org: String!, $project: String!) { setEnvironmentRoles(org: $org, project: $project, input: { gatewayFallback: \"staging\" }) { slug } }",
        json!({}),
    )
    .await;
    let response = app
        .client
        .post(app.url("/v1/prompts/greet/chat"))
        .header(AUTHORIZATION, format!("Bearer {key}"))
        .json(&ask)
        .send()
        .await
        .unwrap();
    let (_, headers, text) = read(response).await;
    assert_eq!(
        (
            content(&text).as_str(),
            headers["x-slipway-environment"].to_str().unwrap()
        ),
        ("openai: v3 greets Ada", "staging")
    );
    // The environment may also be named by a header.
    let response = app
        .client
        .post(app.url("/v1/prompts/greet/chat"))
        .header(AUTHORIZATION, format!("Bearer {key}"))
        .header("x-slipway-environment", "prod")
        .json(&ask)
        .send()
        .await
        .unwrap();
    assert_eq!(content(&read(response).await.2), "openai: v2 greets Ada");

    // Inputs are checked against the declared variables, by name.
    for (inputs, field) in [
        (json!({}), "inputs.name"),
        (json!({"name": "x", "tone": "y"}), "inputs.tone"),
    ] {
        let (status, _, text) = read(post(&app, &chat("prod"), &key, json!({"inputs": inputs})).await).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (status, body["error"]["code"].as_str().unwrap()),
            (400, "VALIDATION"),
            "{text}"
        );
        assert_eq!(body["error"]["field"], field, "{text}");
    }

    // The OpenAI-compatible endpoint: a routing rule by key, or provider/model directly.
    let completion = json!({"model": "chat-rule", "messages": [{"role": "user", "content": "hi there"}]});
    let (status, headers, text) =
        read(post(&app, "/v1/chat/completions?environment=prod", &key, completion).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "openai: hi there"), "{text}");
    assert_eq!(headers["x-slipway-routing-rule"], "chat-rule@1");
    let direct = json!({"model": "openai/gpt-test", "messages": [{"role": "user", "content": "direct"}]});
    let (status, headers, text) = read(post(&app, "/v1/chat/completions", &key, direct).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "openai: direct"), "{text}");
    assert!(headers.get("x-slipway-route").is_none());
    let unknown = json!({"model": "nothing", "messages": [{"role": "user", "content": "x"}]});
    assert_eq!(post(&app, "/v1/chat/completions", &key, unknown).await.status(), 404);

    // A prod-scoped key cannot call staging.
    let prod_key = api_key(&app, &f, &["prod"]).await;
    assert_eq!(post(&app, &chat("staging"), &prod_key, ask.clone()).await.status(), 403);
    assert_eq!(post(&app, &chat("prod"), &prod_key, ask).await.status(), 200);

    // No credential in the metrics either; the calls are counted there.
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(!metrics.contains(SECRET));
    assert!(
        metrics.contains(
            "slipway_gateway_calls_total{environment=\"prod\",route=\"main\",target=\"openai/gpt-test\",outcome=\"ok\"}"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("slipway_gateway_tokens_total{kind=\"completion\"}"),
        "{metrics}"
    );
    app.finish().await;
}
on_both!(
    deployed_prompts_follow_promotions_and_the_fallback_role,
    chat_deployed_follows_promotions_and_the_fallback_role,
    chat_deployed_follows_promotions_and_the_fallback_role_on_postgres
);

/// A project with providers `primary` and `backup` on two fakes, a rule through `route`, and
/// prompt `greet` using it, all in prod; returns the app, both fakes and an API key.
async fn failover_setup(db: Db, route_content: Value) -> Option<(TestApp, Fake, Fake, String)> {
    failover_setup_on(spawn_app_on(db).await?, route_content).await
}

/// [`failover_setup`] on a server already started.
async fn failover_setup_on(app: TestApp, route_content: Value) -> Option<(TestApp, Fake, Fake, String)> {
    let f = fixture(&app, "fail-org", "shop").await;
    let primary = Fake::start("primary", Shape::Openai).await;
    let backup = Fake::start("backup", Shape::Openai).await;
    provider(
        &app,
        &f,
        "primary",
        "openai",
        &format!("{}/v1", primary.base),
        &["gpt-test"],
        &["prod"],
    )
    .await;
    provider(
        &app,
        &f,
        "backup",
        "openai_compatible",
        &format!("{}/v1", backup.base),
        &["gpt-test"],
        &["prod"],
    )
    .await;
    rule(&app, &f, "chat-rule", route_content, &["prod"], true).await;
    prompt(&app, &f, "greet", "hello {{name}}", "chat-rule", &["prod"], true).await;
    let key = api_key(&app, &f, &[]).await;
    Some((app, primary, backup, key))
}

const GREET: &str = "/v1/prompts/greet/chat?environment=prod";

async fn failing_targets_retry_then_fall_back(db: Db) {
    let Some((app, primary, backup, key)) = failover_setup(db, route(&["primary"], &["backup"], 5_000, 1)).await else {
        return;
    };
    let ask = json!({"inputs": {"name": "Ada"}});
    // 500 then 429: both retryable, so the primary's retry is used before the fallback.
    primary.then(vec![Behavior::Status(500), Behavior::Status(429)]);
    let (status, headers, text) = read(post(&app, GREET, &key, ask.clone()).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "backup: hello Ada"), "{text}");
    assert_eq!(headers["x-slipway-provider"], "backup");
    assert_eq!(headers["x-slipway-target-fallback"], "true");
    assert_eq!(headers["x-slipway-attempts"], "3");
    assert_eq!(primary.seen().len(), 2);

    // Everything failing: 502 listing each attempt, nothing of the upstreams' bodies.
    primary.always(Behavior::Status(503));
    backup.always(Behavior::Status(500));
    let (status, _, text) = read(post(&app, GREET, &key, ask.clone()).await).await;
    assert_eq!(status, 502, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["code"], "UPSTREAM_FAILED");
    let attempts: Vec<(String, u64)> = body["error"]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["provider"].as_str().unwrap().to_owned(),
                a["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        vec![
            ("primary".into(), 503),
            ("primary".into(), 503),
            ("backup".into(), 500),
            ("backup".into(), 500)
        ]
    );

    // A caller's 400 is answered at once: no retry, no fallback.
    primary.always(Behavior::Status(400));
    backup.always(Behavior::Answer);
    let before = (primary.seen().len(), backup.seen().len());
    let (status, headers, text) = read(post(&app, GREET, &key, ask).await).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("UPSTREAM_REJECTED"), "{text}");
    assert_eq!(headers["x-slipway-attempts"], "1");
    assert_eq!((primary.seen().len(), backup.seen().len()), (before.0 + 1, before.1));
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    assert!(metrics.contains("outcome=\"failed\"} 1"), "{metrics}");
    assert!(!metrics.contains(SECRET));
    app.finish().await;
}
on_both!(
    failing_targets_retry_then_fall_back,
    a_failing_primary_retries_then_falls_back_and_a_caller_400_is_not_retried,
    a_failing_primary_retries_then_falls_back_and_a_caller_400_is_not_retried_on_postgres
);

async fn timeouts_retry_then_fall_back(db: Db) {
    let Some((app, primary, _backup, key)) = failover_setup(db, route(&["primary"], &["backup"], 1_000, 1)).await
    else {
        return;
    };
    primary.always(Behavior::Stall);
    let (status, headers, text) = read(post(&app, GREET, &key, json!({"inputs": {"name": "Bo"}})).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "backup: hello Bo"), "{text}");
    assert_eq!(headers["x-slipway-attempts"], "3");
    assert_eq!(primary.seen().len(), 2, "the stalled target was retried once");
    app.finish().await;
}
on_both!(
    timeouts_retry_then_fall_back,
    a_timeout_retries_then_falls_back,
    a_timeout_retries_then_falls_back_on_postgres
);

/// A chat call has a budget of its own: retries and fallbacks may outlast the request timeout of
/// other routes, and the chat timeout ends a call that outlasts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_calls_take_their_own_time_budget() {
    let short_requests = |s: &mut slipway_server::Settings| s.request_timeout = Duration::from_millis(500);
    let app = spawn_app_with(Db::Sqlite, short_requests).await.unwrap();
    let (app, primary, _backup, key) = failover_setup_on(app, route(&["primary"], &["backup"], 700, 1))
        .await
        .unwrap();
    primary.always(Behavior::Stall);
    let started = Instant::now();
    let (status, headers, text) = read(post(&app, GREET, &key, json!({"inputs": {"name": "Cy"}})).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "backup: hello Cy"), "{text}");
    assert_eq!(headers["x-slipway-attempts"], "3");
    assert!(
        started.elapsed() >= Duration::from_millis(1_400),
        "both stalled attempts ran out"
    );
    // Other routes keep the short budget: a GraphQL read still answers well inside it.
    let (status, _) = app.gql_raw(None, "{ __typename }", json!({})).await;
    assert_eq!(status, 200);
    app.finish().await;

    let short_chats = |s: &mut slipway_server::Settings| s.chat_timeout = Duration::from_millis(1_000);
    let app = spawn_app_with(Db::Sqlite, short_chats).await.unwrap();
    let (app, primary, backup, key) = failover_setup_on(app, route(&["primary"], &["backup"], 700, 1))
        .await
        .unwrap();
    primary.always(Behavior::Stall);
    let (status, _, text) = read(post(&app, GREET, &key, json!({"inputs": {"name": "Di"}})).await).await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("UNAVAILABLE"), "{text}");
    assert!(backup.seen().is_empty(), "the call ended before its fallback");
    app.finish().await;
}

async fn streams_arrive_chunk_by_chunk(db: Db) {
    let Some((app, primary, _backup, key)) = failover_setup(db, route(&["primary"], &["backup"], 5_000, 0)).await
    else {
        return;
    };
    primary.always(Behavior::SlowStream {
        pieces: 50,
        gap: Duration::from_millis(100),
    });
    let response = post(&app, GREET, &key, json!({"inputs": {"name": "Cy"}, "stream": true})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "text/event-stream");
    assert_eq!(header(&response, "x-slipway-provider"), "primary");
    let mut body = response.bytes_stream();
    let first = tokio::time::timeout(PATIENCE, body.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let first = String::from_utf8(first.to_vec()).unwrap();
    assert!(first.starts_with("data: {"), "{first}");
    assert!(first.contains("w0"), "{first}");
    assert!(
        primary.pieces_sent() < 50,
        "the first chunk arrived before the upstream finished"
    );
    // The client leaves: the upstream's stream is dropped too.
    drop(body);
    tokio::time::timeout(PATIENCE, async {
        while primary.abandoned() == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the client's disconnect reaches the upstream");
    app.finish().await;
}

async fn started_streams_are_never_switched(db: Db) {
    let Some((app, primary, backup, key)) = failover_setup(db, route(&["primary"], &["backup"], 1_000, 1)).await else {
        return;
    };
    // One event, then silence past the route's timeout.
    primary.always(Behavior::SlowStream {
        pieces: 3,
        gap: Duration::from_secs(5),
    });
    let (status, _, text) =
        read(post(&app, GREET, &key, json!({"inputs": {"name": "Ed"}, "stream": true})).await).await;
    assert_eq!(status, 200);
    assert!(text.contains("w0"), "{text}");
    assert!(text.contains("UPSTREAM_STREAM_FAILED"), "{text}");
    assert!(
        !text.contains("[DONE]"),
        "a broken stream does not claim to be complete: {text}"
    );
    assert_eq!(
        (primary.seen().len(), backup.seen().len()),
        (1, 0),
        "no retry, no fallback once streaming"
    );

    // Request bodies are limited like every other endpoint's.
    let huge = json!({"inputs": {"name": "x".repeat(2 * 1024 * 1024)}});
    let response = post(&app, GREET, &key, huge).await;
    assert_eq!(response.status(), 413);
    app.finish().await;
}
on_both!(
    started_streams_are_never_switched,
    a_started_stream_is_never_switched_to_another_target,
    a_started_stream_is_never_switched_to_another_target_on_postgres
);
on_both!(
    streams_arrive_chunk_by_chunk,
    a_stream_arrives_chunk_by_chunk_and_a_disconnect_reaches_the_upstream,
    a_stream_arrives_chunk_by_chunk_and_a_disconnect_reaches_the_upstream_on_postgres
);

async fn other_provider_shapes_are_translated(db: Db) {
    let Some(app) = spawn_app_on(db).await else { return };
    let f = fixture(&app, "shape-org", "shop").await;
    let anthropic = Fake::start("claude", Shape::Anthropic).await;
    let azure = Fake::start("azure", Shape::Openai).await;
    provider(
        &app,
        &f,
        "anthropic",
        "anthropic",
        &anthropic.base,
        &["claude-test"],
        &["prod"],
    )
    .await;
    provider(
        &app,
        &f,
        "azure",
        "azure_openai",
        &azure.base,
        &["gpt4o-deploy"],
        &["prod"],
    )
    .await;
    let key = api_key(&app, &f, &[]).await;
    let ask = |model: &str, stream: bool| {
        json!({"model": model, "stream": stream, "max_tokens": 50,
               "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]})
    };
    let (status, _, text) =
        read(post(&app, "/v1/chat/completions", &key, ask("anthropic/claude-test", false)).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "claude: be brief"), "{text}");
    let seen = anthropic.seen().pop().unwrap();
    assert_eq!(seen.uri, "/v1/messages");
    assert_eq!(seen.headers["x-api-key"], SECRET);
    assert_eq!(seen.headers["anthropic-version"], "2023-06-01");
    assert_eq!(seen.body["system"], "be brief");
    assert_eq!(seen.body["messages"], json!([{"role": "user", "content": "hi"}]));

    // Anthropic's stream events come out as OpenAI chunks ending in [DONE].
    let (status, _, text) =
        read(post(&app, "/v1/chat/completions", &key, ask("anthropic/claude-test", true)).await).await;
    assert_eq!(status, 200);
    let events: Vec<&str> = text.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert_eq!(events.last(), Some(&"data: [DONE]"));
    let streamed: String = events
        .iter()
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str::<Value>(d).unwrap())
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(streamed, "claude: be brief");
    assert!(text.contains("\"object\":\"chat.completion.chunk\""), "{text}");

    let (status, _, text) =
        read(post(&app, "/v1/chat/completions", &key, ask("azure/gpt4o-deploy", false)).await).await;
    assert_eq!((status, content(&text).as_str()), (200, "azure: be brief"), "{text}");
    let seen = azure.seen().pop().unwrap();
    assert_eq!(
        seen.uri,
        "/openai/deployments/gpt4o-deploy/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(seen.headers["api-key"], SECRET);
    assert!(seen.headers.get("authorization").is_none());

    // Kinds without an adapter are refused when the activation is created.
    gql(
        &app,
        &f,
        "mutation($org: String!, $project: String!) { createProvider(org: $org, project: $project, key: \"gemini\") { key } }",
        json!({}),
    )
    .await;
    let code = app
        .gql_error_code(
            Some(&f.owner),
            "mutation($org: String!, $project: String!, $content: JSON!) {
               createProviderActivation(org: $org, project: $project, key: \"gemini\", content: $content) { version { number } } }",
            json!({"org": f.org, "project": f.project,
                   "content": {"provider_kind": "google", "base_url": "https://example.com", "models": ["g"]}}),
        )
        .await;
    assert_eq!(code, "VALIDATION");
    // A prompt may name only a routing rule that exists.
    gql(
        &app,
        &f,
        "mutation($org: String!, $project: String!) { createPrompt(org: $org, project: $project, key: \"p\") { key } }",
        json!({}),
    )
    .await;
    let (_, body) = app
        .gql_raw(
            Some(&f.owner),
            "mutation($org: String!, $project: String!, $content: JSON!) {
               createPromptVersion(org: $org, project: $project, key: \"p\", content: $content) { version { number } } }",
            json!({"org": f.org, "project": f.project,
                   "content": {"model": "m", "messages": [{"role": "user", "content": "x"}], "routing_rule": "missing"}}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("routing rule 'missing'"),
        "{body}"
    );
    app.finish().await;
}
on_both!(
    other_provider_shapes_are_translated,
    anthropic_and_azure_calls_are_translated_to_the_openai_shape,
    anthropic_and_azure_calls_are_translated_to_the_openai_shape_on_postgres
);

/// Collects every log line written on the test's thread.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

// A current-thread runtime, so that the server's tasks log on the thread the capture is set on.
#[tokio::test]
async fn no_credential_appears_in_any_log_line() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let Some((app, primary, _backup, key)) =
        failover_setup(Db::Sqlite, route(&["primary"], &["backup"], 5_000, 1)).await
    else {
        return;
    };
    // A 401 means this target's credential is wrong: its retries are skipped for the fallback.
    primary.then(vec![Behavior::Status(401)]);
    let answered = post(&app, GREET, &key, json!({"inputs": {"name": "Di"}})).await;
    assert_eq!(answered.status(), 200);
    assert_eq!(header(&answered, "x-slipway-provider"), "backup");
    assert_eq!(primary.seen().len(), 1);
    let streamed = post(&app, GREET, &key, json!({"inputs": {"name": "Di"}, "stream": true})).await;
    assert!(streamed.text().await.unwrap().ends_with("data: [DONE]\n\n"));
    app.finish().await;
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("gateway attempt failed"),
        "the capture sees the gateway's logs"
    );
    assert!(
        logs.contains("outcome=\"status\"") || logs.contains("outcome=status"),
        "{logs}"
    );
    assert!(!logs.contains(SECRET), "a credential was logged");
}

#[tokio::test]
async fn a_browser_may_name_the_environment_and_read_what_served_its_call() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = slipway_server::Settings::for_data_dir(dir.path()).unwrap();
    settings.rate_limit.enabled = false;
    settings.cors_origins = vec!["https://app.example".to_owned()];
    let app = crate::helpers::spawn_with(settings, Some(dir)).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/chat/completions"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type, x-slipway-environment",
        )
        .send()
        .await
        .unwrap();
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("x-slipway-environment"), "{allowed}");
    let answer = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    let exposed = answer.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for header in slipway_server::chat::SERVED_HEADERS {
        assert!(exposed.contains(header), "{header} not in {exposed}");
    }
    app.finish().await;
}

//! Webhooks end to end, against a receiver on loopback started by the test: deliveries are
//! signed per Standard Webhooks (a tampered body fails verification), arrive in commit order per
//! endpoint, stop for a disabled endpoint, never reach a private address, are managed only with
//! `project:manage_webhooks`, are retried after 500s and timeouts, and survive a SIGKILL of
//! `slipway serve` mid-delivery.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use slipway_auth::webhook::WebhookSecret;
use tokio::sync::mpsc;

use crate::helpers::{Db, PATIENCE, fixture, publish_prompt, spawn_app, spawn_app_on, spawn_app_with, spawn_with};
use crate::process::ServerProcess;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: i64,
    signature: String,
    body: String,
}

impl Received {
    fn kind(&self) -> String {
        let body: Value = serde_json::from_str(&self.body).unwrap();
        body["type"].as_str().unwrap().to_owned()
    }
}

/// What the receiver does with each request, in turn; once the script is used up it answers 204.
#[derive(Debug, Clone, Copy)]
enum Reply {
    /// Never answer (the sender's timeout, or a kill, ends the attempt).
    Stall,
    /// Answer with this status.
    Status(u16),
}

#[derive(Clone)]
struct Receiver {
    script: Arc<Mutex<VecDeque<Reply>>>,
    seen: mpsc::UnboundedSender<Received>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let _ = r.seen.send(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp").parse().unwrap_or_default(),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let next = r.script.lock().unwrap().pop_front();
    match next {
        Some(Reply::Stall) => {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            StatusCode::NO_CONTENT
        }
        Some(Reply::Status(code)) => StatusCode::from_u16(code).unwrap(),
        None => StatusCode::NO_CONTENT,
    }
}

/// Starts a receiver on loopback; returns its URL, its script and what it saw.
async fn receiver(script: &[Reply]) -> (String, Arc<Mutex<VecDeque<Reply>>>, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let state = Receiver {
        script: Arc::new(Mutex::new(script.iter().copied().collect())),
        seen: tx,
    };
    let script = Arc::clone(&state.script);
    let app = Router::new().route("/hook", post(receive)).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, script, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("a delivery within the patience")
        .expect("the receiver runs")
}

const CREATE: &str = "mutation($org: String!, $project: String!, $url: String!, $events: [String!]!) {
  createWebhookEndpoint(org: $org, project: $project, input: { url: $url, events: $events }) { secret endpoint { id } } }";

const DELIVERIES: &str = "query($org: String!, $project: String!) { project(org: $org, slug: $project) {
  webhookEndpoints { nodes { url enabled deliveries { nodes { event status attempts error responseCode } } } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_signed_ordered_and_guarded() {
    let app = spawn_app().await;
    let f = fixture(&app, "hooks", "shop").await;
    let (url, _, mut seen) = receiver(&[]).await;
    let vars = |extra: Value| {
        let mut v = json!({ "org": f.org, "project": f.project });
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        v
    };

    // Only owners and admins manage webhooks.
    let dev = app.token("dev-of-hooks");
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!) { addMember(org: $org, project: $project, subject: \"dev-of-hooks\", role: DEVELOPER) { role } }",
        vars(json!({})),
    )
    .await;
    let events = json!(["release.pending_approval", "environment.changed"]);
    let code = app
        .gql_error_code(Some(&dev), CREATE, vars(json!({ "url": url, "events": events })))
        .await;
    assert_eq!(code, "FORBIDDEN");
    let code = app
        .gql_error_code(
            Some(&f.owner),
            CREATE,
            vars(json!({ "url": "http://192.168.1.10/hook", "events": events })),
        )
        .await;
    assert_eq!(code, "VALIDATION", "plain http only to loopback");

    let created = app
        .gql(&f.owner, CREATE, vars(json!({ "url": url, "events": events })))
        .await;
    let secret = WebhookSecret::parse(created["createWebhookEndpoint"]["secret"].as_str().unwrap()).unwrap();
    let endpoint = created["createWebhookEndpoint"]["endpoint"]["id"].clone();

    // A policy change, then a release that waits for an approval: two events, in that order.
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!) { setPromotionPolicy(org: $org, project: $project, environment: \"prod\", input: { requiredApprovals: 1 }) { slug } }",
        vars(json!({})),
    )
    .await;
    publish_prompt(&app, &f, "greeting", "hello", &["prod"]).await;
    let first = next(&mut seen).await;
    let second = next(&mut seen).await;
    assert_eq!(
        (first.kind(), second.kind()),
        ("environment.changed".to_owned(), "release.pending_approval".to_owned())
    );
    assert!(secret.verify(&second.id, second.timestamp, second.body.as_bytes(), &second.signature));
    let tampered = second.body.replace("pending", "approved");
    assert!(!secret.verify(&second.id, second.timestamp, tampered.as_bytes(), &second.signature));
    let payload: Value = serde_json::from_str(&second.body).unwrap();
    assert_eq!(payload["data"]["release"]["changes"][0]["resource"]["key"], "greeting");
    assert!(
        payload["data"]["dashboard_url"]
            .as_str()
            .unwrap()
            .starts_with(&app.base)
    );

    // A disabled endpoint gets nothing: no delivery is even written for it.
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!, $id: ID!) { updateWebhookEndpoint(org: $org, project: $project, id: $id, input: { enabled: false }) { enabled } }",
        vars(json!({ "id": endpoint })),
    )
    .await;
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!) { setPromotionPolicy(org: $org, project: $project, environment: \"prod\", input: { requiredApprovals: 2 }) { slug } }",
        vars(json!({})),
    )
    .await;

    // An endpoint whose host is a private address is never sent to.
    let private = app
        .gql(
            &f.owner,
            CREATE,
            vars(json!({ "url": "https://10.11.12.13/hook", "events": ["release.deployed"] })),
        )
        .await;
    let private_id = private["createWebhookEndpoint"]["endpoint"]["id"].clone();
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!, $id: ID!) { sendTestWebhook(org: $org, project: $project, id: $id) }",
        vars(json!({ "id": private_id })),
    )
    .await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let log = loop {
        let data = app.gql(&f.owner, DELIVERIES, vars(json!({}))).await;
        let endpoints = data["project"]["webhookEndpoints"]["nodes"].as_array().unwrap().clone();
        let refused = endpoints
            .iter()
            .find(|e| e["url"] == "https://10.11.12.13/hook")
            .unwrap();
        if refused["deliveries"]["nodes"][0]["attempts"].as_u64() >= Some(1) {
            break endpoints;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the private endpoint was never attempted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let refused = log.iter().find(|e| e["url"] == "https://10.11.12.13/hook").unwrap();
    let attempt = &refused["deliveries"]["nodes"][0];
    assert_eq!(attempt["error"], "the endpoint's address is not allowed");
    assert_eq!(
        (attempt["status"].clone(), attempt["responseCode"].clone()),
        (json!("pending"), Value::Null)
    );
    let ours = log.iter().find(|e| e["url"] == url.as_str()).unwrap();
    assert_eq!(ours["enabled"], false);
    assert_eq!(
        ours["deliveries"]["nodes"].as_array().unwrap().len(),
        2,
        "nothing queued while disabled"
    );
    assert!(
        ours["deliveries"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "delivered")
    );
    assert!(seen.try_recv().is_err(), "nothing else arrived");
    app.finish().await;
}

/// A 500, a timeout and a 503 are each tried again, later each time, until the endpoint takes
/// the event; the log tells what every attempt got.
async fn failures_are_retried(db: Db) {
    let quick = |s: &mut slipway_server::Settings| {
        s.webhook_timeout = std::time::Duration::from_millis(500);
        s.webhook_retry_delay = std::time::Duration::from_millis(200);
    };
    let Some(app) = spawn_app_with(db, quick).await else {
        return;
    };
    let f = fixture(&app, "retry-hooks", "shop").await;
    let (url, _, mut seen) = receiver(&[Reply::Status(500), Reply::Stall, Reply::Status(503)]).await;
    let vars = json!({ "org": f.org, "project": f.project, "url": url, "events": ["release.deployed"] });
    let created = app.gql(&f.owner, CREATE, vars).await;
    let endpoint = created["createWebhookEndpoint"]["endpoint"]["id"].clone();
    let ids = json!({ "org": f.org, "project": f.project, "id": endpoint });
    let sent = app
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!, $id: ID!) { sendTestWebhook(org: $org, project: $project, id: $id) }",
            ids,
        )
        .await;
    let event = sent["sendTestWebhook"].as_str().unwrap().to_owned();
    let mut arrivals = Vec::new();
    for _ in 0..4 {
        let got = next(&mut seen).await;
        assert_eq!(got.id, event, "every attempt carries the event's id");
        arrivals.push((tokio::time::Instant::now(), got.timestamp));
    }
    let gaps: Vec<_> = arrivals.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(
        gaps.iter().all(|gap| *gap >= std::time::Duration::from_millis(100)),
        "each retry waited: {gaps:?}"
    );

    let project = json!({ "org": f.org, "project": f.project });
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let delivery = loop {
        let data = app.gql(&f.owner, DELIVERIES, project.clone()).await;
        let delivery = data["project"]["webhookEndpoints"]["nodes"][0]["deliveries"]["nodes"][0].clone();
        if delivery["status"] == "delivered" {
            break delivery;
        }
        assert!(tokio::time::Instant::now() < deadline, "never settled: {delivery}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(
        (delivery["attempts"].clone(), delivery["responseCode"].clone()),
        (json!(4), json!(204))
    );
    assert!(seen.try_recv().is_err(), "nothing after the delivery");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_attempts_are_retried_until_delivered() {
    failures_are_retried(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_attempts_are_retried_until_delivered_on_postgres() {
    failures_are_retried(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_in_flight_when_the_server_is_killed_arrives_after_the_restart() {
    let Some(mut server) = ServerProcess::start(Db::Sqlite).await else {
        return;
    };
    let f = server.fixture("crash-hooks", "shop").await;
    let (url, _, mut seen) = receiver(&[Reply::Stall]).await;
    let vars = json!({ "org": f.org, "project": f.project, "url": url, "events": ["release.deployed"] });
    let created = server.gql(&f.owner, CREATE, vars).await;
    let endpoint = created["createWebhookEndpoint"]["endpoint"]["id"].clone();
    let sent = server
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!, $id: ID!) { sendTestWebhook(org: $org, project: $project, id: $id) }",
            json!({ "org": f.org, "project": f.project, "id": endpoint }),
        )
        .await;
    let event = sent["sendTestWebhook"].as_str().unwrap().to_owned();
    // The receiver holds the first attempt open; the server dies with it in flight.
    assert_eq!(next(&mut seen).await.id, event);
    server.kill();
    server.restart().await;
    let again = next(&mut seen).await;
    assert_eq!((again.kind(), again.id), ("webhook.test".to_owned(), event));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_deliver_each_event_once() {
    let Some(a) = spawn_app_on(Db::Postgres).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let b = spawn_with(a.settings.clone(), None).await;
    let f = fixture(&a, "twice", "shop").await;
    let (url, _, mut seen) = receiver(&[]).await;
    let vars = json!({ "org": f.org, "project": f.project, "url": url, "events": ["release.deployed"] });
    let created = a.gql(&f.owner, CREATE, vars).await;
    let endpoint = created["createWebhookEndpoint"]["endpoint"]["id"].clone();
    const EVENTS: usize = 20;
    let mut sent = Vec::new();
    for i in 0..EVENTS {
        let app = if i % 2 == 0 { &a } else { &b };
        let data = app
            .gql(
                &f.owner,
                "mutation($org: String!, $project: String!, $id: ID!) { sendTestWebhook(org: $org, project: $project, id: $id) }",
                json!({ "org": f.org, "project": f.project, "id": endpoint }),
            )
            .await;
        sent.push(data["sendTestWebhook"].as_str().unwrap().to_owned());
    }
    let mut got = Vec::new();
    while got.len() < EVENTS {
        got.push(next(&mut seen).await.id);
    }
    // In commit order, each once; and the log agrees: one attempt each.
    assert_eq!(got, sent);
    let data = a
        .gql(&f.owner, DELIVERIES, json!({ "org": f.org, "project": f.project }))
        .await;
    let log = data["project"]["webhookEndpoints"]["nodes"][0]["deliveries"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(log.len(), EVENTS);
    assert!(
        log.iter().all(|d| d["status"] == "delivered" && d["attempts"] == 1),
        "{log:?}"
    );
    assert!(seen.try_recv().is_err(), "no event came twice");
    b.stop().await;
    a.finish().await;
}

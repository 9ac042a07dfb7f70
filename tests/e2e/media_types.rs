//! GraphQL over HTTP media types: a POST body other than `application/json` is refused with 415
//! before anything runs, `application/graphql-response+json` is answered when asked for (400
//! for documents that do not parse or validate), GET never runs a mutation, and a WebSocket
//! message larger than the body limit is refused without harming the server.

use futures_util::SinkExt;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{Db, TestApp, spawn_app};
use crate::process::ServerProcess;
use crate::subscriptions::{connect_to, init, receive, send};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs `body` to `/graphql` with `content_type` (none when `None`) and `accept`.
async fn post(
    app: &TestApp,
    bearer: &str,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: String,
) -> (StatusCode, String, Value) {
    let mut request = app.client.post(app.url("/graphql")).bearer_auth(bearer).body(body);
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let media = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, media, response.json().await.unwrap())
}

fn create_org(slug: &str) -> String {
    json!({ "query": format!("mutation {{ createOrganization(slug: \"{slug}\", name: \"x\") {{ slug }} }}") })
        .to_string()
}

async fn organization_exists(app: &TestApp, bearer: &str, slug: &str) -> bool {
    let (_, body) = app
        .gql_raw(
            Some(bearer),
            "query($slug: String!) { organization(slug: $slug) { slug } }",
            json!({ "slug": slug }),
        )
        .await;
    body["data"]["organization"]["slug"] == slug
}

#[tokio::test]
async fn only_json_bodies_are_executed() {
    let app = spawn_app().await;
    let alice = app.token("alice");
    let refused = [
        None,
        Some("text/plain"),
        Some("application/graphql"),
        Some("multipart/form-data; boundary=xyz"),
        Some("application/x-www-form-urlencoded"),
        Some("application/graphql-response+json"),
    ];
    for (i, content_type) in refused.into_iter().enumerate() {
        let slug = format!("refused-{i}");
        let (status, media, body) = post(&app, &alice, content_type, None, create_org(&slug)).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
        assert!(media.starts_with("application/json"), "{media}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNSUPPORTED_MEDIA_TYPE",
            "{body}"
        );
        assert!(body.get("data").is_none(), "{body}");
        assert!(
            !organization_exists(&app, &alice, &slug).await,
            "a refused mutation ran: {content_type:?}"
        );
    }
    // Asked for graphql-response+json, the refusal comes in that type.
    let (status, media, _) = post(
        &app,
        &alice,
        Some("text/plain"),
        Some(GRAPHQL_RESPONSE),
        create_org("x"),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(media.starts_with(GRAPHQL_RESPONSE), "{media}");

    for (i, content_type) in [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
    ]
    .into_iter()
    .enumerate()
    {
        let slug = format!("accepted-{i}");
        let (status, _, body) = post(&app, &alice, Some(content_type), None, create_org(&slug)).await;
        assert_eq!(status, StatusCode::OK, "{content_type}: {body}");
        assert_eq!(body["data"]["createOrganization"]["slug"], slug.as_str());
        assert!(organization_exists(&app, &alice, &slug).await);
    }
    app.finish().await;
}

#[tokio::test]
async fn graphql_response_json_answers_with_meaningful_status_codes() {
    let app = spawn_app().await;
    let alice = app.token("alice");
    let query = |q: &str| json!({ "query": q }).to_string();
    let json = Some("application/json");
    let syntax = query("{ viewer { user { subject } ");
    let invalid = query("{ viewer { noSuchField } }");
    let good = query("{ viewer { user { subject } } }");
    let unknown_project = query("{ project(org: \"nope\", slug: \"nope\") { slug } }");

    for accept in [
        GRAPHQL_RESPONSE,
        "application/graphql-response+json, application/json;q=0.9",
    ] {
        for (document, code) in [
            (&syntax, "GRAPHQL_PARSE_FAILED"),
            (&invalid, "GRAPHQL_VALIDATION_FAILED"),
        ] {
            let (status, media, body) = post(&app, &alice, json, Some(accept), document.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{document}: {body}");
            assert!(media.starts_with(GRAPHQL_RESPONSE), "{media}");
            assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
            assert!(body.get("data").is_none(), "no data entry when nothing ran: {body}");
        }
        let (status, media, body) = post(&app, &alice, json, Some(accept), good.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(media.starts_with(GRAPHQL_RESPONSE), "{media}");
        assert_eq!(body["data"]["viewer"]["user"]["subject"], "alice");
        // An operation that ran and failed is still 200, with its error and data.
        let (status, _, body) = post(&app, &alice, json, Some(accept), unknown_project.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND", "{body}");
    }

    // Plain JSON (asked for, or by default) keeps the 200s of before.
    for accept in [None, Some("application/json"), Some("*/*")] {
        for document in [&syntax, &invalid, &good] {
            let (status, media, body) = post(&app, &alice, json, accept, document.clone()).await;
            assert_eq!(status, StatusCode::OK, "{accept:?} {document}: {body}");
            assert_eq!(media, "application/json");
        }
    }
    app.finish().await;
}

#[tokio::test]
async fn get_never_runs_a_mutation() {
    let app = spawn_app().await;
    let alice = app.token("alice");
    let mutation = "mutation { createOrganization(slug: \"by-get\", name: \"x\") { slug } }";
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", mutation)])
        .bearer_auth(&alice)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    assert!(
        status == StatusCode::OK || status == StatusCode::METHOD_NOT_ALLOWED,
        "{status}"
    );
    assert!(!body.contains("\"data\""), "GET executed something: {body}");
    assert!(!organization_exists(&app, &alice, "by-get").await);
    app.finish().await;
}

#[tokio::test]
async fn websocket_messages_over_the_body_limit_are_refused_and_the_server_lives_on() {
    let limit = 16 * 1024;
    let Some(server) = ServerProcess::start_with(Db::Sqlite, &[("SLIPWAY_BODY_LIMIT", &limit.to_string())]).await
    else {
        return;
    };
    let pid = server.pid();
    let url = format!("{}/graphql", server.base.replacen("http", "ws", 1));
    let owner = server.token("ws-owner");
    let ping = |padding: usize| json!({ "type": "ping", "payload": { "padding": "x".repeat(padding) } });

    for oversize in [limit + 1, 4 * limit, 1024 * 1024] {
        let mut socket = connect_to(&url).await;
        let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {owner}") })).await;
        assert_eq!(ack.unwrap()["type"], "connection_ack");
        // Below the limit, a message is served.
        send(&mut socket, ping(limit / 2)).await;
        let pong = receive(&mut socket, crate::helpers::PATIENCE).await.unwrap().unwrap();
        assert_eq!(pong["type"], "pong", "{pong}");
        // Above it, the connection is closed instead (sending may already fail: the server
        // stops reading at the frame header).
        let _sent = socket.send(Message::Text(ping(oversize).to_string().into())).await;
        let answer = receive(&mut socket, crate::helpers::PATIENCE).await;
        assert!(
            matches!(answer, Some(Err(_))),
            "a {oversize}-byte message closes the socket: {answer:?}"
        );
        server.assert_alive(pid);
        let health = server.client.get(server.url("/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200);
    }
    // New sockets still work.
    let mut socket = connect_to(&url).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {owner}") })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    server.assert_alive(pid);
    server.finish().await;
}

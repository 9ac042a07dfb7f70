//! What one GraphQL WebSocket connection may do: each operation sent on it counts against the
//! caller's rate budget (as an HTTP request would), a `connection_init` whose token does not
//! verify counts as a failed authentication, and at most
//! [`MAX_OPERATIONS_PER_CONNECTION`](slipway_graphql::MAX_OPERATIONS_PER_CONNECTION) operations
//! run on one connection at once. A refused operation gets `RATE_LIMITED`; the connection stays.

use reqwest::StatusCode;
use serde_json::{Value, json};
use slipway_graphql::MAX_OPERATIONS_PER_CONNECTION;

use crate::helpers::{PATIENCE, fixture, spawn_app};
use crate::rate_limit::spawn_limited;
use crate::subscriptions::{Socket, connect, init, receive, send};

/// The first message answering operation `id`, skipping the `complete`s of earlier ones.
async fn answer(socket: &mut Socket, id: &str) -> Value {
    loop {
        let message = receive(socket, PATIENCE)
            .await
            .expect("an answer in time")
            .expect("the socket stays open");
        if message["id"] == id && message["type"] != "complete" {
            return message;
        }
    }
}

/// The `extensions` of the first error of `message`, if it is one.
fn error_extensions(message: &Value) -> Option<&Value> {
    message["payload"]["errors"][0].get("extensions")
}

async fn signed_in_socket(app: &crate::helpers::TestApp, token: &str) -> Socket {
    let mut socket = connect(app).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {token}") })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    socket
}

#[tokio::test]
async fn operations_over_a_websocket_count_against_the_callers_budget() {
    let app = spawn_limited(&[("credential", "3/1m")]).await;
    let token = app.token("ws-reader");
    let mut socket = signed_in_socket(&app, &token).await;
    for i in 0..5 {
        let id = format!("q{i}");
        send(
            &mut socket,
            json!({ "id": id, "type": "subscribe", "payload": { "query": "{ viewer { user { subject } } }" } }),
        )
        .await;
        let message = answer(&mut socket, &id).await;
        if i < 3 {
            assert_eq!(
                message["payload"]["data"]["viewer"]["user"]["subject"], "ws-reader",
                "{message}"
            );
        } else {
            let extensions = error_extensions(&message).unwrap_or_else(|| panic!("refused: {message}"));
            assert_eq!(extensions["code"], "RATE_LIMITED", "{message}");
            assert!(extensions["retryAfter"].as_u64().is_some_and(|s| s >= 1), "{message}");
        }
    }
    // The budget is the caller's, whatever the transport: HTTP is refused too now.
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    app.finish().await;
}

#[tokio::test]
async fn a_refused_connection_init_counts_as_a_failed_authentication() {
    let app = spawn_limited(&[("failed_auth", "2/1m")]).await;
    for _ in 0..2 {
        let mut socket = connect(&app).await;
        let refused = init(&mut socket, json!({ "Authorization": "Bearer not.a.jwt" })).await;
        assert!(refused.is_err(), "the connection is refused: {refused:?}");
    }
    // Two failures over the WebSocket spent the address's budget: the next bad token on HTTP
    // is throttled at once, not answered 401.
    let response = app.get("/v1/config", Some("not.a.jwt")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    app.finish().await;
}

#[tokio::test]
async fn a_connection_runs_a_bounded_number_of_operations_at_once() {
    let app = spawn_app().await;
    let f = fixture(&app, "ws-cap", "shop").await;
    let mut socket = signed_in_socket(&app, &f.owner).await;
    let subscription = json!({ "query":
        "subscription { environmentChanged(org: \"ws-cap\", project: \"shop\") { environment { slug } } }" });
    for i in 0..MAX_OPERATIONS_PER_CONNECTION {
        send(
            &mut socket,
            json!({ "id": format!("s{i}"), "type": "subscribe", "payload": subscription }),
        )
        .await;
    }
    // One more, of any kind, is refused while they all run, and the connection stays open.
    send(
        &mut socket,
        json!({ "id": "over", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    let message = answer(&mut socket, "over").await;
    let extensions = error_extensions(&message).unwrap_or_else(|| panic!("refused: {message}"));
    assert_eq!(extensions["code"], "RATE_LIMITED", "{message}");
    assert!(
        extensions.get("retryAfter").is_none(),
        "waiting alone does not help: {message}"
    );

    // Completing one subscription frees its place.
    send(&mut socket, json!({ "id": "s0", "type": "complete" })).await;
    let mut served = None;
    for attempt in 0..50 {
        let id = format!("after{attempt}");
        send(
            &mut socket,
            json!({ "id": id, "type": "subscribe", "payload": { "query": "{ __typename }" } }),
        )
        .await;
        let message = answer(&mut socket, &id).await;
        if error_extensions(&message).is_none() {
            served = Some(message);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let served = served.expect("an operation runs once a place is free");
    assert_eq!(served["payload"]["data"]["__typename"], "Query", "{served}");
    app.finish().await;
}

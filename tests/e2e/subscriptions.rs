//! GraphQL subscriptions over WebSocket (graphql-transport-ws), authenticated in
//! `connection_init`, as a browser dashboard would use them.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{PATIENCE, TestApp, fixture, new_prompt_version, publish_prompt, spawn_app};

/// A graphql-transport-ws client socket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a graphql-transport-ws socket on `app`'s `/graphql`.
pub async fn connect(app: &TestApp) -> Socket {
    connect_to(&format!("ws://{}/graphql", app.addr)).await
}

/// Opens a graphql-transport-ws socket on `url` (`ws://HOST:PORT/graphql`).
pub async fn connect_to(url: &str) -> Socket {
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    socket
}

/// Sends one protocol message.
pub async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::Text(message.to_string().into())).await.unwrap();
}

/// The next protocol message (JSON), `Err(close code)` when the server closed, or `None` when
/// nothing came within `wait`.
pub async fn receive(socket: &mut Socket, wait: Duration) -> Option<Result<Value, u16>> {
    loop {
        let message = tokio::time::timeout(wait, socket.next()).await.ok()?;
        match message {
            Some(Ok(Message::Text(text))) => return Some(Ok(serde_json::from_str(text.as_str()).unwrap())),
            Some(Ok(Message::Close(frame))) => return Some(Err(frame.map_or(1005, |f| u16::from(f.code)))),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Some(Err(1006)),
        }
    }
}

/// Sends `connection_init` with `payload`; the answer (or the close code).
pub async fn init(socket: &mut Socket, payload: Value) -> Result<Value, u16> {
    send(socket, json!({ "type": "connection_init", "payload": payload })).await;
    receive(socket, PATIENCE).await.expect("an answer to connection_init")
}

#[tokio::test]
async fn a_subscription_receives_the_deployment() {
    let app = spawn_app().await;
    let f = fixture(&app, "sub-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v0", &["prod"]).await;
    let mut socket = connect(&app).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {}", f.owner) })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query":
            "subscription { environmentChanged(org: \"sub-org\", project: \"shop\", environment: \"prod\") {
               environment { slug } deployment { id } } }" } }),
    )
    .await;
    // The protocol does not acknowledge a subscription, so deploy until one is seen: each
    // attempt is a real deployment, and the first event must describe one.
    for attempt in 1..=10 {
        new_prompt_version(&app, &f, "greeting", &format!("v{attempt}"), &["prod"]).await;
        let Some(message) = receive(&mut socket, Duration::from_secs(2)).await else {
            continue;
        };
        let message = message.expect("the socket stays open");
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], "1");
        let change = &message["payload"]["data"]["environmentChanged"];
        assert_eq!(change["environment"]["slug"], "prod", "{message}");
        assert!(change["deployment"]["id"].is_string(), "{message}");
        return;
    }
    panic!("no subscription event after 10 deployments");
}

#[tokio::test]
async fn connections_with_bad_credentials_are_refused() {
    let app = spawn_app().await;
    let mut socket = connect(&app).await;
    let answer = init(&mut socket, json!({ "Authorization": "Bearer not-a-token" })).await;
    assert!(answer.is_err(), "the connection is closed: {answer:?}");

    // Without credentials the connection opens, but subscribing needs a caller.
    let f = fixture(&app, "anon-org", "shop").await;
    drop(f);
    let mut socket = connect(&app).await;
    assert_eq!(init(&mut socket, json!({})).await.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query":
            "subscription { releaseUpdated(org: \"anon-org\", project: \"shop\") { id } }" } }),
    )
    .await;
    let message = receive(&mut socket, PATIENCE).await.unwrap().unwrap();
    assert!(message.to_string().contains("UNAUTHENTICATED"), "{message}");
}

#[tokio::test]
async fn mutations_are_refused_over_the_websocket() {
    let app = spawn_app().await;
    let owner = app.token("ws-writer");
    let mut socket = connect(&app).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {owner}") })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    // Named or not, alone or beside a query: a mutation never runs on the socket.
    let documents = [
        json!({ "query": "mutation { createOrganization(slug: \"ws-org\", name: \"WS\") { slug } }" }),
        json!({ "query": "query Q { __typename } mutation M { createOrganization(slug: \"ws-org\", name: \"WS\") { slug } }",
                "operationName": "M" }),
    ];
    for (i, payload) in documents.into_iter().enumerate() {
        let id = format!("m{i}");
        send(
            &mut socket,
            json!({ "id": id, "type": "subscribe", "payload": payload }),
        )
        .await;
        let message = receive(&mut socket, PATIENCE)
            .await
            .unwrap()
            .expect("the socket stays open");
        let text = message.to_string();
        assert!(
            text.contains("GRAPHQL_VALIDATION_FAILED") && text.contains("POST"),
            "{text}"
        );
        let done = receive(&mut socket, PATIENCE).await.unwrap().unwrap();
        assert_eq!((&done["type"], &done["id"]), (&json!("complete"), &json!(id)), "{done}");
    }
    // A query still runs there, and nothing was written.
    send(
        &mut socket,
        json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ viewer { organizations(first: 10) { nodes { slug } } } }" } }),
    )
    .await;
    let message = receive(&mut socket, PATIENCE).await.unwrap().unwrap();
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(
        message["payload"]["data"]["viewer"]["organizations"]["nodes"],
        json!([]),
        "{message}"
    );
    // Over POST the same mutation runs.
    app.gql(
        &owner,
        "mutation { createOrganization(slug: \"ws-org\", name: \"WS\") { slug } }",
        json!({}),
    )
    .await;
}

//! The hostile-input suite, against the real `slipway` binary: each class of crafted request
//! that once crashed or stalled a server — deep nesting, fragment explosions, list fan-out, alias
//! floods, oversized bodies — sent at several sizes and shapes, over HTTP and over the WebSocket.
//! Every request must be refused with its code, the process must keep its pid, and a health check
//! running beside the attack must answer within a second throughout.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{Db, PATIENCE};
use crate::process::ServerProcess;

/// The longest a health check may wait while an attack runs.
const HEALTHY: Duration = Duration::from_secs(1);

/// Depths tried for every place a document can nest: both sides of the limit (64), and far past
/// it, up to what still fits in the default 1 MiB body.
const DEPTHS: [usize; 11] = [1, 2, 32, 63, 64, 65, 128, 1_000, 10_000, 100_000, 500_000];

/// Checks `/healthz` every 50 ms on its own connection until stopped; reports the slowest answer
/// (a failed or missing answer counts as [`PATIENCE`]).
struct HealthProbe {
    stop: Arc<AtomicBool>,
    task: JoinHandle<(Duration, usize)>,
}

impl HealthProbe {
    fn start(server: &ServerProcess) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let url = server.url("/healthz");
        let client = reqwest::Client::builder().timeout(PATIENCE).build().unwrap();
        let flag = Arc::clone(&stop);
        let task = tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            let mut checks = 0;
            while !flag.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = matches!(client.get(&url).send().await, Ok(r) if r.status() == 200);
                let took = if ok { started.elapsed() } else { PATIENCE };
                worst = worst.max(took);
                checks += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (worst, checks)
        });
        Self { stop, task }
    }

    /// Stops the probe; fails the test if any check took longer than [`HEALTHY`].
    async fn assert_healthy(self, what: &str) {
        self.stop.store(true, Ordering::Relaxed);
        let (worst, checks) = self.task.await.unwrap();
        assert!(checks > 0, "{what}: the health probe never ran");
        assert!(worst < HEALTHY, "{what}: /healthz took {worst:?} while the attack ran");
    }
}

/// Posts `body` (already JSON text) to `/graphql`; the status and the JSON answer. Never a 5xx.
async fn post(server: &ServerProcess, bearer: Option<&str>, body: String) -> (u16, Value) {
    let mut request = server
        .client
        .post(server.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(bearer) = bearer {
        request = request.header(AUTHORIZATION, format!("Bearer {bearer}"));
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("no answer ({e}); server log:\n{}", server.logs()));
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    assert!(status < 500, "{status}: {}", String::from_utf8_lossy(&bytes));
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, value)
}

/// The default body limit (1 MiB).
const BODY_LIMIT: usize = 1 << 20;

/// Posts a body over the limit: refused with 413, or (when the server answers and closes before
/// all of it is sent) with the connection closed. Never read, never a crash.
async fn post_oversized(server: &ServerProcess, body: String) {
    assert!(body.len() > BODY_LIMIT);
    // Its own client: the server closes a connection whose body it refused to read, and that
    // connection must not go back to the pool the other requests share.
    let sent = reqwest::Client::new()
        .post(server.url("/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    if let Ok(response) = sent {
        assert_eq!(response.status().as_u16(), 413);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(code(&answer), Some("PAYLOAD_TOO_LARGE"), "{answer}");
    }
}

/// The error code of an answer: a GraphQL error's `extensions.code`, or a REST error's `code`.
fn code(answer: &Value) -> Option<&str> {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .or_else(|| answer["error"]["code"].as_str())
}

fn query_body(query: &str) -> String {
    json!({ "query": query }).to_string()
}

/// `depth` nested list brackets around `1`.
fn nested_list(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// `depth` nested input objects around `1`.
fn nested_object(depth: usize) -> String {
    format!("{}1{}", "{a:".repeat(depth), "}".repeat(depth))
}

/// Every place a GraphQL document can nest, as a document of about `depth` levels.
fn nested_documents(depth: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "list literal in an argument",
            format!(
                "{{ viewer {{ organizations(first: {}) {{ nodes {{ slug }} }} }} }}",
                nested_list(depth)
            ),
        ),
        (
            "object literal in a JSON argument",
            format!(
                "mutation {{ createPromptVersion(org: \"o\", project: \"p\", key: \"k\", message: \"m\", content: {}) {{ version {{ number }} }} }}",
                nested_object(depth)
            ),
        ),
        (
            "variable default",
            format!("query($v: JSON = {}) {{ __typename }}", nested_list(depth)),
        ),
        (
            "selection sets",
            format!("{}__typename{}", "{ viewer ".repeat(depth), " }".repeat(depth)),
        ),
    ]
}

/// Whether an answer is the guard's (or the body limit's) refusal of a too-deep document.
fn refused_as_too_deep(status: u16, answer: &Value) -> bool {
    match code(answer) {
        Some("GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED") => true,
        Some("PAYLOAD_TOO_LARGE") => status == 413,
        _ => false,
    }
}

#[tokio::test]
async fn nesting_at_every_depth_is_refused_and_never_kills_the_server() {
    let Some(server) = ServerProcess::start(Db::Sqlite).await else {
        return;
    };
    let pid = server.pid();
    let probe = HealthProbe::start(&server);
    for depth in DEPTHS {
        for (place, document) in nested_documents(depth) {
            let body = query_body(&document);
            if body.len() > BODY_LIMIT {
                post_oversized(&server, body).await;
                server.assert_alive(pid);
                continue;
            }
            let (status, answer) = post(&server, None, body).await;
            server.assert_alive(pid);
            if depth > 64 {
                assert!(
                    refused_as_too_deep(status, &answer),
                    "{place} at depth {depth}: {status} {answer}"
                );
            } else if depth <= 32 {
                // Well within the limit the document is parsed; what it asks may still be
                // refused (no caller, a wrong type, too deep a selection), but not its text.
                assert_ne!(
                    code(&answer),
                    Some("GRAPHQL_PARSE_FAILED"),
                    "{place} at depth {depth}: {answer}"
                );
            }
        }
        // The `variables` JSON value.
        let variables = format!(
            "{{\"query\":\"query($v: JSON) {{ __typename }}\",\"variables\":{{\"v\":{}}}}}",
            nested_list(depth)
        );
        let (status, answer) = post(&server, None, variables).await;
        server.assert_alive(pid);
        if depth > 64 {
            let refused = matches!(
                code(&answer),
                Some("GRAPHQL_VALIDATION_FAILED" | "VALIDATION" | "PAYLOAD_TOO_LARGE")
            );
            assert!(refused, "variables at depth {depth}: {status} {answer}");
        } else {
            assert_eq!(status, 200, "variables at depth {depth}: {answer}");
        }
    }
    // A million levels do not fit in the body limit: refused before anything reads them.
    post_oversized(&server, query_body(&nested_documents(1_000_000)[0].1)).await;
    server.assert_alive(pid);
    probe.assert_healthy("nesting").await;
    server.finish().await;
}

/// Fragments `F0..=F{levels}` where each spreads the previous one `fanout` times: a few hundred
/// bytes that expand to `fanout^levels` selections.
fn fragment_explosion(levels: usize, fanout: usize) -> String {
    let mut document = String::from("query { ...F");
    document.push_str(&levels.to_string());
    document.push_str(" }\nfragment F0 on Query { __typename }\n");
    for level in 1..=levels {
        let spreads = format!("...F{} ", level - 1).repeat(fanout);
        document.push_str(&format!("fragment F{level} on Query {{ {spreads}}}\n"));
    }
    document
}

#[tokio::test]
async fn fragment_explosions_are_refused_in_parallel_while_health_answers() {
    let Some(server) = ServerProcess::start(Db::Sqlite).await else {
        return;
    };
    let pid = server.pid();
    let probe = HealthProbe::start(&server);
    for (levels, fanout) in [(4, 10), (8, 10), (20, 10), (60, 4), (200, 2)] {
        let document = fragment_explosion(levels, fanout);
        // A handful at once: none may hold a runtime thread for long.
        let attacks: Vec<_> = (0..8)
            .map(|_| {
                let body = query_body(&document);
                let request = server
                    .client
                    .post(server.url("/graphql"))
                    .header(CONTENT_TYPE, "application/json")
                    .body(body);
                tokio::spawn(async move {
                    let response = request.send().await.unwrap();
                    let status = response.status().as_u16();
                    (status, response.json::<Value>().await.unwrap())
                })
            })
            .collect();
        for attack in attacks {
            let (status, answer) = attack.await.unwrap();
            assert!(status < 500, "{levels}×{fanout}: {status} {answer}");
            assert_eq!(
                code(&answer),
                Some("GRAPHQL_VALIDATION_FAILED"),
                "{levels}×{fanout}: {answer}"
            );
        }
        server.assert_alive(pid);
    }
    // Fragments spreading each other in a cycle are refused too.
    let cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    let (_, answer) = post(&server, None, query_body(cycle)).await;
    assert!(code(&answer).is_some(), "{answer}");
    server.assert_alive(pid);
    probe.assert_healthy("fragment explosions").await;
    server.finish().await;
}

/// `viewer { organizations { nodes { projects { nodes { organization { projects … } } } } } }`,
/// `levels` times round.
fn fan_out(levels: usize) -> String {
    let open = "organization { projects { nodes { ".repeat(levels);
    let close = "} } } ".repeat(levels);
    format!("{{ viewer {{ organizations {{ nodes {{ projects {{ nodes {{ {open}slug {close}}} }} }} }} }} }}")
}

#[tokio::test]
async fn list_fan_out_and_alias_floods_are_refused_before_any_work() {
    let Some(server) = ServerProcess::start(Db::Sqlite).await else {
        return;
    };
    let pid = server.pid();
    let owner = server.token("fan-out-owner");
    // Something to fan out over.
    let f = server.fixture("fan-org", "shop").await;
    let probe = HealthProbe::start(&server);
    for levels in [2, 4, 10, 30] {
        let (_, answer) = post(&server, Some(&f.owner), query_body(&fan_out(levels))).await;
        assert!(
            matches!(
                code(&answer),
                Some("GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED")
            ),
            "{levels} levels: {answer}"
        );
        server.assert_alive(pid);
    }
    // Aliased mutations: refused whole, nothing written.
    for count in [6, 31, 100, 1_000, 5_000] {
        let fields: String = (0..count)
            .map(|i| format!("m{i}: createOrganization(slug: \"flood-{i}\", name: \"F\") {{ slug }} "))
            .collect();
        let (_, answer) = post(&server, Some(&owner), query_body(&format!("mutation {{ {fields}}}"))).await;
        assert_eq!(
            code(&answer),
            Some("GRAPHQL_VALIDATION_FAILED"),
            "{count} mutations: {answer}"
        );
        server.assert_alive(pid);
    }
    let mine = server
        .gql(
            &owner,
            "{ viewer { organizations(first: 100) { nodes { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["viewer"]["organizations"]["nodes"],
        json!([]),
        "no flooded write landed"
    );
    // Aliased reads.
    for count in [31, 1_000, 20_000] {
        let fields: String = (0..count).map(|i| format!("a{i}: __typename ")).collect();
        let (_, answer) = post(&server, None, query_body(&format!("{{ {fields}}}"))).await;
        assert!(
            matches!(code(&answer), Some("GRAPHQL_VALIDATION_FAILED" | "PAYLOAD_TOO_LARGE")),
            "{count} aliases: {answer}"
        );
        server.assert_alive(pid);
    }
    probe.assert_healthy("fan-out and aliases").await;
    server.finish().await;
}

#[tokio::test]
async fn oversized_bodies_are_refused_whatever_their_framing() {
    let Some(server) = ServerProcess::start_with(Db::Sqlite, &[("SLIPWAY_BODY_LIMIT", "65536")]).await else {
        return;
    };
    let pid = server.pid();
    let probe = HealthProbe::start(&server);
    for size in [1_024, 65_000, 65_537, 1 << 20, 16 << 20] {
        let padding = " ".repeat(size);
        let body = format!("{{\"query\":\"{{ __typename }}\"{padding}}}");
        // With a Content-Length…
        let response = server
            .client
            .post(server.url("/graphql"))
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await;
        let over = body.len() > 65_536;
        match response {
            Ok(response) => assert_eq!(response.status().as_u16(), if over { 413 } else { 200 }, "{size} bytes"),
            // The server may answer 413 and close before a large body is all sent.
            Err(e) => assert!(over, "{size} bytes: {e}"),
        }
        server.assert_alive(pid);
        // …and streamed in chunks without one.
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            body.into_bytes().chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
        let streamed = server
            .client
            .post(server.url("/graphql"))
            .header(CONTENT_TYPE, "application/json")
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
            .send()
            .await;
        match streamed {
            Ok(response) => assert_eq!(
                response.status().as_u16(),
                if over { 413 } else { 200 },
                "{size} bytes streamed"
            ),
            Err(e) => assert!(over, "{size} bytes streamed: {e}"),
        }
        server.assert_alive(pid);
    }
    probe.assert_healthy("bodies").await;
    server.finish().await;
}

#[tokio::test]
async fn the_websocket_refuses_the_same_documents_without_dying() {
    let Some(server) = ServerProcess::start(Db::Sqlite).await else {
        return;
    };
    let pid = server.pid();
    let owner = server.token("ws-attacker");
    let probe = HealthProbe::start(&server);
    let ws_url = server.base.replacen("http://", "ws://", 1) + "/graphql";
    let mut documents: Vec<(String, Value)> = Vec::new();
    for depth in [65, 1_000, 100_000] {
        for (place, document) in nested_documents(depth) {
            documents.push((format!("{place} at {depth}"), json!({ "query": document })));
        }
    }
    // Variables nested past the limit (100 levels: what a JSON reader accepts).
    let deep: Value = serde_json::from_str(&format!("{}1{}", "[".repeat(100), "]".repeat(100))).unwrap();
    documents.push((
        "variables".into(),
        json!({ "query": "subscription($v: JSON) { releaseUpdated(org: \"o\", project: \"p\") { id } }",
                "variables": { "v": deep } }),
    ));
    documents.push((
        "fragment explosion".into(),
        json!({ "query": fragment_explosion(20, 10) }),
    ));
    documents.push(("fan-out".into(), json!({ "query": fan_out(10) })));
    for (what, payload) in documents {
        let mut request = ws_url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {owner}") } });
        socket.send(Message::Text(init.to_string().into())).await.unwrap();
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": payload });
        // A message the server refuses to read may close the socket: that is a refusal too.
        let sent = socket.send(Message::Text(subscribe.to_string().into())).await;
        let mut refused = sent.is_err();
        while !refused {
            match tokio::time::timeout(PATIENCE, socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let message: Value = serde_json::from_str(text.as_str()).unwrap();
                    match message["type"].as_str() {
                        Some("connection_ack" | "ping" | "pong") => {}
                        Some("error" | "next") => {
                            let text = message.to_string();
                            assert!(
                                text.contains("GRAPHQL_PARSE_FAILED") || text.contains("GRAPHQL_VALIDATION_FAILED"),
                                "{what}: {text}"
                            );
                            refused = true;
                        }
                        other => panic!("{what}: unexpected message {other:?}: {message}"),
                    }
                }
                Ok(Some(Ok(Message::Close(_))) | None | Some(Err(_))) => refused = true,
                Ok(Some(Ok(_))) => {}
                Err(_) => panic!("{what}: no answer within {PATIENCE:?}"),
            }
        }
        server.assert_alive(pid);
    }
    probe.assert_healthy("WebSocket").await;
    server.finish().await;
}

#[tokio::test]
async fn stalled_connections_and_wrong_media_types_cost_nothing() {
    let env = [("SLIPWAY_HEADER_READ_TIMEOUT", "1s"), ("SLIPWAY_MAX_CONNECTIONS", "64")];
    let Some(server) = ServerProcess::start_with(Db::Sqlite, &env).await else {
        return;
    };
    let pid = server.pid();
    let address = server.base.trim_start_matches("http://").to_owned();
    let probe = HealthProbe::start(&server);
    // Forty clients that start a request and never finish its headers: each is cut at the
    // header timeout, and the slots they held serve others again.
    let mut stalled = Vec::new();
    for i in 0..40 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        let partial = format!("POST /graphql HTTP/1.1\r\nHost: x\r\nX-Stall-{i}: ");
        tokio::io::AsyncWriteExt::write_all(&mut socket, partial.as_bytes())
            .await
            .unwrap();
        stalled.push(socket);
    }
    for mut socket in stalled {
        let mut buffer = [0_u8; 256];
        let read = tokio::time::timeout(PATIENCE, tokio::io::AsyncReadExt::read(&mut socket, &mut buffer))
            .await
            .expect("a stalled connection is closed at the header timeout");
        // Closed (0 bytes or a reset), possibly after a 408-style answer: never left open.
        if let Ok(n) = read {
            assert!(
                n == 0 || buffer.starts_with(b"HTTP/1.1 4"),
                "{:?}",
                String::from_utf8_lossy(&buffer[..n])
            );
        }
    }
    server.assert_alive(pid);
    // Bodies that are not JSON are refused before anything reads them.
    for content_type in [
        "text/plain",
        "application/graphql",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ] {
        let response = server
            .client
            .post(server.url("/graphql"))
            .header(CONTENT_TYPE, content_type)
            .body(query_body(&fragment_explosion(20, 10)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 415, "{content_type}");
        server.assert_alive(pid);
    }
    probe.assert_healthy("stalled connections and media types").await;
    server.finish().await;
}

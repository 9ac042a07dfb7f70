//! Slow and idle clients and the connection limit, from a raw TCP socket: headers that never
//! finish (or trickle in) are cut at the header-read timeout, idle keep-alive connections at
//! the idle timeout, connections beyond the limit wait until one closes — while `/healthz` keeps
//! answering — and the long-lived watch stream and GraphQL subscriptions outlive a short idle
//! timeout.

use std::time::Duration;

use serde_json::{Value, json};
use slipway_server::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::helpers::{PATIENCE, TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_with};
use crate::subscriptions::{connect, init, receive, send};
use crate::watch::open;

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: slipway\r\n\r\n";

/// A server with `tune` applied to its default settings.
async fn spawn_tuned(tune: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path()).unwrap();
    tune(&mut settings);
    spawn_with(settings, Some(dir)).await
}

/// Waits until the server closes `socket` (end of stream or a reset); `Err` if it is still open
/// after `wait`. Whatever the server sends first is ignored.
async fn closed_within(socket: &mut TcpStream, wait: Duration) -> Result<(), &'static str> {
    let mut buffer = [0u8; 1024];
    let deadline = Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Err(_) => return Err("still open"),
            Ok(Ok(0) | Err(_)) => return Ok(()),
            Ok(Ok(_)) => {}
        }
    }
}

/// Reads one HTTP/1.1 response (headers, then a `Content-Length` body); its status line.
async fn read_response(socket: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("a Content-Length");
            while data.len() < end + 4 + length {
                let n = tokio::time::timeout(PATIENCE, socket.read(&mut buffer))
                    .await
                    .expect("the body in time")
                    .unwrap();
                assert!(n > 0, "the connection closed mid-body");
                data.extend_from_slice(&buffer[..n]);
            }
            return head.lines().next().unwrap_or_default().to_owned();
        }
        let n = tokio::time::timeout(PATIENCE, socket.read(&mut buffer))
            .await
            .expect("a response in time")
            .unwrap();
        assert!(n > 0, "the connection closed before a response");
        data.extend_from_slice(&buffer[..n]);
    }
}

/// `GET /healthz` over a fresh reqwest connection answers 200 within a second.
async fn healthz_answers_promptly(app: &TestApp) {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(1), client.get(app.url("/healthz")).send())
        .await
        .expect("/healthz answers within a second")
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn unfinished_headers_are_cut_at_the_header_read_timeout() {
    let timeout = Duration::from_millis(600);
    let app = spawn_tuned(|s| s.header_read_timeout = timeout).await;

    // Half a request, then silence; and a connection that sends nothing at all.
    let opened = Instant::now();
    let mut half = TcpStream::connect(app.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: slip").await.unwrap();
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    // Meanwhile the server answers everyone else at once.
    healthz_answers_promptly(&app).await;
    closed_within(&mut half, PATIENCE).await.expect("half a header is cut");
    assert!(
        opened.elapsed() >= timeout - Duration::from_millis(100),
        "not before the timeout: {:?}",
        opened.elapsed()
    );
    closed_within(&mut silent, PATIENCE)
        .await
        .expect("a silent connection is cut");

    // Trickling a byte every 100 ms does not extend the deadline: it runs from the first byte.
    let mut trickle = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();
    let mut closed = false;
    for byte in b"GET /healthz HTTP/1.1\r\nX-Slow: ".iter().cycle().take(200) {
        if trickle.write_all(&[*byte]).await.is_err()
            || closed_within(&mut trickle, Duration::from_millis(100)).await.is_ok()
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "a trickled header is cut");
    assert!(
        started.elapsed() < timeout * 5,
        "cut near the header timeout, not later: {:?}",
        started.elapsed()
    );
    healthz_answers_promptly(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn idle_keep_alive_connections_close_at_the_idle_timeout() {
    let idle = Duration::from_millis(600);
    let app = spawn_tuned(|s| s.idle_timeout = idle).await;
    let mut socket = TcpStream::connect(app.addr).await.unwrap();
    socket.write_all(HEALTHZ).await.unwrap();
    assert_eq!(read_response(&mut socket).await, "HTTP/1.1 200 OK");
    // Kept alive: a second request on the same connection is served.
    socket.write_all(HEALTHZ).await.unwrap();
    assert_eq!(read_response(&mut socket).await, "HTTP/1.1 200 OK");
    let answered = Instant::now();
    closed_within(&mut socket, PATIENCE)
        .await
        .expect("an idle connection is closed");
    assert!(
        answered.elapsed() >= idle - Duration::from_millis(100),
        "not before the idle timeout: {:?}",
        answered.elapsed()
    );
    app.finish().await;
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let app = spawn_tuned(|s| {
        s.max_connections = 2;
        s.header_read_timeout = Duration::from_secs(60);
        s.idle_timeout = Duration::from_secs(60);
    })
    .await;
    // Two connections take the two slots (each served once, then kept alive).
    let mut first = TcpStream::connect(app.addr).await.unwrap();
    first.write_all(HEALTHZ).await.unwrap();
    assert_eq!(read_response(&mut first).await, "HTTP/1.1 200 OK");
    let mut second = TcpStream::connect(app.addr).await.unwrap();
    second.write_all(HEALTHZ).await.unwrap();
    assert_eq!(read_response(&mut second).await, "HTTP/1.1 200 OK");

    // A third one connects (the kernel queues it) but is not served while both are open.
    let mut third = TcpStream::connect(app.addr).await.unwrap();
    third.write_all(HEALTHZ).await.unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(800), third.read(&mut byte)).await;
    assert!(early.is_err(), "the third connection waits: {early:?}");
    // The open ones are still served.
    first.write_all(HEALTHZ).await.unwrap();
    assert_eq!(read_response(&mut first).await, "HTTP/1.1 200 OK");

    // One closes: the waiting one is served, and the server is back to normal.
    drop(first);
    assert_eq!(read_response(&mut third).await, "HTTP/1.1 200 OK");
    drop(second);
    drop(third);
    healthz_answers_promptly(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn watch_streams_and_subscriptions_outlive_a_short_idle_timeout() {
    let idle = Duration::from_millis(300);
    let app = spawn_tuned(|s| s.idle_timeout = idle).await;
    let f = fixture(&app, "idle-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["prod"]).await;
    let key = api_key(&app, &f, &["prod"]).await;

    let mut watch = open(&app, &key, "environment=prod").await;
    watch.next_event().await.unwrap();
    let mut socket = connect(&app).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {}", f.owner) })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query":
            "subscription { environmentChanged(org: \"idle-org\", project: \"shop\", environment: \"prod\") {
               environment { slug } } }" } }),
    )
    .await;

    // Several idle timeouts pass with nothing on either connection (the watch keep-alive is
    // 15 s by default, so not even a comment).
    tokio::time::sleep(idle * 5).await;

    // Deploy until the subscription has seen one (the protocol does not acknowledge a
    // subscription, so the first deployment may race it); the watch stream sees each.
    let mut subscription_event: Option<Value> = None;
    for attempt in 2..=11 {
        new_prompt_version(&app, &f, "greeting", &format!("v{attempt}"), &["prod"]).await;
        let (event, _, data) = watch.next_event().await.expect("the watch stream is still open");
        assert_eq!(event, "config");
        assert!(data.contains(&format!("v{attempt}")), "{data}");
        if let Some(message) = receive(&mut socket, Duration::from_secs(2)).await {
            subscription_event = Some(message.expect("the WebSocket is still open"));
            break;
        }
    }
    let message = subscription_event.expect("a subscription event");
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(
        message["payload"]["data"]["environmentChanged"]["environment"]["slug"],
        "prod"
    );
    app.finish().await;
}

#[tokio::test]
async fn websockets_must_send_connection_init_within_the_header_timeout() {
    let timeout = Duration::from_millis(500);
    let app = spawn_tuned(|s| s.header_read_timeout = timeout).await;
    let owner = app.token("ws-idle");
    let mut silent = connect(&app).await;
    let mut prompt = connect(&app).await;
    let ack = init(&mut prompt, json!({ "Authorization": format!("Bearer {owner}") })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");

    let answer = receive(&mut silent, PATIENCE).await;
    assert!(
        matches!(answer, Some(Err(_))),
        "a socket without connection_init is closed: {answer:?}"
    );
    // The one that said hello in time is still served after the timeout.
    tokio::time::sleep(timeout * 2).await;
    send(&mut prompt, json!({ "type": "ping" })).await;
    let pong = receive(&mut prompt, PATIENCE).await.unwrap().unwrap();
    assert_eq!(pong["type"], "pong", "{pong}");
    app.finish().await;
}

//! The audit log's integrity through the real server and binary: `slipway audit verify` reports
//! a chain whose newest event was deleted behind the server's back, and the request ids it
//! records are the server's own, with the caller's `x-request-id` kept beside them only when it is
//! short and plain (SQLite and PostgreSQL).

use std::io::{Read, Write};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde_json::{Value, json};

use crate::helpers::{Db, Fixture, TestApp, fixture, spawn_app_on};
use crate::process::ServerProcess;

const CHAIN: &str = "query($org: String!, $project: String!) {
  auditChain(org: $org, project: $project) { verified verifiedEvents brokenAt problem } }";

const CREATE_PROMPT: &str = "mutation($org: String!, $project: String!, $key: String!) {
  createPrompt(org: $org, project: $project, key: $key) { key } }";

/// What the database's owner runs to delete the newest event of `project`'s chain: first the
/// guard that makes the events append-only, then the row.
fn delete_newest_event(database_url: &str, project: &str) -> Vec<String> {
    let drop_guard = if database_url.starts_with("postgres") {
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_refuse_change"
    } else {
        "DROP TRIGGER audit_events_refuse_delete"
    };
    let chain = format!("(SELECT id FROM projects WHERE slug = '{project}')");
    vec![
        drop_guard.to_owned(),
        format!(
            "DELETE FROM audit_events WHERE chain_id = {chain} AND sequence = \
             (SELECT MAX(sequence) FROM audit_events WHERE chain_id = {chain})"
        ),
    ]
}

/// The chain status the dashboard reads for `f`'s project.
async fn chain(server: &ServerProcess, f: &Fixture) -> Value {
    let vars = json!({ "org": f.org, "project": f.project });
    server.gql(&f.owner, CHAIN, vars).await["auditChain"].clone()
}

/// The event count in `slipway audit verify`'s report of an intact chain.
fn verified_count(report: &str) -> u64 {
    report
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {report:?}"))
}

async fn truncation_is_reported(db: Db) {
    let Some(server) = ServerProcess::start(db).await else {
        eprintln!("skipped: SLIPWAY_TEST_DATABASE_URL is not set");
        return;
    };
    let f = server.fixture("trunc", "shop").await;
    for key in ["greeting", "farewell"] {
        server
            .gql(
                &f.owner,
                CREATE_PROMPT,
                json!({ "org": f.org, "project": f.project, "key": key }),
            )
            .await;
    }
    let events = verified_count(&server.audit_verify("trunc/shop"));
    assert!(events >= 3, "project creation and two prompts: {events}");
    assert_eq!(
        chain(&server, &f).await,
        json!({ "verified": true, "verifiedEvents": events, "brokenAt": null, "problem": null }),
        "the dashboard's chain status agrees with `audit verify`"
    );

    let statements = delete_newest_event(&server.settings.database_url, "shop");
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    let affected = slipway_store::testing::execute_unchecked(&server.settings.database_url, &statements)
        .await
        .unwrap();
    assert_eq!(affected.last(), Some(&1), "one event deleted");
    let broken = chain(&server, &f).await;
    assert_eq!(
        (broken["verified"].clone(), broken["brokenAt"].clone()),
        (json!(false), Value::Null)
    );
    assert!(broken["problem"].as_str().unwrap().contains("truncated"), "{broken}");

    let output = server.cli(&["audit", "verify", "--project", "trunc/shop"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "a truncated chain must fail: {stdout}");
    assert!(
        stdout.contains("chain BROKEN")
            && stdout.contains("truncated")
            && stdout.contains(&format!("records event #{events}"))
            && stdout.contains(&format!("last event is #{}", events - 1)),
        "{stdout}"
    );

    // The server goes on writing; the gap stays visible.
    server
        .gql(
            &f.owner,
            CREATE_PROMPT,
            json!({ "org": f.org, "project": f.project, "key": "after-the-cut" }),
        )
        .await;
    let output = server.cli(&["audit", "verify", "--project", "trunc/shop"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("event #{}", events + 1)) && stdout.contains("missing"),
        "{stdout}"
    );
    assert_eq!(
        chain(&server, &f).await["brokenAt"],
        json!(events + 1),
        "the gap is located"
    );
    // Another project's chain is untouched.
    server.fixture("other", "shop2").await;
    server.audit_verify("other/shop2");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_reports_a_truncated_chain() {
    truncation_is_reported(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_reports_a_truncated_chain_on_postgres() {
    truncation_is_reported(Db::Postgres).await;
}

/// Sends `createPrompt` for `key` with `x-request-id: given` (if any); returns the response's
/// `x-request-id` and `x-caller-request-id`.
async fn create_prompt_with_id(
    app: &TestApp,
    f: &Fixture,
    key: &str,
    given: Option<HeaderValue>,
) -> (String, Option<String>) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header(AUTHORIZATION, format!("Bearer {}", f.owner))
        .json(&json!({
            "query": CREATE_PROMPT,
            "variables": { "org": f.org, "project": f.project, "key": key },
        }));
    if let Some(given) = given {
        request = request.header("x-request-id", given);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let server_id = header("x-request-id").expect("every response names its request");
    let echoed = header("x-caller-request-id");
    let body: Value = response.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    (server_id, echoed)
}

/// Sends raw bytes as one HTTP request and returns the status line of the answer.
fn raw_status_line(app: &TestApp, request: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(app.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !answer.contains(&b'\n') {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn request_ids_are_the_servers_and_the_callers_is_kept_only_when_plain(db: Db) {
    let Some(app) = spawn_app_on(db).await else {
        eprintln!("skipped: SLIPWAY_TEST_DATABASE_URL is not set");
        return;
    };
    let f = fixture(&app, "rid-org", "rid").await;

    let (server_id, echoed) = create_prompt_with_id(&app, &f, "plain", Some(HeaderValue::from_static("abc-123"))).await;
    assert_ne!(server_id, "abc-123", "the caller never chooses the server's id");
    assert_eq!(
        uuid::Uuid::parse_str(&server_id).unwrap().get_version_num(),
        7,
        "{server_id}"
    );
    assert_eq!(echoed.as_deref(), Some("abc-123"));
    let mut expected = vec![(server_id, Some("abc-123".to_owned()))];

    let longest = "x".repeat(64);
    let (server_id, echoed) =
        create_prompt_with_id(&app, &f, "longest", Some(HeaderValue::from_str(&longest).unwrap())).await;
    assert_eq!(echoed.as_deref(), Some(longest.as_str()));
    expected.push((server_id, Some(longest)));

    let hostile = [
        HeaderValue::from_str(&"x".repeat(65)).unwrap(),
        HeaderValue::from_str(&"y".repeat(4000)).unwrap(),
        HeaderValue::from_static("has space"),
        HeaderValue::from_static("tab\there"),
        HeaderValue::from_static("forged\"},{\"x\":1"),
        HeaderValue::from_bytes("caf\u{e9}".as_bytes()).unwrap(),
        HeaderValue::from_bytes("\u{202e}evil".as_bytes()).unwrap(),
        HeaderValue::from_static(""),
    ];
    for (i, given) in hostile.into_iter().enumerate() {
        let (server_id, echoed) = create_prompt_with_id(&app, &f, &format!("hostile-{i}"), Some(given)).await;
        assert_eq!(echoed, None, "hostile value {i} is not echoed");
        expected.push((server_id, None));
    }
    let (server_id, echoed) = create_prompt_with_id(&app, &f, "none", None).await;
    assert_eq!(echoed, None);
    expected.push((server_id, None));

    // Control characters never get as far as the application: the HTTP parser refuses them.
    let body = r#"{"query":"{ viewer { user { subject } } }"}"#;
    let raw = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         x-request-id: a\x01b\x1b[31m\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        f.owner,
        body.len()
    );
    let status = raw_status_line(&app, raw.as_bytes());
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");

    let data = app
        .gql(
            &f.owner,
            "query($org: String!, $project: String!) { auditLog(org: $org, project: $project, first: 100) {
               nodes { action requestId callerRequestId } } }",
            json!({ "org": f.org, "project": f.project }),
        )
        .await;
    let events = data["auditLog"]["nodes"].as_array().unwrap();
    for (server_id, caller_id) in &expected {
        let event = events
            .iter()
            .find(|e| e["requestId"] == json!(server_id))
            .unwrap_or_else(|| panic!("no event for request {server_id}: {events:?}"));
        assert_eq!(event["callerRequestId"], json!(caller_id), "{event}");
    }

    // The chain, with and without callers' ids, verifies.
    let project = format!("{}/{}", f.org, f.project);
    let verified = slipway_server::commands::audit_verify(&app.settings, &project)
        .await
        .unwrap();
    assert_eq!(verified, Ok(u64::try_from(events.len()).unwrap()));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_the_servers_and_plain_caller_ids_are_kept() {
    request_ids_are_the_servers_and_the_callers_is_kept_only_when_plain(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_are_the_servers_and_plain_caller_ids_are_kept_on_postgres() {
    request_ids_are_the_servers_and_the_callers_is_kept_only_when_plain(Db::Postgres).await;
}

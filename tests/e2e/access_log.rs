//! The access log of the real binary in JSON: off at the default level, and with
//! `slipway::access=debug` one line per answered request whose latency is a number and whose
//! span names the caller (never the token) and the GraphQL operation.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::PATIENCE;
use crate::process::listening_address;

/// A `slipway serve` child logging JSON with `filter`, its stderr lines collected.
struct Logged {
    child: Child,
    base: String,
    lines: Arc<Mutex<Vec<String>>>,
    data: tempfile::TempDir,
}

impl Logged {
    fn start(filter: &str) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
        for (name, _) in std::env::vars() {
            if name.starts_with("SLIPWAY_") {
                command.env_remove(name);
            }
        }
        let mut child = command
            .env("SLIPWAY_DATA_DIR", data.path())
            .env("SLIPWAY_LISTEN", "127.0.0.1:0")
            .env("SLIPWAY_LOG_FORMAT", "json")
            .env("SLIPWAY_LOG", format!("{filter},slipway_server::server=info"))
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                kept.lock().unwrap().push(line);
            }
        });
        let started = Instant::now();
        let base = loop {
            if let Some(addr) = lines.lock().unwrap().iter().find_map(|l| listening_address(l)) {
                break format!("http://{addr}");
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no listening line: {:?}",
                lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Self {
            child,
            base,
            lines,
            data,
        }
    }

    fn token(&self, subject: &str) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_slipway"))
            .env("SLIPWAY_DATA_DIR", self.data.path())
            .env("SLIPWAY_LOG", "warn")
            .args(["token", "--sub", subject])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// The JSON lines logged so far whose target is the access log.
    fn access_lines(&self) -> Vec<Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["target"] == "slipway::access")
            .collect()
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn viewer(server: &Logged, token: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .bearer_auth(token)
        .json(&json!({ "query": "query Whoami { viewer { user { subject } } }", "operationName": "Whoami" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_access_log_is_off_by_default_and_numeric_and_attributed_when_on() {
    let quiet = Logged::start("info");
    let token = quiet.token("alice");
    viewer(&quiet, &token).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(quiet.access_lines().is_empty(), "no access line at the default level");
    drop(quiet);

    let server = Logged::start("info,slipway::access=debug");
    let token = server.token("alice");
    viewer(&server, &token).await;
    let started = Instant::now();
    let line = loop {
        if let Some(line) = server
            .access_lines()
            .into_iter()
            .find(|l| l["span"]["path"] == "/graphql")
        {
            break line;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no access line: {:?}",
            server.lines.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(line["fields"]["status"], 200, "{line}");
    assert!(line["fields"]["latency_ms"].is_f64(), "latency is a number: {line}");
    assert_eq!(line["span"]["caller"], "user:alice", "{line}");
    assert_eq!(line["span"]["operation"], "Whoami", "{line}");
    let everything = server.lines.lock().unwrap().join("\n");
    assert!(!everything.contains(&token), "the token is never logged");
}

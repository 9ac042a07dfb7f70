//! `Slipway`: the real `slipway serve` binary as a child process on a free port with a fresh
//! SQLite data directory, and the GraphQL calls the tests set up data with. The binary is the
//! workspace's `target/debug/slipway` (built by any workspace build or test run) or `$SLIPWAY_BIN`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use tempfile::TempDir;

/// How long anything that should happen at once may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

const LISTENING: &str = "Slipway listening on http://";

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SLIPWAY_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")),
        PathBuf::from,
    );
    let path = target.join("debug/slipway");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p slipway-server` (or set SLIPWAY_BIN)",
        path.display()
    );
    path
}

/// A running `slipway serve`.
pub struct Slipway {
    /// `http://127.0.0.1:PORT`, the same across [`restart`](Self::restart)s.
    pub base: String,
    addr: String,
    child: Option<Child>,
    dir: TempDir,
    http: reqwest::Client,
}

impl Slipway {
    fn command(&self) -> Command {
        command(&self.dir)
    }

    /// Starts a server on a free port.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (child, addr) = launch(&dir, "127.0.0.1:0").await;
        Self {
            base: format!("http://{addr}"),
            addr,
            child: Some(child),
            dir,
            http: reqwest::Client::new(),
        }
    }

    /// Kills the server (SIGKILL: connections drop as in a crash).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same address and data.
    pub async fn restart(&mut self) {
        self.kill();
        let (child, _) = launch(&self.dir, &self.addr).await;
        self.child = Some(child);
    }

    /// A JWT for `subject`, from `slipway token`.
    pub fn token(&self, subject: &str) -> String {
        let output = self.command().args(["token", "--sub", subject]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// A GraphQL operation that must succeed; its `data`.
    pub async fn gql(&self, bearer: &str, query: &str, variables: Value) -> Value {
        let body: Value = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(bearer)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    /// `GET path` with `bearer`, as JSON.
    pub async fn get(&self, path: &str, bearer: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Slipway {
    fn drop(&mut self) {
        self.kill();
    }
}

fn command(dir: &TempDir) -> Command {
    let mut command = Command::new(binary());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SLIPWAY_") {
            command.env_remove(name);
        }
    }
    command
        .env("SLIPWAY_DATA_DIR", dir.path())
        .env("SLIPWAY_RATE_LIMIT", "false")
        .env("SLIPWAY_WATCH_KEEPALIVE", "1s")
        .env("SLIPWAY_LOG", "warn")
        .stdin(Stdio::null());
    command
}

async fn launch(dir: &TempDir, listen: &str) -> (Child, String) {
    let mut child = command(dir)
        .env("SLIPWAY_LISTEN", listen)
        .env("SLIPWAY_LOG_FORMAT", "json")
        .env("SLIPWAY_LOG", "warn,slipway_server::server=info")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (found, address) = mpsc::channel();
    // A thread drains the pipe for the child's whole life, so the server never blocks on it.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let message = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|v| v["fields"]["message"].as_str().map(str::to_owned));
            if let Some(rest) = message.as_deref().and_then(|m| m.strip_prefix(LISTENING)) {
                let _ = found.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
            }
            if std::env::var_os("TEST_LOG").is_some() {
                eprintln!("[slipway] {line}");
            }
        }
    });
    let addr = tokio::task::spawn_blocking(move || address.recv_timeout(PATIENCE))
        .await
        .unwrap()
        .expect("slipway serve listened in time");
    let http = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Ok(r) = http.get(format!("http://{addr}/healthz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "slipway serve never became healthy"
        );
        // A pause between polls of a deadline-bounded wait, not a synchronisation.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (child, addr)
}

/// A project with a prompt, and API keys to read it.
pub struct Project {
    pub owner: String,
    pub org: String,
}

impl Slipway {
    /// Organization `org` with project `shop`, owned by a new user.
    pub async fn project(&self, org: &str) -> Project {
        let owner = self.token(&format!("owner-of-{org}"));
        self.gql(
            &owner,
            "mutation($o: String!) { createOrganization(slug: $o, name: $o) { slug } }",
            json!({ "o": org }),
        )
        .await;
        self.gql(
            &owner,
            "mutation($o: String!) { createProject(org: $o, slug: \"shop\", name: \"Shop\") { slug } }",
            json!({ "o": org }),
        )
        .await;
        Project {
            owner,
            org: org.to_owned(),
        }
    }

    /// Publishes a version of prompt `key` whose system message is `text` to `environments`
    /// (creating the prompt on first use).
    pub async fn publish(&self, p: &Project, key: &str, text: &str, environments: &[&str]) {
        // Creating the prompt again fails harmlessly: the version below is what counts.
        let _ = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&p.owner)
            .json(&json!({
                "query": "mutation($o: String!, $k: String!) { createPrompt(org: $o, project: \"shop\", key: $k) { key } }",
                "variables": { "o": p.org, "k": key },
            }))
            .send()
            .await
            .unwrap();
        self.gql(
            &p.owner,
            "mutation($o: String!, $k: String!, $c: JSON!, $to: [String!]) {
               createPromptVersion(org: $o, project: \"shop\", key: $k, content: $c, message: \"test\",
                                   publishTo: $to) { version { number } } }",
            json!({ "o": p.org, "k": key, "to": environments, "c": {
                "model": "gpt-4o-mini",
                "messages": [{ "role": "system", "content": text }],
                "variables": if text.contains("{{name}}") { json!(["name"]) } else { json!([]) },
            }}),
        )
        .await;
    }

    /// An API key of `p`'s project limited to `environments` (all when empty).
    pub async fn api_key(&self, p: &Project, environments: &[&str]) -> String {
        let data = self
            .gql(
                &p.owner,
                "mutation($o: String!, $e: [String!]!) {
                   createApiKey(org: $o, project: \"shop\", name: \"app\", environments: $e) { secret } }",
                json!({ "o": p.org, "e": environments }),
            )
            .await;
        data["createApiKey"]["secret"].as_str().unwrap().to_owned()
    }
}

/// Waits until `condition` holds, failing the test after [`PATIENCE`].
pub async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "{what} did not happen in time");
        // A pause between polls of a deadline-bounded wait, not a synchronisation.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

//! `ServerProcess`: the real `slipway` binary run as a child process (`slipway serve`), for the
//! tests that must see the process itself — killed with SIGKILL and restarted on the same
//! database, or watched to prove that it never dies and never changes its pid.
//!
//! The in-process [`spawn_app`](crate::helpers::spawn_app) is quicker and should be preferred;
//! use this only where the test is about the process.
//!
//! ```ignore
//! let Some(mut server) = ServerProcess::start(Db::Sqlite).await else { return };
//! let owner = server.token("alice");
//! let data = server.gql(&owner, "{ viewer { user { subject } } }", json!({})).await;
//! let pid = server.pid();
//! server.kill();                     // SIGKILL: no shutdown code runs
//! assert!(!server.is_alive());
//! server.restart().await;            // same data dir and database; new pid, new port
//! assert_ne!(server.pid(), pid);
//! let output = server.cli(&["audit", "verify", "--project", "acme/shop"]);
//! server.finish().await;             // kills, then drops the PostgreSQL database
//! ```
//!
//! A suite that must prove the server survives what it sends keeps `let pid = server.pid();`
//! and, after each step, calls [`server.assert_alive(pid)`](ServerProcess::assert_alive): it
//! fails with the exit status (a signal such as SIGABRT or SIGSEGV shows there) and the
//! server's last log lines if the process died or is no longer the same one.
//!
//! How it works, so that a test can rely on it:
//! - The child gets a fresh data directory (a `TempDir` the value owns) and, for
//!   [`Db::Postgres`], a fresh database on `SLIPWAY_TEST_DATABASE_URL` created as
//!   [`spawn_app_on`](crate::helpers::spawn_app_on) creates one. Every `SLIPWAY_*` variable of
//!   the test's own environment is removed first, so only what is set here (and the `extra`
//!   variables of [`ServerProcess::start_with`]) reaches it.
//! - It listens on `127.0.0.1:0`. The address comes from its `Slipway listening on http://…`
//!   log line (logs are JSON lines on standard error, read by a thread for the child's whole
//!   life so that the pipe never fills and blocks the server); then `GET /healthz` is polled
//!   until it answers 200, all within [`PATIENCE`]. No sleeps decide anything.
//! - The child's log lines (warnings and errors, plus the startup lines) are kept, the last
//!   [`KEPT_LOG_LINES`] of them, for failure messages ([`ServerProcess::logs`]); with `TEST_LOG`
//!   set they are also echoed to the test's standard error (and `TEST_LOG=debug`, say, sets the
//!   child's log filter).
//! - Dropping the value (a failing test unwinding, say) kills the child and drops its
//!   PostgreSQL database, so nothing is left behind; [`ServerProcess::finish`] does the same
//!   without blocking the test's runtime, and says where a test ends.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};
use slipway_server::{Settings, commands};
use tempfile::TempDir;
use tokio::sync::oneshot;

use crate::helpers::{Db, Fixture, PATIENCE, postgres_base};

/// How many of the child's most recent log lines [`ServerProcess::logs`] returns.
pub const KEPT_LOG_LINES: usize = 200;

/// The message prefix of the log line that names the bound address (see `server.rs`).
const LISTENING: &str = "Slipway listening on http://";

/// The kept log lines, shared with the threads that read the children's standard error.
type Logs = Arc<Mutex<VecDeque<String>>>;

/// The kept log lines, oldest first, one per line.
fn joined(logs: &Logs) -> String {
    let logs = logs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    logs.iter().map(String::as_str).collect::<Vec<_>>().join("\n")
}

/// A `slipway serve` child process and what a test needs to talk to it.
pub struct ServerProcess {
    /// `http://127.0.0.1:PORT` of the running child. A new port after each
    /// [`restart`](Self::restart): read it again rather than keeping a copy.
    pub base: String,
    /// A plain HTTP client (loopback only).
    pub client: reqwest::Client,
    /// Settings describing the child's data directory and database, for in-process operator
    /// commands (such as minting tokens). The child itself is configured by environment
    /// variables with the same values.
    pub settings: Settings,
    extra_env: Vec<(String, String)>,
    child: Mutex<Child>,
    logs: Logs,
    postgres: Option<(String, String)>,
    // Deleted when the value is dropped, after `Drop` has killed the child.
    _dir: TempDir,
}

impl ServerProcess {
    /// Starts `slipway serve` on a fresh database of `db`; `None` when PostgreSQL is asked for
    /// and `SLIPWAY_TEST_DATABASE_URL` is not set (the caller skips, as the other e2e tests do).
    ///
    /// # Panics
    /// When the child does not start and answer `/healthz` within [`PATIENCE`] (the panic
    /// message carries its log).
    pub async fn start(db: Db) -> Option<Self> {
        Self::start_with(db, &[]).await
    }

    /// As [`start`](Self::start), with extra environment variables for the child (for example
    /// `("SLIPWAY_BODY_LIMIT", "4096")`), kept for every [`restart`](Self::restart) and given
    /// to [`cli`](Self::cli) too. The variables this helper sets itself (data directory,
    /// database URL, listen address, log filter and format) cannot be overridden.
    pub async fn start_with(db: Db, extra_env: &[(&str, &str)]) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_data_dir(dir.path()).unwrap();
        let mut postgres = None;
        if db == Db::Postgres {
            let base = postgres_base()?;
            let name = format!("slipway_e2e_{}", uuid::Uuid::now_v7().simple());
            slipway_store::testing::create_database(&base, &name).await.unwrap();
            settings.database_url = slipway_store::testing::database_url(&base, &name);
            postgres = Some((base, name));
        }
        let extra_env: Vec<(String, String)> = extra_env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let logs = Logs::default();
        let (child, base) = launch(&settings, &extra_env, &logs).await;
        Some(Self {
            base,
            client: reqwest::Client::new(),
            settings,
            extra_env,
            child: Mutex::new(child),
            logs,
            postgres,
            _dir: dir,
        })
    }

    fn child(&self) -> MutexGuard<'_, Child> {
        self.child.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The operating-system process id of the current child (a new one after
    /// [`restart`](Self::restart)).
    pub fn pid(&self) -> u32 {
        self.child().id()
    }

    /// Whether the child is still running (it has not exited, crashed or been killed). Reaps it
    /// when it has exited, so a crash is seen at once; see [`exit_status`](Self::exit_status).
    pub fn is_alive(&self) -> bool {
        matches!(self.child().try_wait(), Ok(None))
    }

    /// How the child ended, once it has (`None` while it runs). After a crash, the status and
    /// [`logs`](Self::logs) say why (a signal such as SIGABRT shows in the status).
    pub fn exit_status(&self) -> Option<ExitStatus> {
        self.child().try_wait().ok().flatten()
    }

    /// Fails the test unless the child is running and is still process `pid` (taken from
    /// [`pid`](Self::pid) earlier): the message has the exit status and the last log lines.
    pub fn assert_alive(&self, pid: u32) {
        if let Some(status) = self.exit_status() {
            panic!(
                "the server (pid {pid}) died: {status}; its last log lines:\n{}",
                self.logs()
            );
        }
        assert_eq!(self.pid(), pid, "the server is no longer the same process");
    }

    /// Kills the child with SIGKILL (`Child::kill`) and waits until it is gone: no shutdown
    /// code runs, in-flight requests see their connection drop, and the database is left as a
    /// crash leaves it. Does nothing when the child has already exited.
    pub fn kill(&self) {
        let mut child = self.child();
        if matches!(child.try_wait(), Ok(None)) {
            // It may exit between the check and the signal; `wait` below reaps it either way.
            let _ = child.kill();
        }
        child.wait().unwrap();
    }

    /// Kills the child if it is running (SIGKILL) and starts a new one on the same data
    /// directory and database (and the same extra environment). Waits, like
    /// [`start`](Self::start), until it answers; then [`base`](Self::base) and
    /// [`pid`](Self::pid) name the new process. Tokens minted before stay valid (same secret).
    pub async fn restart(&mut self) {
        self.kill();
        let (child, base) = launch(&self.settings, &self.extra_env, &self.logs).await;
        *self.child() = child;
        self.base = base;
    }

    /// A JWT for `subject`, valid for an hour, signed with the data directory's HS256 secret
    /// exactly as `slipway token --sub SUBJECT` signs it (minted in-process: quicker than
    /// running the binary, same result).
    pub fn token(&self, subject: &str) -> String {
        commands::token(&self.settings, subject, None, None, Duration::from_secs(3600)).unwrap()
    }

    /// Runs another `slipway` subcommand (`audit verify …`, `token …`, `migrate`, …) on the
    /// same data directory and database, as an operator would next to the server, and returns
    /// its output (status, stdout, stderr) without judging it.
    pub fn cli(&self, args: &[&str]) -> Output {
        let mut command = slipway_command(&self.settings, &self.extra_env);
        command.env("SLIPWAY_LOG", "warn").args(args);
        command.output().unwrap()
    }

    /// The child's recent log lines (the current and earlier children of this value), oldest
    /// first, one per line: for failure messages.
    pub fn logs(&self) -> String {
        joined(&self.logs)
    }

    /// The URL of `path` on the current child.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a GraphQL operation with `bearer` (if any). `Err` when no whole answer came back
    /// (the connection was refused or dropped, as when the child is killed mid-request);
    /// otherwise the HTTP status and the JSON body.
    ///
    /// # Panics
    /// When the answer is not JSON.
    pub async fn try_gql(
        &self,
        bearer: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<(u16, Value), reqwest::Error> {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(bearer) = bearer {
            request = request.header(AUTHORIZATION, format!("Bearer {bearer}"));
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
        Ok((status, body))
    }

    /// Sends a GraphQL operation that must succeed; returns its `data`.
    pub async fn gql(&self, bearer: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .try_gql(Some(bearer), query, variables)
            .await
            .unwrap_or_else(|e| panic!("no answer ({e}); server log:\n{}", self.logs()));
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Creates an organization and a project owned by a new user (as
    /// [`helpers::fixture`](crate::helpers::fixture) does for an in-process server).
    pub async fn fixture(&self, org: &str, project: &str) -> Fixture {
        let owner = self.token(&format!("owner-of-{org}"));
        self.gql(
            &owner,
            "mutation($slug: String!) { createOrganization(slug: $slug, name: $slug) { slug } }",
            json!({ "slug": org }),
        )
        .await;
        self.gql(
            &owner,
            "mutation($org: String!, $slug: String!) { createProject(org: $org, slug: $slug, name: $slug) { slug } }",
            json!({ "org": org, "slug": project }),
        )
        .await;
        Fixture {
            owner,
            org: org.to_owned(),
            project: project.to_owned(),
        }
    }

    /// Every node of a paginated list: runs `query` (which takes `$after: String` and selects
    /// `pageInfo { hasNextPage endCursor } nodes { … }` on the connection at `path`, a list of
    /// field names from `data`) page after page.
    pub async fn all_nodes(&self, bearer: &str, query: &str, mut variables: Value, path: &[&str]) -> Vec<Value> {
        let mut nodes = Vec::new();
        loop {
            let data = self.gql(bearer, query, variables.clone()).await;
            let connection = path.iter().fold(&data, |value, field| &value[*field]);
            nodes.extend(
                connection["nodes"]
                    .as_array()
                    .unwrap_or_else(|| panic!("no nodes at {path:?}: {data}"))
                    .iter()
                    .cloned(),
            );
            if connection["pageInfo"]["hasNextPage"] != json!(true) {
                return nodes;
            }
            variables["after"] = connection["pageInfo"]["endCursor"].clone();
        }
    }

    /// Runs `slipway audit verify --project ORG/PROJECT` on the same database and returns its
    /// report (`… N events, chain intact`), failing the test when the chain does not verify.
    pub fn audit_verify(&self, project: &str) -> String {
        let output = self.cli(&["audit", "verify", "--project", project]);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success() && stdout.contains("chain intact"),
            "audit verify of {project} failed ({}): {stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    /// Kills the child and drops its PostgreSQL database, if it has one.
    pub async fn finish(mut self) {
        self.kill();
        if let Some((base, name)) = self.postgres.take() {
            let _ = slipway_store::testing::drop_database(&base, &name).await;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = child.kill();
        let _ = child.wait();
        if let Some((base, name)) = self.postgres.take() {
            // Drop may run inside the test's runtime, which cannot be blocked on: a small
            // runtime on a thread of its own drops the database.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime
                    .block_on(slipway_store::testing::drop_database(&base, &name))
                    .ok()
            })
            .join();
        }
    }
}

/// `slipway` with a clean `SLIPWAY_*` environment pointing at `settings`' data.
fn slipway_command(settings: &Settings, extra_env: &[(String, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SLIPWAY_") {
            command.env_remove(name);
        }
    }
    // The write-load and race suites would be throttled; a test may turn limiting back on.
    command.env("SLIPWAY_RATE_LIMIT", "false");
    for (name, value) in extra_env {
        command.env(name, value);
    }
    command
        .env("SLIPWAY_DATA_DIR", &settings.data_dir)
        .env("SLIPWAY_DATABASE_URL", &settings.database_url)
        .stdin(Stdio::null());
    command
}

/// Starts `slipway serve` and waits until it answers; returns the child and its base URL.
async fn launch(settings: &Settings, extra_env: &[(String, String)], logs: &Logs) -> (Child, String) {
    let echo = std::env::var_os("TEST_LOG").is_some();
    // Warnings and errors (everything TEST_LOG asks for, when set), plus the server's own
    // startup lines, one of which names the address.
    let filter = match std::env::var("TEST_LOG") {
        Ok(f) if f.len() > 1 => f,
        Ok(_) => "info".to_owned(),
        Err(_) => "warn".to_owned(),
    };
    let mut command = slipway_command(settings, extra_env);
    command
        .env("SLIPWAY_LISTEN", "127.0.0.1:0")
        .env("SLIPWAY_LOG_FORMAT", "json")
        .env("SLIPWAY_LOG", format!("{filter},slipway_server::server=info"))
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let pid = child.id();
    let (found, address) = oneshot::channel::<String>();
    let kept = Arc::clone(logs);
    // A thread, not a task: it blocks on the pipe for the child's whole life, and must keep
    // draining it after the test's runtime has moved on.
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if echo {
                eprintln!("[slipway {pid}] {line}");
            }
            if let Some(addr) = listening_address(&line)
                && let Some(found) = found.take()
            {
                let _ = found.send(addr);
            }
            let mut kept = kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if kept.len() == KEPT_LOG_LINES {
                kept.pop_front();
            }
            kept.push_back(line);
        }
        // End of the pipe: the child is gone. Dropping `found` unblocks a waiting start.
    });
    let addr = match tokio::time::timeout(PATIENCE, address).await {
        Ok(Ok(addr)) => addr,
        Ok(Err(_)) => {
            let status = child.wait().unwrap();
            panic!(
                "slipway serve exited ({status}) before listening; log:\n{}",
                joined(logs)
            );
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "slipway serve did not listen within {PATIENCE:?}; log:\n{}",
                joined(logs)
            );
        }
    };
    let base = format!("http://{addr}");
    if let Err(why) = wait_healthy(&base, &mut child).await {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{why}; log:\n{}", joined(logs));
    }
    (child, base)
}

/// The `ADDR` of a JSON log line whose message is `Slipway listening on http://ADDR …`.
pub(crate) fn listening_address(line: &str) -> Option<String> {
    let value: Value = serde_json::from_str(line).ok()?;
    let message = value["fields"]["message"].as_str()?;
    let rest = message.strip_prefix(LISTENING)?;
    let addr = rest.split_whitespace().next()?;
    addr.parse::<std::net::SocketAddr>().ok()?;
    Some(addr.to_owned())
}

/// Polls `GET /healthz` until it answers 200; `Err` says why not when the child exits first or
/// [`PATIENCE`] runs out.
async fn wait_healthy(base: &str, child: &mut Child) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut pause = Duration::from_millis(5);
    loop {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("slipway serve exited ({status}) before it was healthy"));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!("{base}/healthz did not answer within {PATIENCE:?}"));
        }
        // A pause between polls of a deadline-bounded wait, not a synchronisation.
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

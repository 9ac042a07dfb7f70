//! `spawn_app()` and the client helpers every test uses.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};
use slipway_server::{Server, Settings, Shutdown, commands};
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// How long a test waits for something that should happen at once before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Where a test's data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// A fresh SQLite file in a temporary directory.
    Sqlite,
    /// A fresh PostgreSQL database on `SLIPWAY_TEST_DATABASE_URL`.
    Postgres,
}

/// The PostgreSQL server tests may create databases on, if any (a CI run without one fails).
pub fn postgres_base() -> Option<String> {
    slipway_store::testing::postgres_admin_url()
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        let filter = std::env::var("TEST_LOG")
            .ok()
            .filter(|f| f.len() > 1)
            .unwrap_or_else(|| "info".into());
        slipway_server::telemetry::init(&filter, slipway_server::cli::LogFormat::Text);
    }
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// The address `/metrics` is served on apart from the API, when the settings ask for one.
    pub metrics_addr: Option<SocketAddr>,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    /// The settings the server runs with (same data directory → same JWT secret).
    pub settings: Settings,
    shutdown: Shutdown,
    handle: JoinHandle<Result<(), slipway_server::startup::StartupError>>,
    dir: Option<TempDir>,
    /// The PostgreSQL server and database to drop when the test stops the app.
    pub postgres: Option<(String, String)>,
}

/// A fresh server on a fresh SQLite database.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Db::Sqlite).await.expect("SQLite is always available")
}

/// A fresh server on a fresh database of `db`; `None` when PostgreSQL is asked for and not
/// configured. Rate limiting is off (suites that race 50 requests or flood writes would be
/// throttled); `rate_limit.rs` turns it on with budgets of its own.
pub async fn spawn_app_on(db: Db) -> Option<TestApp> {
    spawn_app_with(db, |_| {}).await
}

/// [`spawn_app_on`] with the settings changed by `adjust` first.
pub async fn spawn_app_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path()).unwrap();
    settings.rate_limit.enabled = false;
    adjust(&mut settings);
    if db == Db::Postgres {
        let base = postgres_base()?;
        let name = format!("slipway_e2e_{}", uuid::Uuid::now_v7().simple());
        slipway_store::testing::create_database(&base, &name).await.unwrap();
        settings.database_url = slipway_store::testing::database_url(&base, &name);
        let mut app = spawn_with(settings, Some(dir)).await;
        app.postgres = Some((base, name));
        return Some(app);
    }
    Some(spawn_with(settings, Some(dir)).await)
}

/// Starts a server with `settings` (keeping `dir` alive as long as the app).
pub async fn spawn_with(mut settings: Settings, dir: Option<TempDir>) -> TestApp {
    init_logs();
    settings.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = Server::build(settings.clone()).await.unwrap();
    let addr = server.local_addr().unwrap();
    let metrics_addr = server.metrics_addr().unwrap();
    let shutdown = server.shutdown_handle();
    let handle = tokio::spawn(server.run());
    TestApp {
        base: format!("http://{addr}"),
        addr,
        metrics_addr,
        client: reqwest::Client::new(),
        settings,
        shutdown,
        handle,
        dir,
        postgres: None,
    }
}

impl TestApp {
    /// A JWT for `subject`, minted exactly as `slipway token` does.
    pub fn token(&self, subject: &str) -> String {
        commands::token(&self.settings, subject, None, None, Duration::from_secs(3600)).unwrap()
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a GraphQL operation with `bearer` (if any); returns the HTTP status and the body.
    pub async fn gql_raw(&self, bearer: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(bearer) = bearer {
            request = request.header(AUTHORIZATION, format!("Bearer {bearer}"));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Sends a GraphQL operation that must succeed; returns its `data`.
    pub async fn gql(&self, bearer: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.gql_raw(Some(bearer), query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Sends a GraphQL operation that must fail; returns the first error's `extensions.code`.
    pub async fn gql_error_code(&self, bearer: Option<&str>, query: &str, variables: Value) -> String {
        let (status, body) = self.gql_raw(bearer, query, variables).await;
        assert_ne!(status, 500, "{body}");
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {body}"))
            .to_owned()
    }

    /// `GET path` with `bearer` (if any).
    pub async fn get(&self, path: &str, bearer: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(bearer) = bearer {
            request = request.header(AUTHORIZATION, format!("Bearer {bearer}"));
        }
        request.send().await.unwrap()
    }

    /// Stops the server gracefully and waits until it has closed its database; returns the
    /// settings and data directory so that a new server can open the same data.
    pub async fn stop(self) -> (Settings, Option<TempDir>) {
        self.shutdown.trigger();
        tokio::time::timeout(PATIENCE, self.handle)
            .await
            .expect("the server stops promptly")
            .unwrap()
            .unwrap();
        (self.settings, self.dir)
    }

    /// Stops the server and drops its PostgreSQL database, if it has one.
    pub async fn finish(mut self) {
        let postgres = self.postgres.take();
        self.stop().await;
        if let Some((base, name)) = postgres {
            let _ = slipway_store::testing::drop_database(&base, &name).await;
        }
    }

    /// The shutdown trigger (for tests that stop the server while requests are in flight).
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }
}

/// A project to play with: `org/project` owned by `owner`.
pub struct Fixture {
    pub owner: String,
    pub org: String,
    pub project: String,
}

/// Creates an organization and project owned by a new user.
pub async fn fixture(app: &TestApp, org: &str, project: &str) -> Fixture {
    let owner = app.token(&format!("owner-of-{org}"));
    app.gql(
        &owner,
        "mutation($slug: String!) { createOrganization(slug: $slug, name: $slug) { slug } }",
        json!({ "slug": org }),
    )
    .await;
    app.gql(
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

/// A prompt version's content with `text` as its system message.
pub fn prompt_content(text: &str) -> Value {
    json!({
        "model": "gpt-4o-mini",
        "messages": [{ "role": "system", "content": text }],
        "parameters": { "temperature": 0.2 },
        "variables": []
    })
}

/// Creates prompt `key` and publishes its first version to `environments`.
pub async fn publish_prompt(app: &TestApp, f: &Fixture, key: &str, text: &str, environments: &[&str]) -> Value {
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!, $key: String!) {
           createPrompt(org: $org, project: $project, key: $key) { key } }",
        json!({ "org": f.org, "project": f.project, "key": key }),
    )
    .await;
    new_prompt_version(app, f, key, text, environments).await
}

/// Adds a version to prompt `key` and publishes it to `environments`.
pub async fn new_prompt_version(app: &TestApp, f: &Fixture, key: &str, text: &str, environments: &[&str]) -> Value {
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!, $key: String!, $content: JSON!, $to: [String!]) {
           createPromptVersion(org: $org, project: $project, key: $key, content: $content,
                               message: \"e2e\", publishTo: $to) { version { number } releases { id state } } }",
        json!({ "org": f.org, "project": f.project, "key": key, "content": prompt_content(text), "to": environments }),
    )
    .await
}

/// Creates an API key for `f`'s project limited to `environments` (all when empty); returns the
/// secret.
pub async fn api_key(app: &TestApp, f: &Fixture, environments: &[&str]) -> String {
    let data = app
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!, $envs: [String!]!) {
               createApiKey(org: $org, project: $project, name: \"gateway\", environments: $envs) { secret } }",
            json!({ "org": f.org, "project": f.project, "envs": environments }),
        )
        .await;
    data["createApiKey"]["secret"].as_str().unwrap().to_owned()
}

//! A fresh service and schema per test, and helpers to run operations as named users.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use slipway_auth::CredentialKeyring;
use slipway_graphql::{AppSchema, Request, SchemaOptions, attach, build_schema};
use slipway_service::{Ctx, ManualClock, Service};
use slipway_store::{ConnectOptions, Store};

/// A running schema and what it runs on.
pub struct Harness {
    pub service: Service,
    pub schema: AppSchema,
    /// The service's clock (expiry of long-lived connections, policies, the background tick).
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// A harness with the default schema options.
    pub async fn start() -> Self {
        Self::with_options(SchemaOptions::default()).await
    }

    /// A harness with `options`.
    pub async fn with_options(options: SchemaOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        let store = Store::connect(
            &url,
            ConnectOptions {
                migrate: true,
                max_connections: Some(8),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let service = Service::new(store, clock.clone(), CredentialKeyring::generate());
        let schema = build_schema(service.clone(), options);
        Self {
            service,
            schema,
            clock,
            _dir: dir,
        }
    }

    /// The context of user `subject` (created on first sight).
    pub async fn user(&self, subject: &str) -> Ctx {
        let user = self
            .service
            .user_for_subject(subject, Some(subject), None)
            .await
            .unwrap();
        Ctx::user(user, Some(format!("req-{subject}")))
    }

    /// The request for `query` with `variables`, as `who` (anonymous when `None`).
    pub fn request(&self, who: Option<&Ctx>, query: &str, variables: Value) -> Request {
        let request = Request::new(query).variables(async_graphql_variables(variables));
        attach(&self.service, request, who.cloned())
    }

    /// The whole response as JSON (`data`, `errors`).
    pub async fn run(&self, who: Option<&Ctx>, query: &str, variables: Value) -> Value {
        let response = self.schema.execute(self.request(who, query, variables)).await;
        serde_json::to_value(&response).unwrap()
    }

    /// The data of an operation that must succeed.
    pub async fn ok(&self, who: &Ctx, query: &str, variables: Value) -> Value {
        let response = self.run(Some(who), query, variables).await;
        assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
        response["data"].clone()
    }

    /// The first error of an operation that must fail.
    pub async fn error(&self, who: Option<&Ctx>, query: &str, variables: Value) -> Value {
        let response = self.run(who, query, variables).await;
        let errors = response["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected an error: {response:#}"));
        errors[0].clone()
    }

    /// acme/chat owned by alice, with bob (approver) and dave (viewer), and a prompt `greeting`
    /// whose v1 is live in staging. Returns alice, bob and dave.
    pub async fn acme(&self) -> (Ctx, Ctx, Ctx) {
        let alice = self.user("alice").await;
        self.ok(
            &alice,
            r#"mutation { createOrganization(slug: "acme", name: "Acme") { id } }"#,
            json!({}),
        )
        .await;
        self.ok(
            &alice,
            r#"mutation { createProject(org: "acme", slug: "chat", name: "Chat") { id } }"#,
            json!({}),
        )
        .await;
        for (who, role) in [("bob", "APPROVER"), ("dave", "VIEWER")] {
            let q = format!(
                r#"mutation {{ addMember(org: "acme", project: "chat", subject: "{who}", role: {role}) {{ role }} }}"#
            );
            self.ok(&alice, &q, json!({})).await;
        }
        self.ok(
            &alice,
            r#"mutation { createPrompt(org: "acme", project: "chat", key: "greeting") { id } }"#,
            json!({}),
        )
        .await;
        let data = self
            .ok(&alice, PUBLISH, json!({"content": prompt("v1"), "to": ["staging"]}))
            .await;
        assert_eq!(data["createPromptVersion"]["releases"][0]["state"], "DEPLOYED");
        (alice, self.user("bob").await, self.user("dave").await)
    }
}

/// Publishes a version of `greeting` to `$to`.
pub const PUBLISH: &str = r#"mutation($content: JSON!, $to: [String!]) {
  createPromptVersion(org: "acme", project: "chat", key: "greeting", content: $content, message: "m", publishTo: $to) {
    created
    version { number contentHash }
    releases { id state origin targetEnvironment { slug } }
  }
}"#;

/// Valid prompt content.
pub fn prompt(text: &str) -> Value {
    json!({"model": "gpt-4o", "messages": [{"role": "system", "content": text}]})
}

fn async_graphql_variables(v: Value) -> slipway_graphql::Variables {
    slipway_graphql::Variables::from_json(v)
}

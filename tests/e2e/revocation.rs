//! Revocations end open connections at once: a revoked API key's watch streams and a removed
//! member's subscriptions stop without waiting for the next change — on the instance that
//! revoked, and (PostgreSQL `NOTIFY`) on another instance whose periodic tick is far away.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, fixture, new_prompt_version, publish_prompt, spawn_app_on, spawn_with};
use crate::subscriptions::{connect, init, receive, send};
use crate::watch::open;

/// How long a revocation may take to reach an open connection (the tick is an hour away).
const PROMPTLY: Duration = Duration::from_secs(10);

/// A second instance on the same database whose background tick never comes during the test,
/// so only the notification can carry a revocation to it.
async fn instance_without_tick(first: &TestApp) -> TestApp {
    let mut settings = first.settings.clone();
    settings.tick_interval = Duration::from_secs(3600);
    spawn_with(settings, None).await
}

/// The instance that writes and, when the test runs across instances, a second one that watches.
struct Instances {
    first: TestApp,
    second: Option<TestApp>,
}

impl Instances {
    /// A first instance without tick either, on `db`, and the second one if `across` is set;
    /// `None` when PostgreSQL is not configured.
    async fn start(db: Db, across: bool) -> Option<Self> {
        let app = spawn_app_on(db).await?;
        let (mut settings, dir) = app.stop().await;
        settings.tick_interval = Duration::from_secs(3600);
        let first = spawn_with(settings, dir).await;
        let second = if across {
            Some(instance_without_tick(&first).await)
        } else {
            None
        };
        Some(Self { first, second })
    }

    /// The instance whose connections must see the revocation.
    fn watched(&self) -> &TestApp {
        self.second.as_ref().unwrap_or(&self.first)
    }

    async fn finish(self) {
        if let Some(second) = self.second {
            second.stop().await;
        }
        self.first.finish().await;
    }
}

async fn create_key(app: &TestApp, owner: &str, org: &str) -> (String, String) {
    let data = app
        .gql(
            owner,
            "mutation($org: String!) { createApiKey(org: $org, project: \"shop\", name: \"gw\") { secret apiKey { id } } }",
            json!({ "org": org }),
        )
        .await;
    (
        data["createApiKey"]["secret"].as_str().unwrap().to_owned(),
        data["createApiKey"]["apiKey"]["id"].as_str().unwrap().to_owned(),
    )
}

async fn a_revoked_key_ends_its_watch_streams(db: Db, across_instances: bool) {
    let Some(instances) = Instances::start(db, across_instances).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let (a, watched) = (&instances.first, instances.watched());
    let f = fixture(a, "revoke-watch", "shop").await;
    publish_prompt(a, &f, "greeting", "v1", &["prod"]).await;
    let (secret, id) = create_key(a, &f.owner, &f.org).await;

    let mut stream = open(watched, &secret, "environment=prod").await;
    let (event, _, _) = stream.next_event().await.unwrap();
    assert_eq!(event, "config");
    a.gql(
        &f.owner,
        "mutation($id: ID!) { revokeApiKey(org: \"revoke-watch\", project: \"shop\", id: $id) { revokedAt } }",
        json!({ "id": id }),
    )
    .await;
    let (event, _, data) = tokio::time::timeout(PROMPTLY, stream.next_event())
        .await
        .expect("the revocation reaches the open stream without another change")
        .expect("an error event before the stream ends");
    assert_eq!(event, "error", "{data}");
    assert!(data.contains("UNAUTHENTICATED"), "{data}");
    // And the stream ends there.
    assert!(stream.next_event().await.is_none());
    // The watching instance refuses the key for plain reads too.
    let read = watched.get("/v1/config?environment=prod", Some(&secret)).await;
    assert_eq!(read.status(), 401);
    instances.finish().await;
}

#[tokio::test]
async fn a_revoked_key_ends_its_watch_streams_at_once_on_sqlite() {
    a_revoked_key_ends_its_watch_streams(Db::Sqlite, false).await;
}

#[tokio::test]
async fn a_revoked_key_ends_its_watch_streams_on_another_postgres_instance() {
    a_revoked_key_ends_its_watch_streams(Db::Postgres, true).await;
}

async fn a_removed_member_loses_its_subscriptions(db: Db, across_instances: bool) {
    let Some(instances) = Instances::start(db, across_instances).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let (a, watched) = (&instances.first, instances.watched());
    let f = fixture(a, "revoke-sub", "shop").await;
    publish_prompt(a, &f, "greeting", "v0", &["prod"]).await;
    a.gql(
        &f.owner,
        "mutation { addMember(org: \"revoke-sub\", project: \"shop\", subject: \"leaving-dev\", role: VIEWER) { role } }",
        json!({}),
    )
    .await;
    let member = a.token("leaving-dev");

    let mut socket = connect(watched).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {member}") })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query":
            "subscription { environmentChanged(org: \"revoke-sub\", project: \"shop\") { environment { slug } } }" } }),
    )
    .await;
    // The protocol does not acknowledge a subscription: deploy (through the subscriber's
    // instance) until one event proves it live.
    let mut live = false;
    for attempt in 1..=10 {
        new_prompt_version(watched, &f, "greeting", &format!("v{attempt}"), &["prod"]).await;
        if let Some(message) = receive(&mut socket, Duration::from_secs(2)).await {
            let message = message.expect("the socket stays open");
            assert_eq!(message["type"], "next", "{message}");
            live = true;
            break;
        }
    }
    assert!(live, "no subscription event after 10 deployments");
    // Drain what the last deployments may still have queued.
    while let Some(Ok(message)) = receive(&mut socket, Duration::from_millis(300)).await {
        assert_eq!(message["type"], "next", "{message}");
    }

    a.gql(
        &f.owner,
        "mutation { removeMember(org: \"revoke-sub\", project: \"shop\", subject: \"leaving-dev\") }",
        json!({}),
    )
    .await;
    let message: Value = receive(&mut socket, PROMPTLY)
        .await
        .expect("the removal reaches the subscription without another change")
        .expect("the socket stays open");
    let errors = &message["payload"]["errors"];
    assert!(
        errors[0]["extensions"]["code"] == "NOT_FOUND" || message["payload"][0]["extensions"]["code"] == "NOT_FOUND",
        "{message}"
    );
    instances.finish().await;
}

#[tokio::test]
async fn a_removed_member_loses_its_subscriptions_at_once_on_sqlite() {
    a_removed_member_loses_its_subscriptions(Db::Sqlite, false).await;
}

#[tokio::test]
async fn a_removed_member_loses_its_subscriptions_on_another_postgres_instance() {
    a_removed_member_loses_its_subscriptions(Db::Postgres, true).await;
}

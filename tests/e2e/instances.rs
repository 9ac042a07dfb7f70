//! Several instances sharing one database: a deployment made through one reaches the gateways
//! watching another (PostgreSQL `NOTIFY`; on SQLite, the periodic revision check), and on
//! PostgreSQL its GraphQL subscribers hear every release and environment change of the others.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{
    Db, PATIENCE, TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_app_on, spawn_with,
};
use crate::subscriptions::{Socket, connect, init, receive, send};
use crate::watch::open;

async fn second_instance(first: &TestApp) -> TestApp {
    let mut settings = first.settings.clone();
    // On SQLite only the revision check carries changes across; make it quick.
    settings.tick_interval = Duration::from_millis(200);
    spawn_with(settings, None).await
}

async fn a_deployment_on_one_instance_reaches_watchers_of_another(db: Db) {
    let Some(a) = spawn_app_on(db).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let b = second_instance(&a).await;
    let f = fixture(&a, "multi", "shop").await;
    publish_prompt(&a, &f, "greeting", "v1", &["prod"]).await;
    let key = api_key(&a, &f, &["prod"]).await;

    // B knows the key and the project (they are in the shared database).
    let mut stream = open(&b, &key, "environment=prod").await;
    let (_, _, data) = stream.next_event().await.unwrap();
    assert!(data.contains("\"v1\""), "{data}");

    new_prompt_version(&a, &f, "greeting", "v2", &["prod"]).await;
    let (event, _, data) = stream.next_event().await.unwrap();
    assert_eq!(event, "config");
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["resources"][0]["content"]["messages"][0]["content"], "v2");
    // And B's plain reads agree.
    let read: Value = b
        .get("/v1/config?environment=prod", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["resources"][0]["version"], json!(2));
    b.stop().await;
    a.finish().await;
}

#[tokio::test]
async fn instances_sharing_sqlite_converge() {
    a_deployment_on_one_instance_reaches_watchers_of_another(Db::Sqlite).await;
}

#[tokio::test]
async fn instances_sharing_postgres_converge() {
    a_deployment_on_one_instance_reaches_watchers_of_another(Db::Postgres).await;
}

/// A socket's subscription events, by subscription id: the streams of one socket interleave
/// in any order, so events of one subscription are held while waiting for another's.
struct Events {
    socket: Socket,
    held: Vec<Value>,
}

impl Events {
    /// The next event of subscription `id`, or `None` when none came within `wait`.
    async fn next_of(&mut self, id: &str, wait: Duration) -> Option<Value> {
        if let Some(at) = self.held.iter().position(|m| m["id"] == id) {
            return Some(self.held.remove(at)["payload"]["data"].clone());
        }
        loop {
            let message = receive(&mut self.socket, wait).await?.expect("the socket stays open");
            assert_eq!(message["type"], "next", "{message}");
            if message["id"] == id {
                return Some(message["payload"]["data"].clone());
            }
            self.held.push(message);
        }
    }
}

#[tokio::test]
async fn subscriptions_on_one_instance_hear_the_changes_committed_through_another() {
    let Some(a) = spawn_app_on(Db::Postgres).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let b = second_instance(&a).await;
    // B relays only what arrives once its follower listens.
    crate::metrics::scrape_until(&b, "slipway_follower_state{state=\"listening\"} 1\n").await;
    let f = fixture(&a, "subs", "shop").await;
    publish_prompt(&a, &f, "greeting", "v0", &["staging"]).await;
    let scope = json!({ "org": f.org, "project": f.project });
    a.gql(
        &f.owner,
        "mutation($org: String!, $project: String!) {
           addMember(org: $org, project: $project, subject: \"bob\", role: APPROVER) { role } }",
        scope.clone(),
    )
    .await;

    // Subscribed on B; every change below is committed through A.
    let mut socket = connect(&b).await;
    let ack = init(&mut socket, json!({ "Authorization": format!("Bearer {}", f.owner) })).await;
    assert_eq!(ack.unwrap()["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "releases", "type": "subscribe", "payload": { "query":
            "subscription($org: String!, $project: String!) { releaseUpdated(org: $org, project: $project) {
               id state release { approvals { user { subject } } } } }", "variables": scope } }),
    )
    .await;
    send(
        &mut socket,
        json!({ "id": "staging", "type": "subscribe", "payload": { "query":
            "subscription($org: String!, $project: String!) { environmentChanged(org: $org, project: $project, environment: \"staging\") {
               environment { slug } deployment { sequence } } }", "variables": scope } }),
    )
    .await;
    // The protocol does not acknowledge a subscription: publish until B relays one.
    let mut events = Events {
        socket,
        held: Vec::new(),
    };
    // Each subscription starts on its own time: publish until both heard one.
    let (mut published, mut deployed) = (None, None);
    for attempt in 1..=10 {
        new_prompt_version(&a, &f, "greeting", &format!("v{attempt}"), &["staging"]).await;
        if published.is_none() {
            published = events.next_of("releases", Duration::from_secs(2)).await;
        }
        if deployed.is_none() {
            deployed = events.next_of("staging", Duration::from_secs(2)).await;
        }
        if published.is_some() && deployed.is_some() {
            break;
        }
    }
    let published = published.expect("B relays A's release");
    assert_eq!(published["releaseUpdated"]["state"], "DEPLOYED");
    let deployed = deployed.expect("B relays A's deployment");
    assert_eq!(deployed["environmentChanged"]["environment"]["slug"], "staging");
    assert!(
        deployed["environmentChanged"]["deployment"]["sequence"].is_u64(),
        "{deployed}"
    );
    // What the earlier attempts still send is read and dropped, so that each change below is
    // heard on its own.
    events.held.clear();
    while receive(&mut events.socket, Duration::from_millis(700)).await.is_some() {}

    // A change that moves no pointer (nothing for the gateways) reaches B too: a pending
    // release and an approval that does not reach the quorum.
    a.gql(
        &f.owner,
        "mutation($org: String!, $project: String!) { setPromotionPolicy(org: $org, project: $project,
           environment: \"prod\", input: { requiredApprovals: 2 }) { slug } }",
        scope.clone(),
    )
    .await;
    let promoted = a
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!) { promote(org: $org, project: $project,
               source: \"staging\", target: \"prod\", message: \"ship\") { id } }",
            scope.clone(),
        )
        .await;
    let id = promoted["promote"]["id"].clone();
    let pending = events.next_of("releases", PATIENCE).await.expect("the new release");
    assert_eq!(pending["releaseUpdated"]["id"], id);
    assert_eq!(pending["releaseUpdated"]["state"], "PENDING");
    a.gql(
        &a.token("bob"),
        "mutation($id: ID!) { approveRelease(id: $id) { state } }",
        json!({ "id": id }),
    )
    .await;
    let approved = events.next_of("releases", PATIENCE).await.expect("the approval");
    assert_eq!(approved["releaseUpdated"]["id"], id);
    assert_eq!(
        approved["releaseUpdated"]["release"]["approvals"],
        json!([{ "user": { "subject": "bob" } }])
    );
    // Each change is heard once.
    assert_eq!(events.next_of("releases", Duration::from_millis(500)).await, None);
    b.stop().await;
    a.finish().await;
}

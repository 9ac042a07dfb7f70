//! Several instances sharing one database: a deployment made through one reaches the gateways
//! watching another (PostgreSQL `NOTIFY`; on SQLite, the periodic revision check).

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, api_key, fixture, new_prompt_version, publish_prompt, spawn_app_on, spawn_with};
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

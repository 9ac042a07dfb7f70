//! Graceful shutdown: acknowledged writes survive a stop in the middle of traffic, open
//! streams end, and the server comes back on the same data.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{Db, Fixture, TestApp, fixture, spawn_app_on, spawn_with};
use crate::watch::open;

/// Creates and publishes prompt `key` to staging; `true` when the server acknowledged it.
async fn write(app_client: reqwest::Client, url: String, owner: String, key: String) -> Option<String> {
    let send = |query: &str, variables: Value| {
        app_client
            .post(&url)
            .bearer_auth(&owner)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
    };
    let created = send(
        "mutation($key: String!) { createPrompt(org: \"stop-org\", project: \"shop\", key: $key) { key } }",
        json!({ "key": key }),
    )
    .await
    .ok()?;
    let created: Value = created.json().await.ok()?;
    created.get("errors").is_none().then_some(())?;
    let published = send(
        "mutation($key: String!, $content: JSON!) { createPromptVersion(org: \"stop-org\", project: \"shop\",
           key: $key, content: $content, publishTo: [\"staging\"]) { version { number } } }",
        json!({ "key": key, "content": crate::helpers::prompt_content("hi") }),
    )
    .await
    .ok()?;
    let published: Value = published.json().await.ok()?;
    published["data"]["createPromptVersion"]["version"]["number"]
        .as_u64()
        .map(|_| key)
}

async fn served_keys(app: &TestApp, f: &Fixture) -> BTreeSet<String> {
    let body: Value = app
        .get("/v1/config?environment=staging&project=stop-org/shop", Some(&f.owner))
        .await
        .json()
        .await
        .unwrap();
    body["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_owned())
        .collect()
}

async fn no_acknowledged_write_is_lost(db: Db) {
    let Some(mut app) = spawn_app_on(db).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let f = fixture(&app, "stop-org", "shop").await;
    let mut watch = open(&app, &f.owner, "environment=staging&project=stop-org/shop").await;
    watch.next_event().await.unwrap();

    let writers: Vec<_> = (0..16)
        .map(|i| {
            tokio::spawn(write(
                app.client.clone(),
                app.url("/graphql"),
                f.owner.clone(),
                format!("prompt-{i}"),
            ))
        })
        .collect();
    // Stop once the first write went through, with the others in flight or queued.
    let mut writers = writers.into_iter();
    let first = writers.next().unwrap().await.unwrap();
    assert!(first.is_some(), "the first write succeeds");
    let shutdown = app.shutdown_handle();
    shutdown.trigger();
    let mut acknowledged: BTreeSet<String> = first.into_iter().collect();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    // The open watch stream ends instead of holding the shutdown up.
    while watch.next().await.is_some() {}
    let postgres = app.postgres.take();
    let (settings, dir) = app.stop().await;

    // The same data, served again.
    let mut again = spawn_with(settings, dir).await;
    again.postgres = postgres;
    let served = served_keys(&again, &f).await;
    assert!(
        acknowledged.is_subset(&served),
        "acknowledged {acknowledged:?}, served after restart {served:?}"
    );
    again.finish().await;
}

#[tokio::test]
async fn graceful_shutdown_loses_no_acknowledged_write() {
    no_acknowledged_write_is_lost(Db::Sqlite).await;
}

#[tokio::test]
async fn graceful_shutdown_loses_no_acknowledged_write_on_postgres() {
    no_acknowledged_write_is_lost(Db::Postgres).await;
}

//! A person's gateway reads (`/v1/config` with a JWT and `?project=`) are authorized from memory
//! after the first, yet a removed member is refused on the very next request to the instance
//! that removed them, and — through PostgreSQL `NOTIFY`, with every tick an hour away — on
//! another instance as soon as the notification arrives.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{Db, TestApp, fixture, publish_prompt, spawn_app_on, spawn_with};

/// How long the notification may take to reach the other instance.
const PROMPTLY: Duration = Duration::from_secs(10);
const PATH: &str = "/v1/config?environment=prod&project=leaving/shop";

/// A server on `db` whose background tick (which also empties the viewer cache) never comes.
async fn without_tick(settings: slipway_server::Settings, dir: Option<tempfile::TempDir>) -> TestApp {
    let mut settings = settings;
    settings.tick_interval = Duration::from_secs(3600);
    spawn_with(settings, dir).await
}

async fn status(app: &TestApp, bearer: &str) -> u16 {
    app.get(PATH, Some(bearer)).await.status().as_u16()
}

async fn a_removed_member_is_refused(db: Db) {
    let Some(app) = spawn_app_on(db).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let postgres = app.postgres.clone();
    let (settings, dir) = app.stop().await;
    let mut first = without_tick(settings.clone(), dir).await;
    first.postgres = postgres;
    let second = if db == Db::Postgres {
        Some(without_tick(settings, None).await)
    } else {
        None
    };
    let f = fixture(&first, "leaving", "shop").await;
    publish_prompt(&first, &f, "greeting", "v1", &["prod"]).await;
    first
        .gql(
            &f.owner,
            "mutation { addMember(org: \"leaving\", project: \"shop\", subject: \"leaving-dev\", role: VIEWER) { role } }",
            json!({}),
        )
        .await;
    let member = first.token("leaving-dev");
    for app in std::iter::once(&first).chain(second.as_ref()) {
        // The second read is the one answered from memory.
        assert_eq!(status(app, &member).await, 200);
        assert_eq!(status(app, &member).await, 200);
    }

    first
        .gql(
            &f.owner,
            "mutation { removeMember(org: \"leaving\", project: \"shop\", subject: \"leaving-dev\") }",
            json!({}),
        )
        .await;
    assert_eq!(status(&first, &member).await, 404, "refused on the very next request");
    if let Some(second) = second {
        let deadline = Instant::now() + PROMPTLY;
        while status(&second, &member).await != 404 {
            assert!(
                Instant::now() < deadline,
                "the other instance still serves the removed member"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        second.stop().await;
    }
    // The owner still reads.
    assert_eq!(status(&first, &f.owner).await, 200);
    first.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_refused_on_the_next_read_on_sqlite() {
    a_removed_member_is_refused(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_refused_on_the_next_read_on_another_postgres_instance() {
    a_removed_member_is_refused(Db::Postgres).await;
}

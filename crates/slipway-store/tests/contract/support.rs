//! A fresh database per test, built by the real migrations: an SQLite file in a temporary
//! directory, or (when `SLIPWAY_TEST_DATABASE_URL` is set) a new PostgreSQL database created for
//! the test and dropped after it.

use sea_orm::{Database, DatabaseConnection};
use slipway_store::{ConnectOptions, Store};

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// One test's database.
pub struct TestDb {
    /// A URL for the database (for a second, raw connection).
    pub url: String,
    /// The store under test, connected with `migrate: true`.
    pub store: Store,
    cleanup: Cleanup,
}

impl TestDb {
    /// A raw sea-orm connection to the same database, to bypass the store as an attacker or a
    /// buggy tool would.
    pub async fn raw(&self) -> DatabaseConnection {
        Database::connect(self.url.as_str()).await.expect("raw connection")
    }

    /// Closes the store and removes the database.
    pub async fn finish(self) {
        self.store.close().await.expect("close");
        match self.cleanup {
            Cleanup::Sqlite(_dir) => {}
            Cleanup::Postgres { admin_url, name } => {
                // Best effort: a leftover database is harmless.
                let _ = slipway_store::testing::drop_database(&admin_url, &name).await;
            }
        }
    }
}

/// A fresh SQLite database file.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("slipway.db").display());
    let store = Store::connect(
        &url,
        ConnectOptions {
            migrate: true,
            max_connections: None,
            ..Default::default()
        },
    )
    .await
    .expect("connect sqlite");
    TestDb {
        url,
        store,
        cleanup: Cleanup::Sqlite(dir),
    }
}

/// A fresh PostgreSQL database, or `None` when the suite has no server to use.
pub async fn postgres() -> Option<TestDb> {
    let admin_url = slipway_store::testing::postgres_admin_url()?;
    let name = format!("slipway_test_{}", uuid::Uuid::new_v4().simple());
    slipway_store::testing::create_database(&admin_url, &name)
        .await
        .expect("create test database");
    let url = slipway_store::testing::database_url(&admin_url, &name);
    let store = Store::connect(
        &url,
        ConnectOptions {
            migrate: true,
            max_connections: Some(8),
            ..Default::default()
        },
    )
    .await
    .expect("connect postgres");
    Some(TestDb {
        url,
        store,
        cleanup: Cleanup::Postgres { admin_url, name },
    })
}

/// Declares a contract test, written once as `async fn $name(db: &TestDb)`, for both backends:
/// `$name::sqlite` always runs; `$name::postgres` runs when `SLIPWAY_TEST_DATABASE_URL` is set
/// and otherwise returns early with a notice (or fails, when `CI` is set).
#[macro_export]
macro_rules! contract {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = $crate::support::sqlite().await;
                super::$name(&db).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(db) = $crate::support::postgres().await else {
                    eprintln!("skipped: {} is not set", slipway_store::testing::POSTGRES_URL_VAR);
                    return;
                };
                super::$name(&db).await;
                db.finish().await;
            }
        }
    )*};
}

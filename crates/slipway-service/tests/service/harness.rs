//! A fresh service per test: a new database built by the real migrations, a manual clock, and
//! helpers to act as named users.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use slipway_domain::User;
use slipway_service::{Ctx, ManualClock, Service};
use slipway_store::{ConnectOptions, Store};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running service and what it runs on.
pub struct Harness {
    pub service: Service,
    pub clock: Arc<ManualClock>,
    /// The credential keyring the service was given, as keyring text (`1:<base64>`).
    pub keyring_text: String,
    _dir: Option<tempfile::TempDir>,
    cleanup: Option<(String, String)>,
}

pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().unwrap()
}

impl Harness {
    /// A harness on `backend`, or `None` when PostgreSQL is asked for and not configured.
    pub async fn start(backend: Backend) -> Option<Self> {
        let (url, dir, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let base = slipway_store::testing::postgres_admin_url()?;
                let name = format!("slipway_service_{}", uuid::Uuid::new_v4().simple());
                slipway_store::testing::create_database(&base, &name).await.unwrap();
                let url = slipway_store::testing::database_url(&base, &name);
                (url, None, Some((base, name)))
            }
        };
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
        let clock = Arc::new(ManualClock::new(start_time()));
        let key = slipway_auth::keyring::generate_credential_key_base64();
        let keyring_text = format!("1:{}", secrecy::ExposeSecret::expose_secret(&key));
        let keyring = slipway_auth::keyring::parse_keyring(&keyring_text).unwrap();
        let service = Service::new(store, clock.clone(), keyring);
        Some(Self {
            service,
            clock,
            keyring_text,
            _dir: dir,
            cleanup,
        })
    }

    /// The context of user `subject` (created on first sight).
    pub async fn user(&self, subject: &str) -> Ctx {
        let user: User = self
            .service
            .user_for_subject(subject, Some(subject), None)
            .await
            .unwrap();
        Ctx::user(user, Some(format!("req-{subject}")))
    }

    /// Drops the PostgreSQL database of this test (best effort).
    pub async fn finish(self) {
        let Self { service, cleanup, .. } = self;
        drop(service);
        if let Some((base, name)) = cleanup {
            let _ = slipway_store::testing::drop_database(&base, &name).await;
        }
    }
}

/// Declares a test that runs once per backend: `sqlite_NAME` and `postgres_NAME`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let h = $crate::harness::Harness::start($crate::harness::Backend::Sqlite)
                    .await
                    .unwrap();
                ($body)(&h).await;
                h.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(h) = $crate::harness::Harness::start($crate::harness::Backend::Postgres).await else {
                    eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
                    return;
                };
                ($body)(&h).await;
                h.finish().await;
            }
        }
    };
}

//! Opening the database: SQLite (WAL, foreign keys, busy timeout, `BEGIN IMMEDIATE` writes) or
//! PostgreSQL, with the migrations run on connect when asked.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, IsolationLevel, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use slipway_migrations::{Migrator, MigratorTrait};
use tracing::instrument;

use crate::error::StoreError;

/// How long a SQLite writer waits for the lock before giving up with "database is locked".
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);
/// Pool size when the caller does not choose: SQLite serializes writers anyway and readers share
/// the WAL; PostgreSQL gets sqlx's usual default.
const DEFAULT_SQLITE_CONNECTIONS: u32 = 8;
const DEFAULT_POSTGRES_CONNECTIONS: u32 = 10;
/// How long a use of the database waits for a pooled connection when the caller does not say:
/// short, so that during an outage (when every new connection is refused and sqlx keeps
/// retrying) a write fails with `Unavailable` in seconds rather than at the request timeout.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// The PostgreSQL advisory lock key that serializes migrations ("slipway" in ASCII).
const MIGRATION_LOCK: i64 = 0x0073_6c69_7077_6179;

/// The database behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An SQLite file (the embedded default).
    Sqlite,
    /// PostgreSQL (production; several instances may share it).
    Postgres,
}

/// How to connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Run the pending migrations right after connecting.
    pub migrate: bool,
    /// The pool size (default 8 for SQLite, 10 for PostgreSQL; an in-memory SQLite database
    /// always uses one connection, since each connection would see its own database).
    pub max_connections: Option<u32>,
    /// How long a use of the database waits for a connection before failing with
    /// [`StoreError::Unavailable`] (default [`DEFAULT_ACQUIRE_TIMEOUT`]).
    pub acquire_timeout: Option<Duration>,
}

/// Slipway's storage: a connection pool and the backend it talks to. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    pub(crate) backend: Backend,
    /// This process's name in the release and environment notices its commits send.
    pub(crate) instance: uuid::Uuid,
    /// Statements sent to the database since connecting (see [`Store::statements_run`]).
    statements: Arc<AtomicU64>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::Unavailable(
            "unsupported database URL: expected sqlite://… or postgres://…".to_owned(),
        ))
    }
}

impl Store {
    /// The id this store's commits sign their release and environment notices with (see
    /// [`Notice`](crate::Notice)); a clone shares it, another connection gets its own.
    pub const fn instance(&self) -> uuid::Uuid {
        self.instance
    }

    /// Connects to `url` (`sqlite://path/to/file.db`, `sqlite::memory:`, or
    /// `postgres://user:password@host:port/database`), and runs the migrations when
    /// `opts.migrate` is set. A missing SQLite file is created.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] for an unsupported URL or an unreachable database;
    /// [`StoreError::Internal`] when a migration fails.
    #[instrument(skip_all, fields(migrate = opts.migrate))]
    pub async fn connect(url: &str, opts: ConnectOptions) -> Result<Store, StoreError> {
        let backend = backend_of(url)?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut options = sea_orm::ConnectOptions::new(url);
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(opts.acquire_timeout.unwrap_or(DEFAULT_ACQUIRE_TIMEOUT));
        match backend {
            Backend::Sqlite => {
                let connections = if in_memory {
                    1
                } else {
                    opts.max_connections.unwrap_or(DEFAULT_SQLITE_CONNECTIONS)
                };
                options.max_connections(connections.max(1)).map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(SQLITE_BUSY_TIMEOUT)
                });
            }
            Backend::Postgres => {
                options.max_connections(opts.max_connections.unwrap_or(DEFAULT_POSTGRES_CONNECTIONS).max(1));
            }
        }
        let mut db = sea_orm::Database::connect(options).await.map_err(|e| {
            tracing::error!(error = %e, ?backend, "cannot connect to the database");
            StoreError::Unavailable("database unreachable".to_owned())
        })?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let store = Store {
            db,
            backend,
            instance: uuid::Uuid::new_v4(),
            statements,
        };
        if opts.migrate {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// How many SQL statements this store (and its clones) has sent since it connected: what a
    /// test counts to bound the database work of one request (a count, never a time).
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Applies every pending migration.
    ///
    /// # Errors
    /// [`StoreError::Internal`] when a migration fails (the cause is logged).
    #[instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let failed = |e: DbErr| {
            tracing::error!(error = %e, "migration failed");
            StoreError::Internal("migration failed".to_owned())
        };
        match self.backend {
            Backend::Sqlite => Migrator::up(&self.db, None).await.map_err(failed),
            Backend::Postgres => {
                // Several instances may start at once: the first to take this transaction-scoped
                // advisory lock migrates, the others wait and then find nothing pending. The
                // whole run is one transaction (PostgreSQL's DDL is transactional).
                let tx = self.db.begin().await.map_err(failed)?;
                tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                    .await
                    .map_err(failed)?;
                Migrator::up(&tx, None).await.map_err(failed)?;
                tx.commit().await.map_err(failed)
            }
        }
    }

    /// Checks that the database answers (for `/readyz`).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(|e| {
            tracing::warn!(error = %e, "database ping failed");
            StoreError::Unavailable("database unreachable".to_owned())
        })
    }

    /// The database behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections in use to be returned.
    ///
    /// # Errors
    /// [`StoreError::Internal`] when closing fails.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(|e| {
            tracing::error!(error = %e, "closing the database failed");
            StoreError::Internal("closing the database failed".to_owned())
        })
    }

    /// Opens a write transaction: `BEGIN IMMEDIATE` on SQLite (so that concurrent writers wait
    /// on the busy timeout instead of failing when they upgrade a read lock), the default READ
    /// COMMITTED on PostgreSQL (compare-and-swap statements re-check their conditions on the
    /// latest row version after waiting for a concurrent writer).
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        match self.backend {
            Backend::Sqlite => {
                self.db
                    .begin_with_options(TransactionOptions {
                        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                        ..TransactionOptions::default()
                    })
                    .await
            }
            Backend::Postgres => self.db.begin().await,
        }
    }

    /// Opens a read-only transaction that sees one consistent snapshot: REPEATABLE READ on
    /// PostgreSQL; on SQLite a deferred transaction, whose first read pins a WAL snapshot.
    pub(crate) async fn begin_read(&self) -> Result<DatabaseTransaction, DbErr> {
        match self.backend {
            Backend::Sqlite => self.db.begin().await,
            Backend::Postgres => {
                self.db
                    .begin_with_config(
                        Some(IsolationLevel::RepeatableRead),
                        Some(sea_orm::AccessMode::ReadOnly),
                    )
                    .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        assert_eq!(backend_of("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(backend_of("sqlite::memory:").ok(), Some(Backend::Sqlite));
        assert_eq!(backend_of("postgres://u@h/db").ok(), Some(Backend::Postgres));
        assert_eq!(backend_of("postgresql://u@h/db").ok(), Some(Backend::Postgres));
        assert!(matches!(backend_of("mysql://u@h/db"), Err(StoreError::Unavailable(_))));
    }
}

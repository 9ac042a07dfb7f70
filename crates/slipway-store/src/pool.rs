//! The connection pool's state, read for metrics without touching the database: its size, idle
//! connections, configured maximum, and how many waits for a connection ran out.

use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{DbErr, sqlx};

use crate::connect::{Backend, Store};

/// Waits for a pooled connection that ran out, counted where database errors are translated.
/// sqlx tells a timed-out wait apart but keeps no count, and the translation has no store at
/// hand, so the count is the process's (one store per process outside tests).
static ACQUIRE_TIMEOUTS: AtomicU64 = AtomicU64::new(0);

/// A snapshot of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now, in use or idle.
    pub size: u32,
    /// Open connections waiting in the pool for a user.
    pub idle: usize,
    /// The most connections the pool opens.
    pub max: u32,
    /// Waits for a connection that timed out since the process started.
    pub acquire_timeouts: u64,
}

/// Counts `err` when it is a wait for a connection that ran out, and says whether it was.
pub(crate) fn count_if_acquire_timeout(err: &DbErr) -> bool {
    let timed_out = match err {
        DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout) => true,
        DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => matches!(**e, sqlx::Error::PoolTimedOut),
        _ => false,
    };
    if timed_out {
        ACQUIRE_TIMEOUTS.fetch_add(1, Ordering::Relaxed);
    }
    timed_out
}

impl Store {
    /// The pool's state now.
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle, max) = match self.backend {
            Backend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            Backend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
        };
        PoolStats {
            size,
            idle,
            max,
            acquire_timeouts: ACQUIRE_TIMEOUTS.load(Ordering::Relaxed),
        }
    }
}

//! Helpers for test suites that need a fresh PostgreSQL database of their own (the store's
//! contract suite, the service's and the end-to-end tests): create it next to the one a URL
//! names, build its URL, drop it afterwards; and a way around the store, for tests that play
//! someone with direct access to the database.

use sea_orm::{ConnectionTrait, Database};

use crate::StoreError;

fn unavailable(e: sea_orm::DbErr) -> StoreError {
    StoreError::Unavailable(format!("test database administration failed: {e}"))
}

/// `url` with its database name replaced by `name` (query parameters kept).
pub fn database_url(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The environment variable naming the PostgreSQL server test suites create databases on.
pub const POSTGRES_URL_VAR: &str = "SLIPWAY_TEST_DATABASE_URL";

/// The PostgreSQL server URL test suites create their databases on ([`POSTGRES_URL_VAR`]), or
/// `None` when it is unset or empty, so a developer's run skips the PostgreSQL variants.
///
/// # Panics
/// When the variable is unset and `CI` is set: a CI run must run the PostgreSQL variants, not
/// pass by skipping them.
#[allow(
    clippy::panic,
    reason = "test tooling: a CI run without its database must fail loudly"
)]
pub fn postgres_admin_url() -> Option<String> {
    postgres_admin_url_from(
        std::env::var(POSTGRES_URL_VAR).ok(),
        std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
    )
    .unwrap_or_else(|message| panic!("{message}"))
}

fn postgres_admin_url_from(url: Option<String>, ci: bool) -> Result<Option<String>, String> {
    match url.filter(|u| !u.is_empty()) {
        Some(url) => Ok(Some(url)),
        None if ci => Err(format!(
            "CI is set but {POSTGRES_URL_VAR} is not: the PostgreSQL variants would be skipped"
        )),
        None => Ok(None),
    }
}

fn check_name(name: &str) -> Result<(), StoreError> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(())
    } else {
        Err(StoreError::Internal("test database names are [a-z0-9_]+".into()))
    }
}

/// Creates database `name` on the server `admin_url` points at.
///
/// # Errors
/// An invalid name, or the server refusing.
pub async fn create_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    check_name(name)?;
    let admin = Database::connect(admin_url).await.map_err(unavailable)?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .map_err(unavailable)?;
    admin.close().await.map_err(unavailable)
}

/// Drops database `name` (closing other sessions on it first).
///
/// # Errors
/// An invalid name, or the server refusing.
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    check_name(name)?;
    let admin = Database::connect(admin_url).await.map_err(unavailable)?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .map_err(unavailable)?;
    admin.close().await.map_err(unavailable)
}

/// Runs `statements`, in order, on the database at `url` (SQLite or PostgreSQL) directly,
/// bypassing the store and everything it checks: for tests that play an attacker or a broken
/// tool with access to the database. Returns the rows each statement affected.
///
/// # Errors
/// The database refusing a statement (its message included: this is test tooling).
pub async fn execute_unchecked(url: &str, statements: &[&str]) -> Result<Vec<u64>, StoreError> {
    let db = Database::connect(url).await.map_err(unavailable)?;
    let mut affected = Vec::with_capacity(statements.len());
    for statement in statements {
        match db.execute_unprepared(statement).await {
            Ok(result) => affected.push(result.rows_affected()),
            Err(e) => {
                let _ = db.close().await;
                return Err(StoreError::Internal(format!("{statement}: {e}")));
            }
        }
    }
    db.close().await.map_err(unavailable)?;
    Ok(affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_host_and_query() {
        assert_eq!(database_url("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            database_url("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(database_url("postgres://h", "x"), "postgres://h/x");
    }

    #[test]
    fn a_ci_run_without_a_database_url_is_refused() {
        assert!(postgres_admin_url_from(None, true).is_err());
        assert!(postgres_admin_url_from(Some(String::new()), true).is_err());
    }

    #[test]
    fn a_local_run_without_a_database_url_skips_and_a_set_url_is_used() {
        assert_eq!(postgres_admin_url_from(None, false), Ok(None));
        assert_eq!(
            postgres_admin_url_from(Some("postgres://h/x".into()), true),
            Ok(Some("postgres://h/x".into()))
        );
    }
}

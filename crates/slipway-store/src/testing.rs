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
}

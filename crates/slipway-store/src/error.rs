//! The store's errors, and the translation of database errors into them.
//!
//! Nothing that leaves this module carries SQL or a driver message: the raw cause is logged with
//! `tracing::error!` (or `debug!` for expected conflicts) and replaced by a safe summary.

use std::ops::Deref;

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// Why a conflict happened: the cases a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConflictKind {
    /// A unique rule refused a row: the thing named already exists (a slug, a version number, the
    /// gateway fallback of a project, …).
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// A pointer was not what the commit expected: another deployment moved it first.
    #[error("a pointer moved since the change was planned")]
    PointerMoved,
    /// The release's state was not what the commit expected: someone else changed it first.
    #[error("the release changed concurrently")]
    ReleaseChanged,
    /// A row refers to something that does not exist (or was deleted concurrently).
    #[error("the referenced {0} does not exist")]
    MissingReference(&'static str),
    /// The row is still referenced by others and cannot be removed.
    #[error("the {0} is still in use")]
    InUse(&'static str),
    /// The environment holds an exclusive role and cannot be deleted.
    #[error("the environment is the {0}; move that role first")]
    ExclusiveRole(&'static str),
    /// The environment is a system environment and cannot be deleted.
    #[error("system environments cannot be deleted")]
    SystemEnvironment,
    /// What the commit was planned on changed meanwhile (the project's serving revision moved).
    #[error("the project changed concurrently; try again")]
    Stale,
    /// The database refused to change rows that never change (versions, audit events).
    #[error("{0} cannot be changed")]
    Immutable(&'static str),
    /// A number the commit claimed (a version number, a deployment's sequence) was taken by a
    /// concurrent commit first.
    #[error("the {0} was taken by a concurrent change")]
    Taken(&'static str),
}

impl ConflictKind {
    /// Whether this conflict is a lost race that re-reading and planning again can win (a
    /// pointer or a release moved, the project changed, a number was taken), as opposed to one
    /// that would fail the same way again.
    pub const fn is_race(&self) -> bool {
        matches!(
            self,
            ConflictKind::PointerMoved | ConflictKind::ReleaseChanged | ConflictKind::Stale | ConflictKind::Taken(_)
        )
    }
}

/// A storage failure, safe to show: no SQL, no driver message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The write clashes with the current state.
    #[error("conflict: {0}")]
    Conflict(ConflictKind),
    /// A page cursor that this store did not produce (or produced for another list).
    #[error("invalid cursor")]
    InvalidCursor,
    /// The database cannot be reached or stayed busy (a summary such as "database unreachable").
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A stored row fails domain parsing (names the table and the rule, never the data).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Anything else (a safe summary; the cause is in the logs).
    #[error("internal storage error: {0}")]
    Internal(String),
}

/// What a database error amounts to.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A unique or primary-key violation, with the constraint name (PostgreSQL) or message
    /// (SQLite) used to say what was duplicated.
    Unique(String),
    /// A foreign-key violation, likewise.
    ForeignKey(String),
    /// A trigger refused the change (append-only or immutable tables).
    Refused,
    /// Worth retrying the whole transaction: serialization failure, deadlock, SQLite busy.
    Retryable,
    /// The database cannot be reached.
    Unreachable,
    /// Anything else.
    Other,
}

fn sqlx_error(err: &DbErr) -> Option<&sqlx::Error> {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.deref()),
        _ => None,
    }
}

/// Classifies a database error.
pub(crate) fn classify(err: &DbErr) -> Failure {
    if matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) {
        return Failure::Unreachable;
    }
    let Some(sqlx_err) = sqlx_error(err) else {
        return Failure::Other;
    };
    match sqlx_err {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let detail = db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned);
            match code.as_str() {
                // PostgreSQL: serialization failure, deadlock. SQLite: BUSY, BUSY_RECOVERY,
                // BUSY_SNAPSHOT, LOCKED, LOCKED_SHAREDCACHE.
                "40001" | "40P01" | "5" | "261" | "517" | "6" | "262" => Failure::Retryable,
                // PostgreSQL restrict_violation (our triggers); SQLite CONSTRAINT_TRIGGER.
                "23001" | "1811" => Failure::Refused,
                _ => match db.kind() {
                    sqlx::error::ErrorKind::UniqueViolation => Failure::Unique(detail),
                    sqlx::error::ErrorKind::ForeignKeyViolation => Failure::ForeignKey(detail),
                    _ if db.message().contains("cannot be changed") => Failure::Refused,
                    _ => Failure::Other,
                },
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => Failure::Unreachable,
        _ => Failure::Other,
    }
}

/// Whether retrying the whole transaction may succeed.
pub(crate) fn is_retryable(err: &DbErr) -> bool {
    matches!(classify(err), Failure::Retryable)
}

/// `(PostgreSQL constraint, SQLite message fragment, what)`: the unique rules, most specific
/// first. Index names are those of the migrations.
const UNIQUE_RULES: &[(&str, &str, &str)] = &[
    (
        "ux_environments_gateway_fallback",
        "environments.is_gateway_fallback",
        "gateway fallback",
    ),
    (
        "ux_environments_default_publish_target",
        "environments.is_default_publish_target",
        "default publish target",
    ),
    ("ux_environments_project_slug", "environments.slug", "environment slug"),
    ("ux_organizations_slug", "organizations.slug", "organization slug"),
    ("ux_projects_organization_slug", "projects.slug", "project slug"),
    ("ux_users_subject", "users.subject", "user"),
    ("ux_resources_project_kind_key", "resources.key", "resource"),
    ("ux_versions_resource_number", "versions.number", "version number"),
    (
        "ux_deployments_environment_sequence",
        "deployments.sequence",
        "deployment sequence",
    ),
    (
        "ux_audit_events_chain_sequence",
        "audit_events.sequence",
        "audit event sequence",
    ),
    ("ux_api_keys_hash", "api_keys.hash", "api key"),
    ("pointers_pkey", "pointers.", "pointer"),
    ("release_approvals_pkey", "release_approvals.", "approval"),
    ("release_changes_pkey", "release_changes.", "release change"),
    (
        "organization_memberships_pkey",
        "organization_memberships.",
        "membership",
    ),
    ("project_memberships_pkey", "project_memberships.", "membership"),
    ("organizations_pkey", "organizations.id", "organization"),
    ("projects_pkey", "projects.id", "project"),
    ("environments_pkey", "environments.id", "environment"),
    ("resources_pkey", "resources.id", "resource"),
    ("versions_pkey", "versions.id", "version"),
    ("releases_pkey", "releases.id", "release"),
    ("deployments_pkey", "deployments.id", "deployment"),
    ("audit_events_pkey", "audit_events.id", "audit event"),
    ("api_keys_pkey", "api_keys.id", "api key"),
    ("credentials_pkey", "credentials.id", "credential"),
    ("users_pkey", "users.id", "user"),
];

/// The unique rules whose violation means a concurrent commit claimed the same number first.
const NUMBERED: &[&str] = &["version number", "deployment sequence", "audit event sequence"];

/// What a unique violation amounts to: a number taken by a concurrent commit, or a duplicate.
pub(crate) fn unique_conflict(detail: &str) -> ConflictKind {
    let what = duplicate_what(detail);
    if NUMBERED.contains(&what) {
        ConflictKind::Taken(what)
    } else {
        ConflictKind::Duplicate(what)
    }
}

/// Says what a unique violation duplicated.
pub(crate) fn duplicate_what(detail: &str) -> &'static str {
    UNIQUE_RULES
        .iter()
        .find(|(pg, sqlite, _)| detail == *pg || detail.contains(sqlite))
        .map_or("row", |(_, _, what)| what)
}

/// Says what a foreign-key violation referred to (PostgreSQL names the constraint; SQLite does
/// not, so it is "row" there).
pub(crate) fn reference_what(detail: &str) -> &'static str {
    let rules: &[(&str, &str)] = &[
        ("fk_pointers_version", "version of that resource"),
        ("fk_release_changes_", "version of that resource"),
        ("_organization_id", "organization"),
        ("_project_id", "project"),
        ("_environment_id", "environment"),
        ("_resource_id", "resource"),
        ("_release_id", "release"),
        ("_user_id", "user"),
        ("_author", "user"),
        ("_created_by", "user"),
        ("_decision_user", "user"),
        ("_deployed_by", "user"),
    ];
    if !detail.starts_with("fk_") {
        return "row";
    }
    rules
        .iter()
        .find(|(needle, _)| detail.contains(needle))
        .map_or("row", |(_, what)| what)
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match classify(&err) {
            Failure::Unique(detail) => {
                tracing::debug!(error = %err, "unique violation");
                StoreError::Conflict(unique_conflict(&detail))
            }
            Failure::ForeignKey(detail) => {
                tracing::debug!(error = %err, "foreign key violation");
                StoreError::Conflict(ConflictKind::MissingReference(reference_what(&detail)))
            }
            Failure::Refused => {
                tracing::warn!(error = %err, "the database refused to change an immutable row");
                StoreError::Conflict(ConflictKind::Immutable("these rows"))
            }
            Failure::Retryable => {
                tracing::warn!(error = %err, "database stayed busy");
                StoreError::Unavailable("database busy, try again".to_owned())
            }
            Failure::Unreachable if crate::pool::count_if_acquire_timeout(&err) => {
                tracing::error!(error = %err, "no database connection within the acquire timeout");
                StoreError::Unavailable("no database connection in time (unreachable or overloaded)".to_owned())
            }
            Failure::Unreachable => {
                tracing::error!(error = %err, "database unreachable");
                StoreError::Unavailable("database unreachable".to_owned())
            }
            Failure::Other => {
                tracing::error!(error = %err, "database error");
                StoreError::Internal("database error".to_owned())
            }
        }
    }
}

/// An error inside a write transaction: either worth retrying the whole transaction, or final.
#[derive(Debug)]
pub(crate) enum TxError {
    /// Serialization failure, deadlock or busy database: run the transaction again.
    Retry(DbErr),
    /// Final.
    Fail(StoreError),
}

impl From<DbErr> for TxError {
    fn from(err: DbErr) -> Self {
        if is_retryable(&err) {
            TxError::Retry(err)
        } else {
            TxError::Fail(err.into())
        }
    }
}

impl From<StoreError> for TxError {
    fn from(err: StoreError) -> Self {
        TxError::Fail(err)
    }
}

/// Translates a database error where a unique violation means `conflict` (e.g. two concurrent
/// inserts of the same pointer mean the pointer moved).
pub(crate) fn unique_means(err: DbErr, conflict: ConflictKind) -> TxError {
    match classify(&err) {
        Failure::Unique(_) => TxError::Fail(StoreError::Conflict(conflict)),
        _ => err.into(),
    }
}

/// A row that fails domain parsing: names the table, the row and the broken rule.
pub(crate) fn corrupt(table: &str, id: impl std::fmt::Display, problem: impl std::fmt::Display) -> StoreError {
    tracing::error!(table, %id, %problem, "stored row fails domain parsing");
    StoreError::Corrupt(format!("{table} row {id}: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_name_what_was_duplicated() {
        assert_eq!(duplicate_what("ux_environments_gateway_fallback"), "gateway fallback");
        assert_eq!(
            duplicate_what("UNIQUE constraint failed: environments.project_id, environments.is_gateway_fallback"),
            "gateway fallback"
        );
        assert_eq!(
            duplicate_what("UNIQUE constraint failed: environments.project_id, environments.slug"),
            "environment slug"
        );
        assert_eq!(
            duplicate_what("UNIQUE constraint failed: versions.resource_id, versions.number"),
            "version number"
        );
        assert_eq!(duplicate_what("something else"), "row");
        assert_eq!(
            unique_conflict("UNIQUE constraint failed: versions.resource_id, versions.number"),
            ConflictKind::Taken("version number")
        );
        assert_eq!(
            unique_conflict("ux_environments_project_slug"),
            ConflictKind::Duplicate("environment slug")
        );
        assert_eq!(reference_what("fk_versions_author"), "user");
        assert_eq!(reference_what("FOREIGN KEY constraint failed"), "row");
    }

    #[test]
    fn messages_carry_no_sql() {
        let err = StoreError::Conflict(ConflictKind::Duplicate("environment slug"));
        assert_eq!(err.to_string(), "conflict: environment slug already exists");
    }
}

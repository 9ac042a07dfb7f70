//! The service's closed set of errors; every interface maps these to its own codes
//! (GraphQL `extensions.code`, REST `error.code`, CLI exit status).

mod missing;

use slipway_domain::policy::PolicyRule;
use slipway_domain::{DomainError, Permission, ValidationError};
use slipway_store::StoreError;

pub use missing::Missing;

/// What kind of clash a CONFLICT is. Callers (the retry loops, the publish flow, the API's error
/// mapping) decide by this, never by the message, so rewording a message changes no behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// A concurrent writer got there first (a pointer or a release moved, the project's
    /// environments changed, a number was taken): reading again and retrying can win.
    Race,
    /// The thing to create already exists (a slug, a key, a membership).
    Duplicate,
    /// A publish target already serves the very version published.
    AlreadyServed,
    /// The request clashes with the current state in a way retrying does not change (nothing
    /// to release, a closed release, a repeated approval, a role still held, a quota reached,
    /// a reference that does not exist).
    State,
}

impl ConflictKind {
    /// The wire name (`race`, `duplicate`, `already_served`, `state`), for clients that want
    /// to tell a lost race from a request that would fail the same way again.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Race => "race",
            ConflictKind::Duplicate => "duplicate",
            ConflictKind::AlreadyServed => "already_served",
            ConflictKind::State => "state",
        }
    }

    /// The kind a store conflict amounts to.
    pub(crate) const fn of_store(kind: &slipway_store::ConflictKind) -> Self {
        use slipway_store::ConflictKind as Store;
        match kind {
            k if k.is_race() => ConflictKind::Race,
            Store::Duplicate(_) => ConflictKind::Duplicate,
            _ => ConflictKind::State,
        }
    }
}

/// Why a use case refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// No valid credentials were presented.
    #[error("authentication required")]
    Unauthenticated,
    /// The caller may see the target but lacks `permission`.
    #[error("{message}")]
    Forbidden {
        /// The permission missing, when one is.
        permission: Option<Permission>,
        /// What was refused.
        message: String,
    },
    /// The target does not exist, or the caller may not see it (the two are indistinguishable).
    #[error("{0} not found")]
    NotFound(Missing),
    /// Bad input.
    #[error("{field}: {message}")]
    Validation {
        /// The field (path) at fault.
        field: String,
        /// The rule broken.
        message: String,
    },
    /// The request clashes with the current state.
    #[error("{message}")]
    Conflict {
        /// What kind of clash (decides retrying; never read the message for it).
        kind: ConflictKind,
        /// What clashed, for the user.
        message: String,
    },
    /// A promotion-policy rule blocks the request.
    #[error("{message}")]
    PolicyViolation {
        /// The rule.
        rule: PolicyRule,
        /// What is wrong.
        message: String,
    },
    /// Something failed that the caller cannot fix; the message is safe to show (no SQL, no
    /// secrets) and the cause has been logged.
    #[error("internal error")]
    Internal(String),
    /// The database cannot be reached right now.
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
}

impl ServiceError {
    /// A validation error on `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A conflict of `kind`.
    pub fn conflict(kind: ConflictKind, message: impl Into<String>) -> Self {
        Self::Conflict {
            kind,
            message: message.into(),
        }
    }

    /// Whether this is a lost race that re-reading and retrying can win.
    pub const fn is_race(&self) -> bool {
        matches!(
            self,
            ServiceError::Conflict {
                kind: ConflictKind::Race,
                ..
            }
        )
    }

    /// A refusal for lack of `permission`.
    pub fn forbidden(permission: Permission) -> Self {
        Self::Forbidden {
            permission: Some(permission),
            message: format!("this needs the {permission} permission"),
        }
    }

    /// The stable code interfaces expose (`NOT_FOUND`, `POLICY_VIOLATION`, …).
    pub const fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "UNAUTHENTICATED",
            ServiceError::Forbidden { .. } => "FORBIDDEN",
            ServiceError::NotFound(_) => "NOT_FOUND",
            ServiceError::Validation { .. } => "VALIDATION",
            ServiceError::Conflict { .. } => "CONFLICT",
            ServiceError::PolicyViolation { .. } => "POLICY_VIOLATION",
            ServiceError::Internal(_) => "INTERNAL",
            ServiceError::Unavailable => "UNAVAILABLE",
        }
    }
}

impl From<ValidationError> for ServiceError {
    fn from(e: ValidationError) -> Self {
        Self::Validation {
            field: e.field().to_owned(),
            message: e.message().to_owned(),
        }
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Validation(v) => v.into(),
            DomainError::NotFound(what) => Self::NotFound(Missing::Row(what)),
            DomainError::Conflict(m) => Self::conflict(ConflictKind::State, m),
            e @ DomainError::QuotaExceeded { .. } => Self::conflict(ConflictKind::State, e.to_string()),
            DomainError::Policy(v) => Self::PolicyViolation {
                rule: v.rule,
                message: v.message,
            },
            DomainError::Forbidden(m) => Self::Forbidden {
                permission: None,
                message: m,
            },
            e @ DomainError::InvalidTransition { .. } => Self::conflict(ConflictKind::State, e.to_string()),
            DomainError::Invariant(m) => {
                tracing::error!(invariant = %m, "stored data breaks a domain invariant");
                Self::Internal("stored data is inconsistent".into())
            }
        }
    }
}

impl From<slipway_domain::policy::PolicyViolation> for ServiceError {
    fn from(v: slipway_domain::policy::PolicyViolation) -> Self {
        Self::PolicyViolation {
            rule: v.rule,
            message: v.message,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(Missing::Row(what)),
            StoreError::Conflict(kind) => Self::conflict(ConflictKind::of_store(&kind), kind.to_string()),
            StoreError::InvalidCursor => Self::validation("after", "is not a cursor this list produced"),
            StoreError::Unavailable(_) => Self::Unavailable,
            other => {
                tracing::error!(error = %other, "store failure");
                Self::Internal(other.to_string())
            }
        }
    }
}

/// The result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;

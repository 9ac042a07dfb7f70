//! The service's closed set of errors; every interface maps these to its own codes
//! (GraphQL `extensions.code`, REST `error.code`, CLI exit status).

use slipway_domain::policy::PolicyRule;
use slipway_domain::{DomainError, Permission, ValidationError};
use slipway_store::StoreError;

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
    NotFound(String),
    /// Bad input.
    #[error("{field}: {message}")]
    Validation {
        /// The field (path) at fault.
        field: String,
        /// The rule broken.
        message: String,
    },
    /// The request clashes with the current state.
    #[error("{0}")]
    Conflict(String),
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
    #[error("service unavailable")]
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
            ServiceError::Conflict(_) => "CONFLICT",
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
            DomainError::NotFound(what) => Self::NotFound(what.to_owned()),
            DomainError::Conflict(m) => Self::Conflict(m),
            e @ DomainError::QuotaExceeded { .. } => Self::Conflict(e.to_string()),
            DomainError::Policy(v) => Self::PolicyViolation {
                rule: v.rule,
                message: v.message,
            },
            DomainError::Forbidden(m) => Self::Forbidden {
                permission: None,
                message: m,
            },
            e @ DomainError::InvalidTransition { .. } => Self::Conflict(e.to_string()),
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
            StoreError::NotFound(what) => Self::NotFound(what.to_owned()),
            StoreError::Conflict(kind) => Self::Conflict(kind.to_string()),
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

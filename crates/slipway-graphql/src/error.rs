//! Turning the service's closed set of errors into GraphQL errors with `extensions.code`.
//!
//! Every resolver maps a [`ServiceError`] explicitly through [`GqlResult::gql`]; the crate builds
//! async-graphql with `custom-error-conversion`, so the library's blanket `From<T: Display>`
//! conversion (which would copy any error's text to the client) does not exist and `?` on a
//! `ServiceResult` does not compile.

use async_graphql::{Context, Error, ErrorExtensions};
use slipway_service::{ServiceError, ServiceResult};

use crate::context::request_id;

/// Maps `ServiceResult`s to GraphQL results.
pub(crate) trait GqlResult<T> {
    /// The GraphQL result, with `extensions.code` (and the request id for internal errors).
    fn gql(self, ctx: &Context<'_>) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for ServiceResult<T> {
    fn gql(self, ctx: &Context<'_>) -> async_graphql::Result<T> {
        self.map_err(|e| to_error(e, || request_id(ctx)))
    }
}

/// `snake_case` to `camelCase`, for the first segment of a field path only: GraphQL argument
/// names are camelCase, while paths inside JSON content (`content.max_tokens`) keep their keys.
fn graphql_field(field: &str) -> String {
    let split = field.find(['.', '[']).unwrap_or(field.len());
    let (head, rest) = field.split_at(split);
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in head.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out.push_str(rest);
    out
}

/// The GraphQL error for `e`. Internal errors are masked: the client sees "internal error" and a
/// request id, and the cause is logged once here with that id.
pub(crate) fn to_error(e: ServiceError, request_id: impl FnOnce() -> String) -> Error {
    let code = e.code();
    match e {
        ServiceError::Validation { field, message } => {
            let field = graphql_field(&field);
            Error::new(format!("{field}: {message}")).extend_with(|_, ext| {
                ext.set("code", code);
                ext.set("field", field.as_str());
            })
        }
        ServiceError::PolicyViolation { rule, message } => Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            ext.set("rule", rule.as_str());
        }),
        ServiceError::Forbidden { permission, message } => Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(p) = permission {
                ext.set("permission", p.to_string());
            }
        }),
        ServiceError::Internal(detail) => {
            let id = request_id();
            tracing::error!(request_id = %id, error = %detail, "internal error answering a GraphQL request");
            Error::new("internal error").extend_with(|_, ext| {
                ext.set("code", code);
                ext.set("requestId", id.as_str());
            })
        }
        ServiceError::Unavailable => {
            let id = request_id();
            tracing::error!(request_id = %id, "the database is unavailable for a GraphQL request");
            Error::new("the database is unavailable; try again shortly").extend_with(|_, ext| {
                ext.set("code", code);
                ext.set("requestId", id.as_str());
            })
        }
        ServiceError::Conflict { kind, message } => Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            ext.set("conflict", kind.as_str());
        }),
        e @ (ServiceError::Unauthenticated | ServiceError::NotFound(_)) => {
            Error::new(e.to_string()).extend_with(|_, ext| ext.set("code", code))
        }
    }
}

/// A validation error on an argument this crate parses itself (an id, a page size).
pub(crate) fn invalid(field: &str, message: &str) -> ServiceError {
    ServiceError::validation(field, message)
}

/// A masked internal error for a failure inside this crate (missing schema data).
pub(crate) fn internal(ctx: &Context<'_>, detail: &str) -> Error {
    to_error(ServiceError::Internal(detail.to_owned()), || request_id(ctx))
}

#[cfg(test)]
mod tests {
    use slipway_domain::Permission;
    use slipway_domain::policy::PolicyRule;

    use super::*;

    fn ext(e: &Error, key: &str) -> Option<String> {
        e.extensions
            .as_ref()
            .and_then(|x| x.get(key))
            .map(|v| v.to_string().trim_matches('"').to_owned())
    }

    #[test]
    fn fields_are_camel_cased_only_outside_content() {
        assert_eq!(graphql_field("allowed_sources"), "allowedSources");
        assert_eq!(graphql_field("bypass_reason"), "bypassReason");
        assert_eq!(graphql_field("name"), "name");
        assert_eq!(graphql_field("content.max_tokens"), "content.max_tokens");
        assert_eq!(graphql_field("changes[0].version_x"), "changes[0].version_x");
    }

    #[test]
    fn every_case_carries_its_code_and_details() {
        let e = to_error(ServiceError::validation("name", "too long"), || "r".into());
        assert_eq!(ext(&e, "code").as_deref(), Some("VALIDATION"));
        assert_eq!(ext(&e, "field").as_deref(), Some("name"));

        let e = to_error(
            ServiceError::PolicyViolation {
                rule: PolicyRule::AllowDirect,
                message: "no".into(),
            },
            || "r".into(),
        );
        assert_eq!(ext(&e, "rule").as_deref(), Some("allow_direct"));

        let e = to_error(ServiceError::forbidden(Permission::ReleaseApprove), || "r".into());
        assert_eq!(ext(&e, "code").as_deref(), Some("FORBIDDEN"));
        assert_eq!(ext(&e, "permission").as_deref(), Some("release:approve"));
    }

    #[test]
    fn internal_errors_are_masked_and_carry_the_request_id() {
        let e = to_error(ServiceError::Internal("SELECT secret FROM t".into()), || "req-7".into());
        assert_eq!(e.message, "internal error");
        assert_eq!(ext(&e, "code").as_deref(), Some("INTERNAL"));
        assert_eq!(ext(&e, "requestId").as_deref(), Some("req-7"));
        assert!(e.source.is_none());
    }
}

//! JSON errors of the HTTP endpoints: `{ "error": { "code", "message" } }`, with the codes of
//! [`ServiceError::code`] and an HTTP status per code. Causes are logged once, here; clients never
//! see SQL, stack traces or secrets.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use slipway_service::ServiceError;

/// An error answer of a REST endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code (`NOT_FOUND`, `VALIDATION`, …).
    pub code: &'static str,
    /// A message safe to show.
    pub message: String,
    /// The field at fault, for `VALIDATION`.
    pub field: Option<String>,
    /// The policy rule, for `POLICY_VIOLATION`.
    pub rule: Option<&'static str>,
    /// Whole seconds to wait before trying again, for `RATE_LIMITED` (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with no field or rule.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            rule: None,
            retry_after: None,
        }
    }

    /// Bad input in `field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            field: Some(field.to_owned()),
            ..Self::new(StatusCode::BAD_REQUEST, "VALIDATION", format!("{field}: {message}"))
        }
    }

    /// No usable credentials.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
    }

    /// Nothing here.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// Over a rate budget: 429, to be tried again after `retry_after` seconds (at least 1).
    pub fn rate_limited(message: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", message)
        }
    }

    /// Adds the headers this error implies (`WWW-Authenticate` for 401, `Retry-After` for 429)
    /// to a response built from it, whatever its body's shape.
    pub fn add_headers(&self, response: &mut Response) {
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if let Some(field) = &self.field {
            error.insert("field".into(), json!(field));
        }
        if let Some(rule) = self.rule {
            error.insert("rule".into(), json!(rule));
        }
        json!({ "error": error })
    }
}

/// The HTTP status of each service error code.
pub const fn status_of(error: &ServiceError) -> StatusCode {
    match error {
        ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ServiceError::Forbidden { .. } => StatusCode::FORBIDDEN,
        ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
        ServiceError::Validation { .. } => StatusCode::BAD_REQUEST,
        ServiceError::Conflict { .. } => StatusCode::CONFLICT,
        ServiceError::PolicyViolation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        ServiceError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let status = status_of(&error);
        match &error {
            // The service's own message for these is already safe, but generic; the cause was
            // logged where it happened and is repeated here with the request's span.
            ServiceError::Internal(cause) => tracing::error!(%cause, "request failed"),
            ServiceError::Unavailable => tracing::warn!("request failed: database unavailable"),
            _ => tracing::debug!(code = error.code(), %error, "request refused"),
        }
        let (field, rule) = match &error {
            ServiceError::Validation { field, .. } => (Some(field.clone()), None),
            ServiceError::PolicyViolation { rule, .. } => (None, Some(rule.as_str())),
            _ => (None, None),
        };
        Self {
            status,
            code: error.code(),
            message: error.to_string(),
            field,
            rule,
            retry_after: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        self.add_headers(&mut response);
        response
    }
}

/// The error code a bare status stands for (for responses produced by layers and rejections,
/// which [`json_errors`](crate::app) rewrites into JSON).
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "UNAUTHENTICATED",
        StatusCode::FORBIDDEN => "FORBIDDEN",
        StatusCode::NOT_FOUND => "NOT_FOUND",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::CONFLICT => "CONFLICT",
        StatusCode::TOO_MANY_REQUESTS => "RATE_LIMITED",
        StatusCode::UNPROCESSABLE_ENTITY => "VALIDATION",
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => "UNAVAILABLE",
        s if s.is_client_error() => "VALIDATION",
        _ => "INTERNAL",
    }
}

#[cfg(test)]
mod tests {
    use slipway_domain::policy::PolicyRule;
    use slipway_service::{ConflictKind, Missing};

    use super::*;

    #[test]
    fn every_service_error_maps_to_its_status_and_code() {
        let cases = [
            (ServiceError::Unauthenticated, 401, "UNAUTHENTICATED"),
            (
                ServiceError::Forbidden {
                    permission: None,
                    message: "no".into(),
                },
                403,
                "FORBIDDEN",
            ),
            (ServiceError::NotFound(Missing::project("a", "b")), 404, "NOT_FOUND"),
            (ServiceError::validation("slug", "bad"), 400, "VALIDATION"),
            (
                ServiceError::conflict(ConflictKind::Duplicate, "taken"),
                409,
                "CONFLICT",
            ),
            (
                ServiceError::PolicyViolation {
                    rule: PolicyRule::RequiredApprovals,
                    message: "needs 1".into(),
                },
                422,
                "POLICY_VIOLATION",
            ),
            (ServiceError::Internal("SELECT secret".into()), 500, "INTERNAL"),
            (ServiceError::Unavailable, 503, "UNAVAILABLE"),
        ];
        for (error, status, code) in cases {
            let api = ApiError::from(error);
            assert_eq!((api.status.as_u16(), api.code), (status, code));
        }
    }

    #[test]
    fn internal_causes_never_reach_the_client() {
        let api = ApiError::from(ServiceError::Internal("SELECT * FROM secrets".into()));
        assert!(!api.body().to_string().contains("SELECT"));
    }

    #[test]
    fn rate_limited_answers_carry_retry_after() {
        let response = ApiError::rate_limited("slow down", 0).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1", "never less than a second");
        let response = ApiError::rate_limited("slow down", 7).into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(code_for_status(StatusCode::TOO_MANY_REQUESTS), "RATE_LIMITED");
    }

    #[test]
    fn details_are_included() {
        let api = ApiError::from(ServiceError::validation("slug", "bad"));
        assert_eq!(api.body()["error"]["field"], "slug");
        let api = ApiError::from(ServiceError::PolicyViolation {
            rule: PolicyRule::AllowDirect,
            message: "no".into(),
        });
        assert_eq!(api.body()["error"]["rule"], "allow_direct");
    }
}

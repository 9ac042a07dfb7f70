//! A request id on every request: the caller's `x-request-id` when it is a sane token, else a
//! fresh UUIDv7. It is put in the request's extensions (for the tracing span, the audit log and
//! handlers) and echoed in the response.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use uuid::Uuid;

/// The header carrying the request id.
pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest caller-supplied id kept (longer ones are replaced: they end up in logs and the audit
/// log).
const MAX_LEN: usize = 64;

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub Arc<str>);

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn acceptable(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let ok = !text.is_empty()
        && text.len() <= MAX_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then_some(text)
}

/// The middleware.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id: Arc<str> = match request.headers().get(&REQUEST_ID_HEADER).and_then(acceptable) {
        Some(given) => Arc::from(given),
        None => Arc::from(Uuid::now_v7().to_string()),
    };
    request.extensions_mut().insert(RequestId(Arc::clone(&id)));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER.clone(), value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_ids_are_kept() {
        assert_eq!(
            acceptable(&HeaderValue::from_static("abc-123_x.y:z")),
            Some("abc-123_x.y:z")
        );
        assert_eq!(acceptable(&HeaderValue::from_static("")), None);
        assert_eq!(acceptable(&HeaderValue::from_static("has space")), None);
        let long = "a".repeat(65);
        assert_eq!(acceptable(&HeaderValue::from_str(&long).unwrap()), None);
    }
}

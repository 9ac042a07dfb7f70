//! Request ids. Every request gets the server's own id, a fresh UUIDv7, whatever the caller
//! sends: it names the request in the logs and the audit log, so a caller must not be able to
//! choose it (to collide with another request's, say). A caller's own `x-request-id` is kept
//! beside it, as the caller's, only when it is short and plain ([`CallerRequestId`]); anything
//! else is dropped, never stored or logged.
//!
//! Both are put in the request's extensions (for the tracing span, the audit log and handlers).
//! The response carries the server's id in `x-request-id`, and echoes the caller's id in
//! `x-caller-request-id` when it was kept, so that a caller can tell whether its id was recorded
//! and map it to the server's.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use slipway_domain::audit::CallerRequestId;
use uuid::Uuid;

/// The header a caller may send its own id in, and in which the response carries the server's.
pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The response header echoing the caller's id, when it was kept.
pub static CALLER_REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-caller-request-id");

/// The ids of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId {
    id: Arc<str>,
    caller: Option<CallerRequestId>,
}

impl RequestId {
    /// A fresh server id, next to the caller's id if it gave an acceptable one.
    pub fn assign(caller: Option<CallerRequestId>) -> Self {
        Self {
            id: Arc::from(fresh_id().to_string()),
            caller,
        }
    }

    /// The server's id as text.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The caller's own id for the request, when it sent an acceptable one.
    pub fn caller(&self) -> Option<&CallerRequestId> {
        self.caller.as_ref()
    }
}

/// A UUIDv7 of the current millisecond whose other 74 bits come from the thread's random
/// generator (seeded from the operating system, so no system call per request).
fn fresh_id() -> Uuid {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX));
    let random: [u8; 10] = rand::random();
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

/// The caller's id in `value`, if it is one to keep.
fn acceptable(value: &HeaderValue) -> Option<CallerRequestId> {
    // Bytes outside visible ASCII fail here already; the parser refuses the rest.
    let text = value.to_str().ok()?;
    CallerRequestId::parse(text).ok()
}

/// The middleware.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let ids = take(&mut request);
    let mut response = next.run(request).await;
    stamp(&ids, &mut response);
    response
}

/// Gives `request` its ids (in its extensions), keeping the caller's when acceptable.
pub fn take(request: &mut Request) -> RequestId {
    let given = request.headers().get(&REQUEST_ID_HEADER);
    let caller = given.and_then(acceptable);
    if let (Some(value), None) = (given, &caller) {
        // Only the length: the value itself is what must not reach the logs.
        tracing::debug!(
            length = value.len(),
            "dropped a caller's x-request-id that is not short and plain"
        );
    }
    let ids = RequestId::assign(caller);
    request.extensions_mut().insert(ids.clone());
    ids
}

/// Names the request's ids in its `response`.
pub fn stamp(ids: &RequestId, response: &mut Response) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(ids.as_str()) {
        headers.insert(REQUEST_ID_HEADER.clone(), value);
    }
    if let Some(value) = ids.caller().and_then(|c| HeaderValue::from_str(c.as_str()).ok()) {
        headers.insert(CALLER_REQUEST_ID_HEADER.clone(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(value: &HeaderValue) -> Option<String> {
        acceptable(value).map(|id| id.as_str().to_owned())
    }

    #[test]
    fn only_short_plain_caller_ids_are_kept() {
        assert_eq!(
            kept(&HeaderValue::from_static("abc-123_x.y:z")),
            Some("abc-123_x.y:z".to_owned())
        );
        assert_eq!(kept(&HeaderValue::from_static("a")), Some("a".to_owned()));
        let longest = "a".repeat(64);
        assert_eq!(kept(&HeaderValue::from_str(&longest).unwrap()), Some(longest));
        for bad in [
            HeaderValue::from_static(""),
            HeaderValue::from_str(&"a".repeat(65)).unwrap(),
            HeaderValue::from_static("has space"),
            HeaderValue::from_static("tab\there"),
            HeaderValue::from_static("semi;colon"),
            // Non-ASCII (obs-text) and control bytes a client can still put on the wire.
            HeaderValue::from_bytes("caf\u{e9}".as_bytes()).unwrap(),
            HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
            HeaderValue::from_bytes("\u{202e}evil".as_bytes()).unwrap(),
        ] {
            assert_eq!(kept(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_server_always_assigns_its_own_id() {
        let caller = CallerRequestId::parse("abc-123").unwrap();
        let ids = RequestId::assign(Some(caller.clone()));
        assert_ne!(ids.as_str(), "abc-123");
        assert_eq!(ids.caller(), Some(&caller));
        let parsed = Uuid::parse_str(ids.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        let (seconds, _) = parsed.get_timestamp().unwrap().to_unix();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert!(now.abs_diff(seconds) <= 2, "stamped with the time it was made");
        assert_ne!(RequestId::assign(None).as_str(), ids.as_str());
    }
}

//! What the server needs around the schema: authenticating a WebSocket connection from its
//! `connection_init` payload.

use std::future::Future;

use async_graphql::Data;
use serde_json::Value;
use slipway_service::{Ctx, Service, ServiceError, ServiceResult};

use crate::error::to_error;
use crate::schema::connection_data;

/// The bearer token in a graphql-transport-ws `connection_init` payload:
/// `{"Authorization": "Bearer <token>"}` (the key in any case) or `{"token": "<token>"}`.
pub fn connection_token(payload: &Value) -> Option<&str> {
    let object = payload.as_object()?;
    for (key, value) in object {
        let Some(text) = value.as_str() else { continue };
        if key.eq_ignore_ascii_case("authorization") {
            let token = text
                .strip_prefix("Bearer ")
                .or_else(|| text.strip_prefix("bearer "))?
                .trim();
            return (!token.is_empty()).then_some(token);
        }
        if key == "token" && !text.trim().is_empty() {
            return Some(text.trim());
        }
    }
    None
}

/// The answer to a `connection_init`: with a token, `authenticate` turns it into the caller (a
/// refused token refuses the connection with `UNAUTHENTICATED`); without one, the connection is
/// anonymous and every subscription on it answers `UNAUTHENTICATED`.
///
/// # Errors
/// `authenticate` refused the token.
pub async fn connection_init<F, Fut>(service: Service, payload: Value, authenticate: F) -> async_graphql::Result<Data>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ServiceResult<Ctx>>,
{
    let caller = match connection_token(&payload) {
        None => None,
        Some(token) => match authenticate(token.to_owned()).await {
            Ok(ctx) => Some(ctx),
            Err(e) => {
                // Whatever the reason, the client only learns that its token was not accepted.
                let e = match e {
                    e @ (ServiceError::Internal(_) | ServiceError::Unavailable) => e,
                    _ => ServiceError::Unauthenticated,
                };
                return Err(to_error(e, || uuid::Uuid::new_v4().to_string()));
            }
        },
    };
    Ok(connection_data(&service, caller))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tokens_are_found_in_connection_init_payloads() {
        assert_eq!(connection_token(&json!({"Authorization": "Bearer abc"})), Some("abc"));
        assert_eq!(connection_token(&json!({"authorization": "bearer abc"})), Some("abc"));
        assert_eq!(connection_token(&json!({"token": "abc"})), Some("abc"));
        assert_eq!(connection_token(&json!({"Authorization": "Basic abc"})), None);
        assert_eq!(connection_token(&json!({})), None);
        assert_eq!(connection_token(&Value::Null), None);
    }
}

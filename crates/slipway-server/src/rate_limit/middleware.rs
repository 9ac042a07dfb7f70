//! The per-address budget as router middleware, and the 429 answers in both shapes: the REST
//! error body, and a GraphQL error response for `/graphql`.
//!
//! Health, readiness and metrics are never limited (probes and scrapers must always get
//! through). Gateway reads that carry an API key skip the address budget: the handler
//! authenticates them and counts them against the key's gateway budget — or, for a key that
//! does not verify, against the address's failed-authentication budget, which is stricter — so
//! that many gateways behind one NAT address are never throttled by that address.

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use slipway_auth::{BearerCredential, parse_authorization};

use super::keys::ClientAddress;
use super::limiter::RateLimits;
use super::refusal::Throttled;
use crate::error::ApiError;
use crate::graphql::{error_in_shape, error_media};
use crate::media::ResponseMedia;

/// Routes no budget applies to.
const UNLIMITED_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// The gateway's read routes, which always authenticate.
const GATEWAY_ROUTES: [&str; 3] = ["/v1/config", "/v1/config/watch", "/v1/config/{kind}/{*key}"];

/// Whether the request presents an API key (`Bearer slw_…`), verified or not.
fn carries_api_key(headers: &HeaderMap) -> bool {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_authorization)
        .is_some_and(|c| matches!(c, BearerCredential::ApiKey(_)))
}

/// The middleware: counts the request against its address's budget, or answers 429.
pub async fn limit_addresses(State(limits): State<RateLimits>, request: Request, next: Next) -> Response {
    match over_budget(&limits, &request) {
        None => next.run(request).await,
        Some(refused) => refused,
    }
}

/// Counts `request` against its address's budget (unless its route is exempt): the 429 answer
/// to send instead of serving it when the budget is spent.
pub fn over_budget(limits: &RateLimits, request: &Request) -> Option<Response> {
    if !limits.is_enabled() {
        return None;
    }
    let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    let unlimited = route.is_some_and(|r| UNLIMITED_ROUTES.contains(&r));
    let gateway_read = route.is_some_and(|r| GATEWAY_ROUTES.contains(&r)) && carries_api_key(request.headers());
    if unlimited || gateway_read {
        return None;
    }
    limits
        .check_address(ClientAddress::from_extensions(request.extensions()))
        .err()
        .map(|throttled| refusal(throttled, error_media(request)))
}

/// The 429 answer: `Retry-After` and `RATE_LIMITED`, in the GraphQL shape (and the negotiated
/// media type) when `graphql` is given.
pub fn refusal(throttled: Throttled, graphql: Option<ResponseMedia>) -> Response {
    error_in_shape(&ApiError::from(throttled), graphql)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn api_keys_are_told_from_other_credentials_without_verifying() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert!(carries_api_key(&with(
            "Bearer slw_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
        )));
        assert!(!carries_api_key(&with("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")));
        assert!(!carries_api_key(&with("Basic dXNlcjpwYXNz")));
        assert!(!carries_api_key(&HeaderMap::new()));
    }

    #[test]
    fn refusals_have_both_shapes() {
        let throttled = Throttled {
            kind: super::super::refusal::Kind::Address,
            wait: std::time::Duration::from_millis(1500),
        };
        for graphql in [
            None,
            Some(ResponseMedia::Json),
            Some(ResponseMedia::GraphqlResponseJson),
        ] {
            let response = refusal(throttled, graphql);
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "2");
        }
    }
}

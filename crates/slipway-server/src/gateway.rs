//! The gateway's hot path: `GET /v1/config` and `GET /v1/config/{kind}/{key}`. Bodies and ETags
//! come pre-serialized from the service's in-memory snapshot (compressed once when a client
//! accepts it); this module only picks one and answers `304 Not Modified` when the client
//! already holds it.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use slipway_domain::ResourceKind;
use slipway_service::ServiceError;
use slipway_service::compressed::Compressed;

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::precompressed;
use crate::state::AppState;

/// The query string of the gateway endpoints.
#[derive(Debug, Default, Deserialize)]
pub struct GatewayQuery {
    /// The environment's slug (the gateway fallback when absent).
    pub environment: Option<String>,
    /// `ORG/PROJECT`, required with a JWT (an API key implies its project).
    pub project: Option<String>,
}

/// The header that names the environment when the query string does not (`environment=` wins).
pub const ENVIRONMENT_HEADER: &str = "x-slipway-environment";

impl GatewayQuery {
    /// Parses the query string, turning a malformed one into a `VALIDATION` error; without
    /// `environment=`, the environment comes from the `X-Slipway-Environment` header, if any.
    ///
    /// # Errors
    /// As above, and for a header that is not text.
    pub fn from_result(query: Result<Query<Self>, QueryRejection>, headers: &HeaderMap) -> Result<Self, ApiError> {
        let mut query = query
            .map(|Query(q)| q)
            .map_err(|e| ApiError::validation("query", e.body_text()))?;
        if query.environment.is_none() {
            query.environment = headers
                .get(ENVIRONMENT_HEADER)
                .map(|v| {
                    v.to_str()
                        .map(str::to_owned)
                        .map_err(|_| ApiError::validation(ENVIRONMENT_HEADER, "must be an environment slug"))
                })
                .transpose()?;
        }
        Ok(query)
    }

    /// The project as `(org, project)`.
    ///
    /// # Errors
    /// `VALIDATION` when `project` is not `ORG/PROJECT`.
    pub fn project(&self) -> Result<Option<(&str, &str)>, ApiError> {
        match self.project.as_deref() {
            None => Ok(None),
            Some(text) => match text.split_once('/') {
                Some((org, project)) if !org.is_empty() && !project.is_empty() && !project.contains('/') => {
                    Ok(Some((org, project)))
                }
                _ => Err(ApiError::validation("project", "must be ORG/PROJECT")),
            },
        }
    }
}

/// Whether an `If-None-Match` header names `etag` (weak comparison, `*` matches anything).
pub fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let wanted = strip(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| candidate.trim() == "*" || strip(candidate) == wanted)
}

/// The answer for a pre-serialized body: 304 when the client's ETag is current, else 200 with
/// the body in the encoding the client prefers (compressed once per body, through `compressed`).
pub fn conditional(
    state: &AppState,
    headers: &HeaderMap,
    body: &Arc<str>,
    etag: &Arc<str>,
    compressed: &Compressed,
) -> Response {
    let not_modified = etag_matches(headers, etag);
    state.metrics.record_resolution(not_modified);
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let encoded = precompressed::encode(headers, body, compressed);
        let mut response = Response::new(Body::from(encoded.bytes));
        let out = response.headers_mut();
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(coding) = encoded.content_encoding {
            out.insert(header::CONTENT_ENCODING, coding);
        }
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    // Answers depend on the credentials: shared caches must not keep them, clients revalidate.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert(header::VARY, HeaderValue::from_static("Authorization, Accept-Encoding"));
    response
}

/// `GET /v1/config?environment=…[&project=ORG/PROJECT]`: everything the environment serves.
///
/// # Errors
/// The service's refusals (unknown environment, scope, …) and malformed queries, as JSON.
pub async fn config(
    State(state): State<AppState>,
    Authenticated(ctx): Authenticated,
    headers: HeaderMap,
    query: Result<Query<GatewayQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let query = GatewayQuery::from_result(query, &headers)?;
    let resolved = state
        .service
        .resolve_environment(&ctx, query.project()?, query.environment.as_deref())
        .await?;
    let view = &resolved.view;
    Ok(conditional(&state, &headers, &view.body, &view.etag, &view.compressed))
}

/// `GET /v1/config/{kind}/{key}?environment=…`: one resource as the environment serves it
/// (falling back to the gateway fallback environment, which the body says).
///
/// # Errors
/// As [`config`], and not-found when nothing serves the resource.
pub async fn resource(
    State(state): State<AppState>,
    Authenticated(ctx): Authenticated,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<GatewayQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Path((kind, key)) = path.map_err(|e| ApiError::validation("path", e.body_text()))?;
    let query = GatewayQuery::from_result(query, &headers)?;
    let kind: ResourceKind = kind.parse().map_err(ServiceError::from)?;
    let entry = state
        .service
        .resolve_resource(&ctx, query.project()?, query.environment.as_deref(), kind, &key)
        .await?;
    Ok(conditional(
        &state,
        &headers,
        &entry.body,
        &entry.etag,
        &entry.compressed,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_inm(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn if_none_match_uses_weak_comparison_and_lists() {
        let etag = "\"abc\"";
        assert!(etag_matches(&with_inm("\"abc\""), etag));
        assert!(etag_matches(&with_inm("W/\"abc\""), etag));
        assert!(etag_matches(&with_inm("\"x\", \"abc\""), etag));
        assert!(etag_matches(&with_inm("*"), etag));
        assert!(!etag_matches(&with_inm("\"abd\""), etag));
        assert!(!etag_matches(&HeaderMap::new(), etag));
    }

    #[test]
    fn projects_are_org_slash_project() {
        let q = |p: &str| GatewayQuery {
            project: Some(p.to_owned()),
            environment: None,
        };
        assert_eq!(q("acme/shop").project().unwrap(), Some(("acme", "shop")));
        for bad in ["acme", "/shop", "acme/", "a/b/c"] {
            assert!(q(bad).project().is_err(), "{bad}");
        }
    }
}

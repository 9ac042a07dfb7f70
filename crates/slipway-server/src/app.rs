//! The axum router: every route (the dashboard at `/`) and the middleware around them (request id, tracing, metrics,
//! the per-address rate limit, JSON errors, CORS, compression, body limit, timeout); the hot routes
//! (gateway reads and model calls) have a lean stack of their own ([`hot`](crate::hot)).

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::map_request_body::MapRequestBodyLayer;

use crate::error::{ApiError, code_for_status};
use crate::hot::{self, HotStack};
use crate::request_id::{CALLER_REQUEST_ID_HEADER, REQUEST_ID_HEADER};
use crate::startup::StartupError;
use crate::state::AppState;
use crate::{
    chat, dashboard, gateway, graphiql, graphql, health, media, metrics, oidc_client, rate_limit, request_id,
    telemetry, watch,
};

/// The HTTP-level settings of the router.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Per-request time limit (the chat endpoints excepted).
    pub request_timeout: Duration,
    /// Time limit of a chat call, all its attempts included.
    pub chat_timeout: Duration,
    /// CORS origins (`*` for any); empty: no CORS headers.
    pub cors_origins: Vec<String>,
    /// Serve GraphiQL's assets.
    pub graphiql: bool,
    /// Serve `/metrics` here (off when it has a listener of its own).
    pub metrics: bool,
    /// The answer of `GET /auth/oidc` (see [`oidc_client`](crate::oidc_client)).
    pub public_oidc: serde_json::Value,
    /// The identity provider's origin, which the dashboard's page may call (its CSP).
    pub identity_origin: Option<String>,
}

/// Builds the router.
///
/// # Errors
/// [`StartupError::Config`] for a CORS origin that is not a valid header value.
pub fn router(state: AppState, options: &HttpOptions) -> Result<Router, StartupError> {
    let cors = cors_layer(&options.cors_origins)?;
    let middleware = ServiceBuilder::new()
        .layer(from_fn(request_id::assign))
        .layer(telemetry::trace_layer())
        .layer(from_fn_with_state(state.metrics.clone(), metrics::track))
        .layer(from_fn(json_errors))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(options.body_limit))
        // Back to axum's body type for the middleware and handlers inside.
        .layer(MapRequestBodyLayer::new(Body::new))
        // Inside compression: preflight answers need a body type with a default. Without
        // origins there is no CORS layer at all (it would only add `Vary` to every answer).
        .option_layer(cors.clone())
        // Inside CORS, so that browsers can read a 429 and preflights are never counted; before
        // any handler reads a body.
        .layer(from_fn_with_state(
            state.rate_limits.clone(),
            rate_limit::middleware::limit_addresses,
        ))
        .layer(from_fn_with_state(options.request_timeout, timeout));
    let mut router = Router::new().route("/graphql", get(graphql::get).post(graphql::post));
    if options.graphiql {
        router = router.route("/graphiql/{file}", get(graphiql::asset));
    }
    if options.metrics {
        router = router.route("/metrics", get(metrics::endpoint::endpoint));
    }
    let router = router
        .route("/v1/config/watch", get(watch::watch))
        .route(oidc_client::PATH, {
            let settings = options.public_oidc.clone();
            get(move || async move { oidc_client::respond(&settings) })
        })
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/", get(dashboard::index))
        .route("/assets/{file}", get(dashboard::asset))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone());
    let router = match &options.identity_origin {
        // The page's CSP names the provider, whose discovery and token endpoints it calls.
        Some(origin) => {
            let policy = HeaderValue::from_str(&dashboard::content_security_policy_with(origin))
                .map_err(|_| StartupError::Config("OIDC issuer origin".into()))?;
            router.layer(axum::middleware::map_response(move |mut response: Response| {
                let policy = policy.clone();
                async move {
                    if response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
                        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
                    }
                    response
                }
            }))
        }
        None => router,
    };
    let general = router.layer(middleware);
    // The hot routes: one middleware instead of the stack above (see `hot.rs`); anything they
    // do not route falls through to the general router. Model calls take their own budget (a
    // routing rule's attempts, retries and fallbacks may need minutes).
    let lean = |timeout| {
        ServiceBuilder::new()
            .layer(from_fn_with_state(
                HotStack::new(state.metrics.clone(), state.rate_limits.clone(), timeout),
                hot::serve,
            ))
            .option_layer(cors.clone())
    };
    let reads = Router::new()
        .route("/v1/config", get(gateway::config))
        .route("/v1/config/{kind}/{*key}", get(gateway::resource))
        // Before the layer, so that a 405 (and a CORS preflight) passes the lean stack too.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(lean(options.request_timeout));
    let calls = Router::new()
        .route("/v1/prompts/{*path}", post(chat::prompt_chat))
        .route("/v1/chat/completions", post(chat::completions))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(options.body_limit))
        .layer(lean(options.chat_timeout));
    Ok(reads.merge(calls).with_state(state).fallback_service(general))
}

/// CORS: with no origins configured there is no layer (browsers then refuse cross-origin
/// calls).
fn cors_layer(origins: &[String]) -> Result<Option<CorsLayer>, StartupError> {
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        let values = origins
            .iter()
            .map(|o| HeaderValue::from_str(o.trim()).map_err(|_| StartupError::Config(format!("CORS origin '{o}'"))))
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(values)
    };
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_NONE_MATCH,
                HeaderName::from_static("x-request-id"),
                // Sent by watch-stream clients that resume (see `watch.rs`).
                HeaderName::from_static("last-event-id"),
                // Names the environment of a chat call (see `chat/`).
                HeaderName::from_static(chat::ENVIRONMENT_HEADER),
            ])
            .expose_headers(
                [
                    header::ETAG,
                    header::RETRY_AFTER,
                    REQUEST_ID_HEADER.clone(),
                    CALLER_REQUEST_ID_HEADER.clone(),
                ]
                .into_iter()
                .chain(chat::SERVED_HEADERS.map(HeaderName::from_static))
                .collect::<Vec<_>>(),
            )
            .max_age(Duration::from_secs(3600)),
    ))
}

/// Anything unrouted: the dashboard's page for a deep link a browser opens, else JSON.
async fn not_found(method: Method, uri: Uri, headers: HeaderMap) -> Result<Response, ApiError> {
    dashboard::deep_link(&method, uri.path(), &headers).unwrap_or_else(|| Err(ApiError::not_found("no such endpoint")))
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this endpoint does not accept that method",
    )
}

/// Fails a request that takes longer than the limit with a JSON 503. Streams are not cut: the
/// limit applies until the response head, and a stream's head is sent at once.
async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let graphql = graphql::error_media(&request);
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => timed_out(limit, graphql),
    }
}

/// The answer of a request that took longer than `limit`: a 503 in the request's shape.
pub(crate) fn timed_out(limit: Duration, graphql: Option<media::ResponseMedia>) -> Response {
    tracing::warn!(limit = ?limit, "request timed out");
    let error = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "UNAVAILABLE",
        "the request took too long",
    );
    graphql::error_in_shape(&error, graphql)
}

/// Rewrites error responses that layers and rejections produce as plain text or empty bodies
/// (413 from the body limit, 405, a failed WebSocket upgrade, …) into the JSON error shape.
async fn json_errors(request: Request, next: Next) -> Response {
    as_json_error(next.run(request).await)
}

/// `response` itself unless it is an error without a JSON body, which it becomes.
pub(crate) fn as_json_error(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let body = ApiError::new(status, code_for_status(status), message)
        .body()
        .to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(body))
}

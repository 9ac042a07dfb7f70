//! `/graphql`: POST runs one GraphQL operation; GET upgrades to a graphql-transport-ws
//! WebSocket for subscriptions (authenticated in `connection_init`) or, from a browser, serves
//! GraphiQL (GET never runs an operation, so never a mutation). A POST must be
//! `application/json` (else `415`) and is answered in the media type its `Accept` asks for
//! ([`media`](crate::media)). The body is read here under the size limit and parsed here, so
//! that malformed JSON, batches and oversize bodies get GraphQL-shaped errors with a code, never
//! a 500. WebSocket messages are limited to the body size too.

use std::sync::Arc;
use std::time::Duration;

use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::{Body, to_bytes};
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use slipway_graphql::{AppSchema, OperationObserver, SchemaOptions};
use slipway_service::Service;
use tokio::sync::oneshot;

use crate::config::Settings;
use crate::error::ApiError;
use crate::graphiql;
use crate::media::{self, ResponseMedia};
use crate::metrics::Metrics;
use crate::rate_limit::{ClientAddress, SocketBudget, Subject};
use crate::request_id::RequestId;
use crate::state::AppState;
use slipway_graphql::mentions_mutation;

/// The schema and the HTTP options of the GraphQL endpoint.
#[derive(Clone)]
pub struct GraphqlState {
    /// The executable schema.
    pub schema: AppSchema,
    /// Serve GraphiQL on GET.
    pub graphiql: bool,
    /// Largest accepted body.
    pub body_limit: usize,
    /// Interval of WebSocket keep-alives.
    pub keepalive: Duration,
    /// Time a WebSocket has to send `connection_init` (the header-read timeout: until then
    /// the client has not said what it wants).
    pub init_timeout: Duration,
}

impl std::fmt::Debug for GraphqlState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphqlState")
            .field("graphiql", &self.graphiql)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl GraphqlState {
    /// Builds the schema over `service`; production mode turns introspection off.
    pub fn new(service: &Service, settings: &Settings) -> Self {
        let options = SchemaOptions {
            introspection: !settings.production,
            ..SchemaOptions::default()
        };
        Self {
            schema: slipway_graphql::build_schema(service.clone(), options),
            graphiql: settings.graphiql,
            body_limit: settings.body_limit,
            keepalive: settings.watch_keepalive,
            init_timeout: settings.header_read_timeout,
        }
    }
}

/// The route of the GraphQL endpoint.
const GRAPHQL_ROUTE: &str = "/graphql";

/// The media type of a GraphQL-shaped error answering `request`, or `None` when the request is
/// not for the GraphQL endpoint (its errors then take the REST shape). Needs the route, so it
/// works in middleware that runs after routing.
pub(crate) fn error_media(request: &Request) -> Option<ResponseMedia> {
    let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    (route == Some(GRAPHQL_ROUTE)).then(|| ResponseMedia::negotiate(request.headers().get(header::ACCEPT)))
}

/// `error` in the shape of the endpoint it answers: GraphQL's when `graphql` gives its media
/// type (from [`error_media`]), the REST error body otherwise.
pub(crate) fn error_in_shape(error: &ApiError, graphql: Option<ResponseMedia>) -> Response {
    match graphql {
        Some(media) => graphql_error(error, media),
        None => error.clone().into_response(),
    }
}

/// A GraphQL-shaped error response (`{"errors": [{message, extensions: {code}}]}`) in the
/// negotiated media type.
pub(crate) fn graphql_error(error: &ApiError, media: ResponseMedia) -> Response {
    let mut extensions = json!({ "code": error.code });
    if let Some(field) = &error.field {
        extensions["field"] = json!(field);
    }
    let body = json!({ "errors": [{ "message": error.message, "extensions": extensions }] });
    let mut response = json_response(error.status, &body, media);
    error.add_headers(&mut response);
    response
}

fn json_response(status: StatusCode, body: &Value, media: ResponseMedia) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

/// `415` for a body that is not `application/json`, saying what is.
fn unsupported_media_type(media: ResponseMedia) -> Response {
    let mut response = graphql_error(
        &ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send GraphQL requests as Content-Type: application/json",
        ),
        media,
    );
    response.headers_mut().insert(
        HeaderName::from_static("accept-post"),
        HeaderValue::from_static("application/json"),
    );
    response
}

fn request_id(parts: &Parts) -> Option<RequestId> {
    parts.extensions.get::<RequestId>().cloned()
}

/// Parses one GraphQL request from a JSON body.
fn parse_body(bytes: &[u8]) -> Result<slipway_graphql::Request, ApiError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::validation("body", format!("is not valid JSON ({e})")))?;
    if value.is_array() {
        return Err(ApiError::validation("body", "batched requests are not supported"));
    }
    serde_json::from_value(value).map_err(|e| ApiError::validation("body", format!("is not a GraphQL request ({e})")))
}

/// `POST /graphql`. The media types come first, before the caller, the body or the document
/// are looked at.
pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let media = ResponseMedia::negotiate(parts.headers.get(header::ACCEPT));
    if !media::is_json_body(parts.headers.get(header::CONTENT_TYPE)) {
        return unsupported_media_type(media);
    }
    let caller = match state.auth.caller_of(&parts).await {
        Ok(caller) => caller,
        Err(error) => return graphql_error(&error, media),
    };
    let bytes = match to_bytes(body, state.graphql.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return graphql_error(
                &ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "PAYLOAD_TOO_LARGE",
                    format!("the body is larger than {} bytes", state.graphql.body_limit),
                ),
                media,
            );
        }
    };
    let gql_request = match parse_body(&bytes) {
        Ok(r) => r,
        Err(error) => return graphql_error(&error, media),
    };
    let operation = gql_request
        .operation_name
        .as_deref()
        .or_else(|| crate::metrics::declared_name(&gql_request.query));
    crate::telemetry::record_operation(operation);
    state.metrics.record_graphql_operation(operation);
    if state.rate_limits.is_enabled() && mentions_mutation(&gql_request.query) {
        let subject = Subject::of(caller.as_ref(), ClientAddress::from_extensions(&parts.extensions));
        if let Err(throttled) = state.rate_limits.check_mutation(subject) {
            return graphql_error(&ApiError::from(throttled), media);
        }
    }
    let gql_request = slipway_graphql::attach(&state.service, gql_request, caller);
    let gql_response = state.graphql.schema.execute(gql_request).await;
    // An answer without errors (or any answer as plain JSON) is always 200: serialized straight
    // to bytes, without the intermediate tree that telling a request error apart needs.
    if media == ResponseMedia::Json || !gql_response.is_err() {
        return match serde_json::to_vec(&gql_response) {
            Ok(bytes) => {
                let mut response = Response::new(Body::from(bytes));
                response
                    .headers_mut()
                    .insert(header::CONTENT_TYPE, media.content_type());
                response
            }
            Err(e) => unserializable(&e, media),
        };
    }
    match serde_json::to_value(&gql_response) {
        Ok(body) => {
            let (status, body) = media.answer(body);
            json_response(status, &body, media)
        }
        Err(e) => unserializable(&e, media),
    }
}

/// The answer when a GraphQL response cannot be serialized (logged; the client gets INTERNAL).
fn unserializable(error: &serde_json::Error, media: ResponseMedia) -> Response {
    tracing::error!(%error, "could not serialize a GraphQL response");
    graphql_error(
        &ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"),
        media,
    )
}

/// `GET /graphql`: a WebSocket upgrade for subscriptions, else GraphiQL (when enabled).
pub async fn get(State(state): State<AppState>, request: Request) -> Response {
    let wants_upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !wants_upgrade {
        return if state.graphql.graphiql {
            graphiql::page()
        } else {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "send GraphQL requests with POST (GraphiQL is turned off)",
            )
            .into_response()
        };
    }
    let (mut parts, _body) = request.into_parts();
    let request_id = request_id(&parts);
    let address = ClientAddress::from_extensions(&parts.extensions);
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &state).await {
        Ok(p) => p,
        Err(_) => {
            return ApiError::validation("sec-websocket-protocol", "must be graphql-transport-ws").into_response();
        }
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(u) => u,
        Err(rejection) => return ApiError::validation("upgrade", rejection.body_text()).into_response(),
    };
    let state_for_socket = state.clone();
    // A message (and each frame of it) may be as large as an HTTP body, no larger: a bigger one
    // is refused from its frame header and ends that connection, never read into memory.
    upgrade
        .max_message_size(state.graphql.body_limit)
        .max_frame_size(state.graphql.body_limit)
        .protocols(slipway_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve_socket(state_for_socket, socket, protocol, request_id, address))
}

async fn serve_socket(
    state: AppState,
    socket: WebSocket,
    protocol: GraphQLProtocol,
    request_id: Option<RequestId>,
    address: ClientAddress,
) {
    let _open = state.metrics.websocket_opened();
    let auth = state.auth.clone();
    let service = state.service.clone();
    let limits = state.rate_limits.clone();
    let operations: Arc<dyn OperationObserver> = Arc::new(CountOperations(state.metrics.clone()));
    let (initialized, init_seen) = oneshot::channel::<()>();
    let connection = GraphQLWebSocket::new(socket, state.graphql.schema.clone(), protocol)
        .on_connection_init(move |payload: Value| {
            let _seen = initialized.send(());
            async move {
                let mut data = slipway_graphql::connection_init(service, payload, move |token| async move {
                    auth.authenticate_token(&token, request_id.as_ref(), address).await
                })
                .await?;
                slipway_graphql::observe_operations(&mut data, operations);
                if limits.is_enabled() {
                    slipway_graphql::budget_operations(&mut data, Arc::new(SocketBudget::new(limits, address)));
                }
                Ok(data)
            }
        })
        .serve();
    // A socket that never says `connection_init` would hold its connection forever.
    let init_timeout = state.graphql.init_timeout;
    let init_overdue = async move {
        if tokio::time::timeout(init_timeout, init_seen).await.is_err() {
            return;
        }
        std::future::pending::<()>().await;
    };
    let mut shutdown = state.shutdown.signal();
    tokio::select! {
        () = connection => {}
        () = init_overdue => tracing::debug!("closing a GraphQL WebSocket: no connection_init in time"),
        () = shutdown.wait() => tracing::debug!("closing a GraphQL WebSocket for shutdown"),
    }
}

/// Counts the operations a WebSocket connection sends as POSTs are counted: by operation name,
/// else the name the document declares.
struct CountOperations(Metrics);

impl OperationObserver for CountOperations {
    fn operation(&self, name: Option<&str>, document: &str) {
        let name = name.or_else(|| crate::metrics::declared_name(document));
        self.0.record_graphql_operation(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_must_be_one_json_request() {
        assert!(parse_body(br#"{"query": "{ viewer { id } }"}"#).is_ok());
        for bad in [&b"{"[..], b"[]", br#"[{"query": "{ a }"}]"#, br#"{"query": 5}"#] {
            let error = parse_body(bad).unwrap_err();
            assert_eq!((error.status, error.code), (StatusCode::BAD_REQUEST, "VALIDATION"));
        }
    }
}

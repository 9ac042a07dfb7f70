//! `/graphql`: POST runs one GraphQL operation; GET upgrades to a graphql-transport-ws
//! WebSocket for subscriptions (authenticated in `connection_init`) or, from a browser, serves
//! GraphiQL. The body is read here under the size limit and parsed here, so that malformed
//! JSON, batches and oversize bodies get GraphQL-shaped errors with a code, never a 500.

use std::time::Duration;

use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::{Body, to_bytes};
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use slipway_graphql::{AppSchema, SchemaOptions};
use slipway_service::Service;

use crate::config::Settings;
use crate::error::ApiError;
use crate::graphiql;
use crate::rate_limit::mutation::mentions_mutation;
use crate::rate_limit::{ClientAddress, Subject};
use crate::request_id::RequestId;
use crate::state::AppState;

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
        }
    }
}

/// A GraphQL-shaped error response (`{"errors": [{message, extensions: {code}}]}`).
pub(crate) fn graphql_error(error: &ApiError) -> Response {
    let mut extensions = json!({ "code": error.code });
    if let Some(field) = &error.field {
        extensions["field"] = json!(field);
    }
    let body = json!({ "errors": [{ "message": error.message, "extensions": extensions }] });
    let mut response = (error.status, axum::Json(body)).into_response();
    error.add_headers(&mut response);
    response
}

fn request_id(parts: &Parts) -> Option<String> {
    parts.extensions.get::<RequestId>().map(|r| r.as_str().to_owned())
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

/// `POST /graphql`.
pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let caller = match state.auth.caller_of(&parts).await {
        Ok(caller) => caller,
        Err(error) => return graphql_error(&error),
    };
    let bytes = match to_bytes(body, state.graphql.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return graphql_error(&ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("the body is larger than {} bytes", state.graphql.body_limit),
            ));
        }
    };
    let gql_request = match parse_body(&bytes) {
        Ok(r) => r,
        Err(error) => return graphql_error(&error),
    };
    if state.rate_limits.is_enabled() && mentions_mutation(&gql_request.query) {
        let subject = Subject::of(caller.as_ref(), ClientAddress::from_extensions(&parts.extensions));
        if let Err(throttled) = state.rate_limits.check_mutation(subject) {
            return graphql_error(&ApiError::from(throttled));
        }
    }
    let gql_request = slipway_graphql::attach(&state.service, gql_request, caller);
    let gql_response = state.graphql.schema.execute(gql_request).await;
    match serde_json::to_vec(&gql_response) {
        Ok(body) => {
            let mut response = Response::new(Body::from(body));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "could not serialize a GraphQL response");
            graphql_error(&ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            ))
        }
    }
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
    upgrade
        .protocols(slipway_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve_socket(state_for_socket, socket, protocol, request_id))
}

async fn serve_socket(state: AppState, socket: WebSocket, protocol: GraphQLProtocol, request_id: Option<String>) {
    let auth = state.auth.clone();
    let service = state.service.clone();
    let connection = GraphQLWebSocket::new(socket, state.graphql.schema.clone(), protocol)
        .on_connection_init(move |payload: Value| {
            slipway_graphql::connection_init(service, payload, move |token| async move {
                auth.authenticate_token(&token, request_id).await
            })
        })
        .serve();
    let mut shutdown = state.shutdown.signal();
    tokio::select! {
        () = connection => {}
        () = shutdown.wait() => tracing::debug!("closing a GraphQL WebSocket for shutdown"),
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

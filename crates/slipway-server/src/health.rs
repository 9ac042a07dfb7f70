//! Liveness and readiness: `GET /healthz` (the process answers) and `GET /readyz` (the database
//! answers and the server is not shutting down, so a load balancer may send traffic).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`.
pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.shutdown.is_triggered() {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "shutting down").into_response();
    }
    match state.service.store().ping().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "database unreachable").into_response(),
    }
}

//! Liveness and readiness. `GET /healthz`: the process answers. `GET /readyz`: this instance can
//! serve gateway reads — it is not shutting down, and it either reaches the database or holds
//! configuration snapshots in memory to serve from — so a database outage does not take a
//! still-working read path out of a load balancer. `GET /readyz?for=writes`: it can also write
//! (the database answers). Both bodies say what holds for each part.

use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// How long readiness waits for the database to answer before calling it unreachable (a load
/// balancer's probe should never hang on a database that does not answer).
const DATABASE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`.
pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// What `/readyz` is asked about.
#[derive(Debug, Default, Deserialize)]
pub struct ReadyQuery {
    /// `reads` (the default) or `writes`.
    #[serde(rename = "for")]
    purpose: Option<String>,
}

/// `GET /readyz` and `GET /readyz?for=writes`.
pub async fn readyz(State(state): State<AppState>, Query(query): Query<ReadyQuery>) -> Response {
    let for_writes = match query.purpose.as_deref() {
        None | Some("reads") => false,
        Some("writes") => true,
        Some(_) => return ApiError::validation("for", "must be `reads` or `writes`").into_response(),
    };
    if state.shutdown.is_triggered() {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "shutting down").into_response();
    }
    let database = matches!(
        tokio::time::timeout(DATABASE_PROBE_TIMEOUT, state.service.store().ping()).await,
        Ok(Ok(()))
    );
    let snapshots = state.service.cached_snapshots();
    let reads = database || snapshots > 0;
    let ready = if for_writes { database } else { reads };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "reads": reads,
        "writes": database,
        "snapshots": snapshots,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

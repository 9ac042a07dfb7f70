//! Turning a call's outcome into the HTTP answer: the completion as JSON or the chunk events
//! as `text/event-stream`, headers naming what served it, and the error shapes (the upstream's
//! status for the caller's own mistake, 502 with the attempts when every attempt failed). No
//! answer carries an upstream's body, a credential or a stack trace.

use std::convert::Infallible;

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{Value, json};
use slipway_domain::call::CallPlan;
use slipway_gateway::{AnswerBody, AttemptRecord, Call, CallError, ChatRequest};
use slipway_service::snapshot::EnvironmentView;

use crate::call_metrics::CallLabels;
use crate::state::AppState;

/// What the environment's configuration chose for a call.
#[derive(Debug, Clone)]
pub struct Served {
    /// The environment asked for (or the gateway fallback).
    pub environment: String,
    /// The environment whose pointer served the prompt (or the rule).
    pub served_from: String,
    /// Whether that pointer came from the gateway fallback.
    pub fell_back: bool,
    /// `key@version` of the prompt.
    pub prompt: Option<String>,
    /// `key@release` of the routing rule.
    pub routing_rule: Option<String>,
}

/// Every header [`describe`] may set to name what served a call (exposed to browsers through
/// CORS, so a dashboard or a browser app can read them).
pub const SERVED_HEADERS: [&str; 10] = [
    "x-slipway-environment",
    "x-slipway-served-from",
    "x-slipway-fell-back",
    "x-slipway-prompt-version",
    "x-slipway-routing-rule",
    "x-slipway-route",
    "x-slipway-provider",
    "x-slipway-model",
    "x-slipway-target-fallback",
    "x-slipway-attempts",
];

fn set(response: &mut Response, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(HeaderName::from_static(name), value);
    }
}

fn describe(response: &mut Response, served: &Served, route: Option<&str>, attempts: &[AttemptRecord]) {
    set(response, "x-slipway-environment", &served.environment);
    set(response, "x-slipway-served-from", &served.served_from);
    set(
        response,
        "x-slipway-fell-back",
        if served.fell_back { "true" } else { "false" },
    );
    if let Some(prompt) = &served.prompt {
        set(response, "x-slipway-prompt-version", prompt);
    }
    if let Some(rule) = &served.routing_rule {
        set(response, "x-slipway-routing-rule", rule);
    }
    if let Some(route) = route {
        set(response, "x-slipway-route", route);
    }
    if let Some(last) = attempts.last() {
        set(response, "x-slipway-provider", &last.provider);
        set(response, "x-slipway-model", &last.model);
        set(
            response,
            "x-slipway-target-fallback",
            if last.fallback { "true" } else { "false" },
        );
    }
    set(response, "x-slipway-attempts", &attempts.len().to_string());
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn error_body(code: &str, message: &str, attempts: &[AttemptRecord]) -> Value {
    let list: Vec<Value> = attempts.iter().map(AttemptRecord::to_json).collect();
    json!({"error": {"code": code, "message": message, "attempts": list}})
}

/// Makes the call and answers it.
pub async fn call(
    state: &AppState,
    view: &EnvironmentView,
    served: Served,
    plan: CallPlan,
    request: ChatRequest,
) -> Response {
    let route = plan.route.clone();
    let result = state.gateway.call(Call { view, plan, request }).await;
    let calls = state.metrics.clone();
    let labels = |outcome, attempts: &[AttemptRecord]| CallLabels {
        environment: served.environment.clone(),
        route: route.clone().unwrap_or_default(),
        target: attempts
            .last()
            .map(|a| format!("{}/{}", a.provider, a.model))
            .unwrap_or_default(),
        outcome,
    };
    match result {
        Ok(answer) => {
            calls
                .calls()
                .record_call(labels("ok", &answer.attempts), &answer.attempts);
            let mut response = match answer.body {
                AnswerBody::Complete { completion, usage } => {
                    if let Some(usage) = usage {
                        calls.calls().record_usage(usage);
                    }
                    Json(completion).into_response()
                }
                AnswerBody::Stream(chunks) => {
                    let metrics = calls.clone();
                    let bytes = chunks.map(move |piece| {
                        metrics.calls().record_streamed(piece.bytes.len());
                        if let Some(usage) = piece.usage {
                            metrics.calls().record_usage(usage);
                        }
                        Ok::<_, Infallible>(piece.bytes)
                    });
                    let mut response = Response::new(Body::from_stream(bytes));
                    let headers = response.headers_mut();
                    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
                    // Proxies must pass events on as they come.
                    headers.insert(
                        HeaderName::from_static("x-accel-buffering"),
                        HeaderValue::from_static("no"),
                    );
                    response
                }
            };
            describe(&mut response, &served, route.as_deref(), &answer.attempts);
            response
        }
        Err(error) => {
            let attempts = error.attempts().to_vec();
            let (status, outcome, code, message) = match &error {
                CallError::Caller { status, .. } => (
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
                    "caller_error",
                    "UPSTREAM_REJECTED",
                    format!("the provider refused the request as invalid (HTTP {status})"),
                ),
                CallError::AllFailed { .. } => (
                    StatusCode::BAD_GATEWAY,
                    "failed",
                    "UPSTREAM_FAILED",
                    if attempts.is_empty() {
                        "no attempt could be made".to_owned()
                    } else {
                        "every attempt failed".to_owned()
                    },
                ),
            };
            calls.calls().record_call(labels(outcome, &attempts), &attempts);
            tracing::warn!(code, attempts = attempts.len(), "gateway call failed");
            let mut response = (status, Json(error_body(code, &message, &attempts))).into_response();
            describe(&mut response, &served, route.as_deref(), &attempts);
            response
        }
    }
}

#[cfg(test)]
mod served_headers_tests {
    use std::time::Duration;

    use slipway_gateway::AttemptOutcome;

    use super::*;

    #[test]
    fn every_header_naming_what_served_a_call_is_listed() {
        let mut response = Response::new(axum::body::Body::empty());
        let served = Served {
            environment: "prod".into(),
            served_from: "prod".into(),
            fell_back: false,
            prompt: Some("greeting@2".into()),
            routing_rule: Some("support@1".into()),
        };
        let attempt = AttemptRecord {
            provider: "openai".into(),
            model: "gpt-4o-mini".into(),
            retry: 0,
            fallback: false,
            outcome: AttemptOutcome::Succeeded,
            latency: Duration::from_millis(3),
        };
        describe(&mut response, &served, Some("default"), &[attempt]);
        let mut set: Vec<&str> = response
            .headers()
            .keys()
            .map(HeaderName::as_str)
            .filter(|name| name.starts_with("x-slipway-"))
            .collect();
        set.sort_unstable();
        let mut listed = SERVED_HEADERS.to_vec();
        listed.sort_unstable();
        assert_eq!(set, listed);
    }
}

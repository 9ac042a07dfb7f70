//! The gateway's data plane over HTTP: `POST /v1/prompts/{key}/chat` ("Chat Deployed": the
//! prompt version live in the environment, rendered with the caller's inputs, sent through its
//! routing rule or to the provider enabling its model) and `POST /v1/chat/completions`
//! (OpenAI-compatible: `model` names a routing rule, or `provider-key/model`). The API key and
//! the environment are chosen exactly as for `GET /v1/config`, everything else comes from the
//! in-memory snapshot: no database read per call.

pub mod body;
mod respond;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use slipway_domain::ResourceKind;
use slipway_domain::ValidationError;
use slipway_domain::call::{CallPlan, RequestAttributes, merge_parameters, plan_for_rule, render_messages};
use slipway_domain::content::{Content, PromptParameters};
use slipway_gateway::{ChatRequest, provider_for_model};
use slipway_service::snapshot::{EnvironmentView, ResolvedEnvironment, Snapshot};
use slipway_service::{Ctx, ServiceError};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::gateway::GatewayQuery;
use crate::state::AppState;

pub use respond::{SERVED_HEADERS, Served};

pub use crate::gateway::ENVIRONMENT_HEADER;

fn invalid(e: &ValidationError) -> ApiError {
    ApiError::validation(e.field(), e.message())
}

fn internal(what: &str) -> ApiError {
    tracing::error!(what, "snapshot entry of the wrong kind");
    ApiError::from(ServiceError::Internal(
        "the served configuration is inconsistent".into(),
    ))
}

/// The environment a call asks for (query, else header, else the gateway fallback), resolved
/// for the caller with the key's scope applied.
async fn resolve(
    state: &AppState,
    ctx: &Ctx,
    query: Result<Query<GatewayQuery>, QueryRejection>,
    headers: &HeaderMap,
) -> Result<ResolvedEnvironment, ApiError> {
    let query = GatewayQuery::from_result(query, headers)?;
    Ok(state
        .service
        .resolve_environment(ctx, query.project()?, query.environment.as_deref())
        .await?)
}

/// The plan through routing rule `key` as the environment serves it, and its label `key@N`.
fn plan_through_rule(
    snapshot: &Snapshot,
    slug: &str,
    key: &str,
    attrs: &RequestAttributes,
) -> Result<(CallPlan, String), ApiError> {
    let entry = snapshot
        .resource(Some(slug), ResourceKind::RoutingRule, key)
        .map_err(ServiceError::from)?;
    let Content::RoutingRule(rule) = &entry.version.content else {
        return Err(internal("routing rule"));
    };
    let plan = plan_for_rule(rule, attrs, slipway_gateway::random_roll())
        .ok_or_else(|| ApiError::not_found(format!("no route of routing rule '{key}' matches this request")))?;
    Ok((plan, format!("{key}@{}", entry.version.number.get())))
}

/// `provider-key/model` when that provider is live in the environment (keys may hold '/', so
/// every split is tried, the longest provider key first).
fn direct_target(view: &EnvironmentView, model: &str) -> Option<(String, String)> {
    model
        .match_indices('/')
        .rev()
        .map(|(i, _)| (&model[..i], &model[i + 1..]))
        .find(|(provider, rest)| {
            !rest.is_empty()
                && view
                    .entries
                    .contains_key(&(ResourceKind::Provider, (*provider).to_owned()))
        })
        .map(|(p, m)| (p.to_owned(), m.to_owned()))
}

/// `POST /v1/prompts/{key}/chat`.
///
/// # Errors
/// VALIDATION for a bad body, a missing or undeclared input, or an overridden parameter;
/// NOT_FOUND when the prompt, its routing rule or a provider for its model is not live here;
/// the refusals of `GET /v1/config` (authentication, key scope, unknown environment).
pub async fn prompt_chat(
    State(state): State<AppState>,
    Authenticated(ctx): Authenticated,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<GatewayQuery>, QueryRejection>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let Path(path) = path.map_err(|e| ApiError::validation("path", e.body_text()))?;
    let key = path
        .strip_suffix("/chat")
        .ok_or_else(|| ApiError::not_found("no such endpoint"))?;
    let resolved = resolve(&state, &ctx, query, &headers).await?;
    let snapshot = &*resolved.snapshot;
    let view = &*resolved.view;
    let slug = view.environment.slug.as_str().to_owned();
    let body: body::PromptChatBody = body::parse(&bytes)?;
    let entry = snapshot
        .resource(Some(&slug), ResourceKind::Prompt, key)
        .map_err(ServiceError::from)?;
    let Content::Prompt(prompt) = &entry.version.content else {
        return Err(internal("prompt"));
    };
    let mut messages = render_messages(prompt, &body::inputs(&body.inputs)?).map_err(|e| invalid(&e))?;
    messages.extend(body::messages(&body.messages)?);
    let parameters = merge_parameters(&prompt.parameters, &body.parameters()).map_err(|e| invalid(&e))?;
    let attrs = body::attributes(&prompt.model, body.user.as_ref(), &body.metadata);
    let mut served = Served {
        environment: slug.clone(),
        served_from: entry.served_from.slug.as_str().to_owned(),
        fell_back: entry.fell_back,
        prompt: Some(format!("{key}@{}", entry.version.number.get())),
        routing_rule: None,
    };
    let plan = match &prompt.routing_rule {
        Some(rule) => {
            let (plan, label) = plan_through_rule(snapshot, &slug, rule, &attrs)?;
            served.routing_rule = Some(label);
            plan
        }
        None => {
            let provider = provider_for_model(view, &prompt.model).ok_or_else(|| {
                ApiError::not_found(format!(
                    "no provider live in environment '{slug}' enables model '{}'",
                    prompt.model
                ))
            })?;
            CallPlan::direct(&provider, &prompt.model)
        }
    };
    let request = ChatRequest {
        messages,
        parameters,
        user: body.user,
        stream: body.stream,
    };
    Ok(respond::call(&state, view, served, plan, request).await)
}

/// `POST /v1/chat/completions`.
///
/// # Errors
/// VALIDATION for a bad body; NOT_FOUND when `model` names neither a live routing rule nor a
/// live `provider/model`; the refusals of `GET /v1/config`.
pub async fn completions(
    State(state): State<AppState>,
    Authenticated(ctx): Authenticated,
    headers: HeaderMap,
    query: Result<Query<GatewayQuery>, QueryRejection>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let resolved = resolve(&state, &ctx, query, &headers).await?;
    let snapshot = &*resolved.snapshot;
    let view = &*resolved.view;
    let slug = view.environment.slug.as_str().to_owned();
    let body: body::CompletionsBody = body::parse(&bytes)?;
    if body.messages.is_empty() {
        return Err(ApiError::validation("messages", "must hold at least one message"));
    }
    let messages = body::messages(&body.messages)?;
    let parameters = merge_parameters(&PromptParameters::default(), &body.parameters()).map_err(|e| invalid(&e))?;
    let attrs = body::attributes(&body.model, body.user.as_ref(), &body.metadata);
    let mut served = Served {
        environment: slug.clone(),
        served_from: slug.clone(),
        fell_back: false,
        prompt: None,
        routing_rule: None,
    };
    let plan = if let Ok(entry) = snapshot.resource(Some(&slug), ResourceKind::RoutingRule, &body.model) {
        served.served_from = entry.served_from.slug.as_str().to_owned();
        served.fell_back = entry.fell_back;
        let (plan, label) = plan_through_rule(snapshot, &slug, &body.model, &attrs)?;
        served.routing_rule = Some(label);
        plan
    } else if let Some((provider, model)) = direct_target(view, &body.model) {
        CallPlan::direct(&provider, &model)
    } else {
        return Err(ApiError::not_found(format!(
            "'{}' is neither a routing rule nor a provider-key/model live in environment '{slug}'",
            body.model
        )));
    };
    let request = ChatRequest {
        messages,
        parameters,
        user: body.user,
        stream: body.stream,
    };
    Ok(respond::call(&state, view, served, plan, request).await)
}

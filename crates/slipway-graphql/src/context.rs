//! What a request carries into the resolvers: the service (schema data), the caller and the
//! request's loaders (request data).

use std::sync::Arc;

use async_graphql::Context;
use slipway_service::{Ctx, Service, ServiceError};

use crate::error::{GqlResult, internal};
use crate::loaders::Loaders;

/// Per-request (or per-WebSocket-connection) state, inserted by [`crate::attach`] and
/// [`crate::connection_data`].
pub(crate) struct RequestState {
    /// The signed-in caller; `None` for an anonymous request.
    pub caller: Option<Ctx>,
    /// The request id for error reports (the server's id carried by the caller's context, or
    /// one made up for anonymous requests).
    pub request_id: String,
    /// The batch loaders, bound to the caller.
    pub loaders: Arc<Loaders>,
}

impl RequestState {
    /// The state of a request made by `caller`.
    pub fn new(service: &Service, caller: Option<Ctx>) -> Self {
        let request_id = caller
            .as_ref()
            .and_then(|c| c.request_id.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        Self {
            loaders: Arc::new(Loaders::new(service.clone(), caller.clone())),
            caller,
            request_id,
        }
    }
}

/// The service the schema was built over.
pub(crate) fn service<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Service> {
    ctx.data_opt::<Service>()
        .ok_or_else(|| internal(ctx, "the schema was built without a service"))
}

/// The caller, wherever the server put it: our [`RequestState`], a bare `Ctx` or an
/// `Option<Ctx>`.
pub(crate) fn caller_opt<'a>(ctx: &Context<'a>) -> Option<&'a Ctx> {
    if let Some(state) = ctx.data_opt::<RequestState>() {
        return state.caller.as_ref();
    }
    ctx.data_opt::<Ctx>()
        .or_else(|| ctx.data_opt::<Option<Ctx>>().and_then(Option::as_ref))
}

/// The caller, or `UNAUTHENTICATED`.
pub(crate) fn caller<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Ctx> {
    caller_opt(ctx).ok_or(ServiceError::Unauthenticated).gql(ctx)
}

/// The service and the caller, the pair almost every resolver needs.
pub(crate) fn use_case<'a>(ctx: &Context<'a>) -> async_graphql::Result<(&'a Service, &'a Ctx)> {
    Ok((service(ctx)?, caller(ctx)?))
}

/// The request's loaders. A server that inserted a bare `Ctx` instead of using
/// [`crate::attach`] gets fresh loaders per call: correct, but without batching.
pub(crate) fn loaders(ctx: &Context<'_>) -> async_graphql::Result<Arc<Loaders>> {
    if let Some(state) = ctx.data_opt::<RequestState>() {
        return Ok(Arc::clone(&state.loaders));
    }
    let service = service(ctx)?;
    Ok(Arc::new(Loaders::new(service.clone(), caller_opt(ctx).cloned())))
}

/// The id to report with an internal error.
pub(crate) fn request_id(ctx: &Context<'_>) -> String {
    if let Some(state) = ctx.data_opt::<RequestState>() {
        return state.request_id.clone();
    }
    caller_opt(ctx)
        .and_then(|c| c.request_id.clone())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

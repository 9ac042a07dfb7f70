//! Webhook endpoints (never their secrets, except once, on creation or rotation) and their
//! delivery log.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use slipway_domain::webhook::EndpointStatus;
use slipway_domain::webhook::delivery::Delivery;
use slipway_service::webhooks::{CreatedEndpoint, EndpointView};

use super::gql_id;
use crate::context::use_case;
use crate::error::GqlResult;
use crate::pagination::{PageArgs, complexity};
use crate::scope::Scope;

/// A URL that receives the project's events, signed per Standard Webhooks.
pub struct WebhookEndpoint {
    view: EndpointView,
    scope: Arc<Scope>,
}

impl WebhookEndpoint {
    /// Wraps an endpoint of `scope`.
    pub(crate) fn new(view: EndpointView, scope: Arc<Scope>) -> Self {
        Self { view, scope }
    }
}

/// A URL that receives the project's events, signed per Standard Webhooks.
#[Object]
impl WebhookEndpoint {
    /// The endpoint's id.
    async fn id(&self) -> ID {
        gql_id(self.view.endpoint.id)
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        self.view.endpoint.url.as_str()
    }

    /// What it is for.
    async fn description(&self) -> &str {
        self.view.endpoint.description.as_str()
    }

    /// The events it wants (`release.pending_approval`, …); the test event reaches every
    /// endpoint.
    async fn events(&self) -> Vec<&'static str> {
        self.view
            .endpoint
            .events
            .kinds()
            .into_iter()
            .map(|k| k.as_str())
            .collect()
    }

    /// Whether deliveries go out.
    async fn enabled(&self) -> bool {
        self.view.endpoint.status.is_enabled()
    }

    /// Why it is disabled: `by_member`, or `failing` when its deliveries failed for days (the
    /// owners' cue to fix the receiver and enable it again).
    async fn disabled_reason(&self) -> Option<&'static str> {
        match self.view.endpoint.status {
            EndpointStatus::Enabled => None,
            EndpointStatus::Disabled { reason, .. } => Some(reason.as_str()),
        }
    }

    /// Since when it is disabled.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        match self.view.endpoint.status {
            EndpointStatus::Enabled => None,
            EndpointStatus::Disabled { at, .. } => Some(at),
        }
    }

    /// The first failed attempt since its last success (null: healthy).
    async fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.view.endpoint.failing_since
    }

    /// Until when the secret replaced by the last rotation still signs beside the new one.
    async fn previous_secret_until(&self) -> Option<DateTime<Utc>> {
        self.view.previous_secret_until
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.view.endpoint.created_at
    }

    /// When its settings, status or secret last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.view.endpoint.updated_at
    }

    /// Its deliveries, newest first.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, WebhookDelivery>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let page = service
            .webhook_deliveries(
                caller,
                &self.scope.org,
                &self.scope.project,
                self.view.endpoint.id,
                args.page_request(),
            )
            .await
            .gql(ctx)?;
        Ok(args.connection(page.items, page.next_cursor, WebhookDelivery))
    }
}

/// An endpoint as created or rotated: the only time its secret is shown.
pub struct CreatedWebhookEndpoint {
    created: CreatedEndpoint,
    scope: Arc<Scope>,
}

impl CreatedWebhookEndpoint {
    /// Wraps an endpoint of `scope` with its new secret.
    pub(crate) fn new(created: CreatedEndpoint, scope: Arc<Scope>) -> Self {
        Self { created, scope }
    }
}

/// An endpoint as created or rotated: the only time its secret is shown.
#[Object]
impl CreatedWebhookEndpoint {
    /// The endpoint as listed from now on.
    async fn endpoint(&self) -> WebhookEndpoint {
        WebhookEndpoint::new(self.created.endpoint.clone(), Arc::clone(&self.scope))
    }

    /// The signing secret (`whsec_…`) to verify deliveries with. Shown once.
    async fn secret(&self) -> &str {
        self.created.secret.expose_secret()
    }
}

/// One event's delivery to one endpoint.
pub struct WebhookDelivery(pub(crate) Delivery);

/// One event's delivery to one endpoint.
#[Object]
impl WebhookDelivery {
    /// The delivery's id (what `redeliverWebhook` takes).
    async fn id(&self) -> ID {
        gql_id(self.0.id)
    }

    /// The event's id: the `webhook-id` header, the same for every redelivery.
    async fn event_id(&self) -> ID {
        gql_id(self.0.event_id)
    }

    /// The event's type (`release.deployed`, …).
    async fn event(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// `pending`, `delivered` or `failed` (retried for about a day, then given up).
    async fn status(&self) -> &'static str {
        self.0.status.as_str()
    }

    /// Attempts made so far.
    async fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// When it is tried next (pending only).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt_at
    }

    /// When the last attempt was made.
    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_attempt_at
    }

    /// The HTTP status of the last attempt, when it got an answer.
    async fn response_code(&self) -> Option<u16> {
        self.0.response_code
    }

    /// How long the last attempt took, in milliseconds.
    async fn latency_ms(&self) -> Option<u32> {
        self.0.latency_ms
    }

    /// Why the last attempt failed (never the endpoint's answer).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When the event was committed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

//! Webhook mutations: endpoints (create and rotate return the secret once), the test event and
//! redelivery. Every one needs `project:manage_webhooks`.

use async_graphql::{Context, ID, InputObject, Object};
use slipway_domain::{WebhookDeliveryId, WebhookEndpointId};
use slipway_service::webhooks::{EndpointChange, EndpointInput};

use crate::context::use_case;
use crate::error::GqlResult;
use crate::scope::Scope;
use crate::types::parse_id;
use crate::types::webhook::{CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint};

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// `https://…`, or `http://` to a loopback host.
    pub url: String,
    /// What it is for.
    #[graphql(default)]
    pub description: String,
    /// The events it wants (`release.created`, `release.pending_approval`, `release.approved`,
    /// `release.rejected`, `release.deployed`, `release.superseded`, `release.expired`,
    /// `environment.changed`).
    pub events: Vec<String>,
}

/// Changes to a webhook endpoint; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct UpdateWebhookEndpointInput {
    /// A new URL.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new list of events.
    pub events: Option<Vec<String>>,
    /// Turn deliveries on (forgetting past failures) or off.
    pub enabled: Option<bool>,
}

/// Webhook mutations.
#[derive(Debug, Default)]
pub struct WebhookMutations;

/// Webhook mutations.
#[Object]
impl WebhookMutations {
    /// Creates a webhook endpoint. Its signing secret is in the answer, and never again.
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        input: CreateWebhookEndpointInput,
    ) -> async_graphql::Result<CreatedWebhookEndpoint> {
        let (service, caller) = use_case(ctx)?;
        let input = EndpointInput {
            url: input.url,
            description: input.description,
            events: input.events,
        };
        let created = service
            .create_webhook_endpoint(caller, &org, &project, input)
            .await
            .gql(ctx)?;
        let scope = Scope::new(created.endpoint.endpoint.project_id, &org, &project);
        Ok(CreatedWebhookEndpoint::new(created, scope))
    }

    /// Changes a webhook endpoint's URL, description, events or whether it is enabled.
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        id: ID,
        input: UpdateWebhookEndpointInput,
    ) -> async_graphql::Result<WebhookEndpoint> {
        let (service, caller) = use_case(ctx)?;
        let id: WebhookEndpointId = parse_id(ctx, "id", &id)?;
        let change = EndpointChange {
            url: input.url,
            description: input.description,
            events: input.events,
            enabled: input.enabled,
        };
        let view = service
            .update_webhook_endpoint(caller, &org, &project, id, change)
            .await
            .gql(ctx)?;
        let scope = Scope::new(view.endpoint.project_id, &org, &project);
        Ok(WebhookEndpoint::new(view, scope))
    }

    /// Gives an endpoint a new signing secret (in the answer, and never again); the old one
    /// keeps signing beside it for 24 hours.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        id: ID,
    ) -> async_graphql::Result<CreatedWebhookEndpoint> {
        let (service, caller) = use_case(ctx)?;
        let id: WebhookEndpointId = parse_id(ctx, "id", &id)?;
        let created = service
            .rotate_webhook_secret(caller, &org, &project, id)
            .await
            .gql(ctx)?;
        let scope = Scope::new(created.endpoint.endpoint.project_id, &org, &project);
        Ok(CreatedWebhookEndpoint::new(created, scope))
    }

    /// Deletes a webhook endpoint and its delivery log.
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        id: ID,
    ) -> async_graphql::Result<bool> {
        let (service, caller) = use_case(ctx)?;
        let id: WebhookEndpointId = parse_id(ctx, "id", &id)?;
        service
            .delete_webhook_endpoint(caller, &org, &project, id)
            .await
            .gql(ctx)?;
        Ok(true)
    }

    /// Sends the test event (`webhook.test`) to one endpoint, enabled or not; returns the
    /// event's id (its `webhook-id`).
    async fn send_test_webhook(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        id: ID,
    ) -> async_graphql::Result<ID> {
        let (service, caller) = use_case(ctx)?;
        let id: WebhookEndpointId = parse_id(ctx, "id", &id)?;
        let event = service.send_test_webhook(caller, &org, &project, id).await.gql(ctx)?;
        Ok(ID(event.to_string()))
    }

    /// Sends a delivery's event again (same `webhook-id`) as a new delivery to its endpoint.
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        id: ID,
    ) -> async_graphql::Result<WebhookDelivery> {
        let (service, caller) = use_case(ctx)?;
        let id: WebhookDeliveryId = parse_id(ctx, "id", &id)?;
        let delivery = service.redeliver_webhook(caller, &org, &project, id).await.gql(ctx)?;
        Ok(WebhookDelivery(delivery))
    }
}

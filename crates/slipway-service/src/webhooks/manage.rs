//! Managing a project's webhook endpoints: create (the secret is shown once), change, rotate
//! the secret, delete, send a test event, read the delivery log, redeliver. Every use case needs
//! `project:manage_webhooks` and every change is audited (never with a secret).

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};
use slipway_auth::webhook::WebhookSecret;
use slipway_domain::text::Description;
use slipway_domain::webhook::delivery::Delivery;
use slipway_domain::webhook::secrets::Secrets;
use slipway_domain::webhook::{DisabledReason, EndpointStatus, EventKind, EventSet, WebhookEndpoint, WebhookUrl};
use slipway_domain::{CredentialId, Permission, Project, WebhookDeliveryId, WebhookEndpointId};
use slipway_store::{Page, PageRequest, SealedSecret, StoredEndpoint, WebhookEvent, Write};
use tracing::instrument;
use uuid::Uuid;

use crate::{Ctx, Missing, Service, ServiceError, ServiceResult};

/// A new endpoint's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInput {
    /// Where to send (`https://…`, or `http://` to loopback).
    pub url: String,
    /// What it is for.
    pub description: String,
    /// The events it wants (wire names such as `release.pending_approval`).
    pub events: Vec<String>,
}

/// Changes to an endpoint; `None` keeps a setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointChange {
    /// A new URL.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new subscription.
    pub events: Option<Vec<String>>,
    /// Turn deliveries on (which also forgets past failures) or off.
    pub enabled: Option<bool>,
}

/// An endpoint as the API shows it (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointView {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// While a rotated-out secret still signs beside the current one: until when.
    pub previous_secret_until: Option<DateTime<Utc>>,
}

/// An endpoint with the secret that signs its deliveries, shown this once.
#[derive(Debug)]
pub struct CreatedEndpoint {
    /// The endpoint.
    pub endpoint: EndpointView,
    /// `whsec_…`.
    pub secret: SecretString,
}

fn view(stored: &StoredEndpoint) -> EndpointView {
    EndpointView {
        endpoint: stored.endpoint.clone(),
        previous_secret_until: stored.secrets.previous.as_ref().map(|(_, until)| *until),
    }
}

fn summary(e: &WebhookEndpoint) -> Value {
    json!({
        "url": e.url.as_str(),
        "events": e.events.kinds().iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "enabled": e.status.is_enabled(),
    })
}

fn missing() -> ServiceError {
    ServiceError::NotFound(Missing::Row("webhook endpoint"))
}

impl Service {
    /// Seals a fresh secret for `project`.
    fn new_secret(&self, project: &Project) -> ServiceResult<(WebhookSecret, SealedSecret)> {
        let secret = WebhookSecret::generate();
        let id = Uuid::now_v7();
        let text = SecretString::from(secret.expose().to_owned());
        let sealed = self
            .keyring()
            .encrypt(project.id, CredentialId::from_uuid(id), &text)
            .map_err(|e| {
                tracing::error!(error = %e, "webhook secret encryption failed");
                ServiceError::Internal("could not encrypt the webhook secret".into())
            })?;
        Ok((
            secret,
            SealedSecret {
                id,
                ciphertext: sealed.to_bytes(),
            },
        ))
    }

    async fn endpoint_of(&self, project: &Project, id: WebhookEndpointId) -> ServiceResult<StoredEndpoint> {
        self.store()
            .webhook_endpoint(id)
            .await?
            .filter(|e| e.endpoint.project_id == project.id)
            .ok_or_else(missing)
    }

    /// A project's endpoints.
    ///
    /// # Errors
    /// Permission (`project:manage_webhooks`).
    #[instrument(skip(self, ctx))]
    pub async fn webhook_endpoints(&self, ctx: &Ctx, org: &str, project: &str) -> ServiceResult<Vec<EndpointView>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        Ok(self
            .store()
            .webhook_endpoints(project.id)
            .await?
            .iter()
            .map(view)
            .collect())
    }

    /// Creates an endpoint; its signing secret is returned this once.
    ///
    /// # Errors
    /// A URL, description or event list that breaks its rule; permission.
    #[instrument(skip(self, ctx, input), fields(url = %input.url))]
    pub async fn create_webhook_endpoint(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        input: EndpointInput,
    ) -> ServiceResult<CreatedEndpoint> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        let now = self.now();
        let endpoint = WebhookEndpoint {
            id: WebhookEndpointId::from_uuid(Uuid::now_v7()),
            project_id: project.id,
            url: WebhookUrl::parse(&input.url)?,
            description: Description::parse(&input.description)?,
            events: EventSet::parse(&input.events)?,
            status: EndpointStatus::Enabled,
            failing_since: None,
            created_at: now,
            updated_at: now,
        };
        let (secret, sealed) = self.new_secret(&project)?;
        let stored = StoredEndpoint {
            endpoint,
            secrets: Secrets::new(sealed),
        };
        let audit = Self::entry(
            ctx,
            "webhook.create",
            "webhook_endpoint",
            stored.endpoint.id,
            None,
            Some(summary(&stored.endpoint)),
        );
        let writes = vec![Write::InsertWebhookEndpoint(stored.clone())];
        self.commit(project.id.as_uuid(), None, writes, audit).await?;
        Ok(CreatedEndpoint {
            endpoint: view(&stored),
            secret: SecretString::from(secret.expose().to_owned()),
        })
    }

    /// Changes an endpoint's URL, description, events or whether it is enabled.
    ///
    /// # Errors
    /// Unknown endpoint; a setting that breaks its rule; permission.
    #[instrument(skip(self, ctx, change))]
    pub async fn update_webhook_endpoint(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        id: WebhookEndpointId,
        change: EndpointChange,
    ) -> ServiceResult<EndpointView> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        let mut stored = self.endpoint_of(&project, id).await?;
        let before = summary(&stored.endpoint);
        let now = self.now();
        let e = &mut stored.endpoint;
        if let Some(url) = &change.url {
            e.url = WebhookUrl::parse(url)?;
        }
        if let Some(description) = &change.description {
            e.description = Description::parse(description)?;
        }
        if let Some(events) = &change.events {
            e.events = EventSet::parse(events)?;
        }
        match change.enabled {
            Some(true) => {
                e.status = EndpointStatus::Enabled;
                e.failing_since = None;
            }
            Some(false) if e.status.is_enabled() => {
                e.status = EndpointStatus::Disabled {
                    reason: DisabledReason::ByMember,
                    at: now,
                };
            }
            _ => {}
        }
        e.updated_at = now;
        let audit = Self::entry(
            ctx,
            "webhook.update",
            "webhook_endpoint",
            id,
            Some(before),
            Some(summary(e)),
        );
        let writes = vec![Write::UpdateWebhookEndpoint(e.clone())];
        self.commit(project.id.as_uuid(), None, writes, audit).await?;
        Ok(view(&stored))
    }

    /// Replaces an endpoint's secret; the old one keeps signing beside it for the rotation
    /// overlap. The new secret is returned this once.
    ///
    /// # Errors
    /// Unknown endpoint; permission.
    #[instrument(skip(self, ctx))]
    pub async fn rotate_webhook_secret(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        id: WebhookEndpointId,
    ) -> ServiceResult<CreatedEndpoint> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        let mut stored = self.endpoint_of(&project, id).await?;
        let now = self.now();
        let (secret, sealed) = self.new_secret(&project)?;
        stored.secrets = stored.secrets.rotate(sealed, now);
        stored.endpoint.updated_at = now;
        let audit = Self::entry(ctx, "webhook.rotate_secret", "webhook_endpoint", id, None, None);
        let writes = vec![Write::SetWebhookSecrets {
            endpoint: id,
            secrets: stored.secrets.clone(),
            at: now,
        }];
        self.commit(project.id.as_uuid(), None, writes, audit).await?;
        Ok(CreatedEndpoint {
            endpoint: view(&stored),
            secret: SecretString::from(secret.expose().to_owned()),
        })
    }

    /// Deletes an endpoint with its delivery log.
    ///
    /// # Errors
    /// Unknown endpoint; permission.
    #[instrument(skip(self, ctx))]
    pub async fn delete_webhook_endpoint(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        id: WebhookEndpointId,
    ) -> ServiceResult<()> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        let stored = self.endpoint_of(&project, id).await?;
        let audit = Self::entry(
            ctx,
            "webhook.delete",
            "webhook_endpoint",
            id,
            Some(summary(&stored.endpoint)),
            None,
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::DeleteWebhookEndpoint(id)],
            audit,
        )
        .await?;
        Ok(())
    }

    /// Queues the test event for one endpoint (enabled or not); returns its event id.
    ///
    /// # Errors
    /// Unknown endpoint; permission.
    #[instrument(skip(self, ctx))]
    pub async fn send_test_webhook(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        id: WebhookEndpointId,
    ) -> ServiceResult<Uuid> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        self.endpoint_of(&project, id).await?;
        let now = self.now();
        let event = WebhookEvent {
            id: Uuid::now_v7(),
            project: project.id,
            kind: EventKind::Test,
            body: slipway_domain::webhook::payload::test(&project, now),
            at: now,
            only: Some(id),
        };
        let event_id = event.id;
        let audit = Self::entry(ctx, "webhook.test", "webhook_endpoint", id, None, None);
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::EnqueueWebhookEvent(event)],
            audit,
        )
        .await?;
        Ok(event_id)
    }

    /// A page of an endpoint's delivery log, newest first.
    ///
    /// # Errors
    /// Unknown endpoint; a bad cursor; permission.
    #[instrument(skip(self, ctx))]
    pub async fn webhook_deliveries(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        id: WebhookEndpointId,
        page: PageRequest,
    ) -> ServiceResult<Page<Delivery>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        self.endpoint_of(&project, id).await?;
        Ok(self.store().webhook_deliveries(id, page).await?)
    }

    /// Queues a delivery's event again for its endpoint (same `webhook-id`), as a new delivery.
    ///
    /// # Errors
    /// Unknown delivery (or one of another project); permission.
    #[instrument(skip(self, ctx))]
    pub async fn redeliver_webhook(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        delivery: WebhookDeliveryId,
    ) -> ServiceResult<Delivery> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectManageWebhooks)
            .await?;
        let original = self
            .store()
            .webhook_delivery(delivery)
            .await?
            .ok_or(ServiceError::NotFound(Missing::Row("webhook delivery")))?;
        self.endpoint_of(&project, original.endpoint_id).await?;
        let new_id = WebhookDeliveryId::from_uuid(Uuid::now_v7());
        let audit = Self::entry(
            ctx,
            "webhook.redeliver",
            "webhook_delivery",
            delivery,
            None,
            Some(json!({ "delivery": new_id.to_string(), "event": original.event_id.to_string() })),
        );
        let writes = vec![Write::RedeliverWebhook {
            delivery,
            new_id,
            at: self.now(),
        }];
        self.commit(project.id.as_uuid(), None, writes, audit).await?;
        self.store()
            .webhook_delivery(new_id)
            .await?
            .ok_or(ServiceError::NotFound(Missing::Row("webhook delivery")))
    }
}

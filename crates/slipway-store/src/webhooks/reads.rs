//! Reads of webhook endpoints and of an endpoint's delivery log.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use slipway_domain::webhook::delivery::Delivery;
use slipway_domain::{ProjectId, WebhookDeliveryId, WebhookEndpointId};
use tracing::instrument;

use crate::connect::Store;
use crate::entities::{webhook_delivery, webhook_endpoint};
use crate::error::StoreError;
use crate::page::{Page, PageRequest, number, paginate};
use crate::webhooks::StoredEndpoint;
use crate::webhooks::convert::{delivery_from_row, endpoint_from_row};

impl Store {
    /// A project's webhook endpoints, oldest first.
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for a row that fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn webhook_endpoints(&self, project: ProjectId) -> Result<Vec<StoredEndpoint>, StoreError> {
        webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::ProjectId.eq(project.as_uuid()))
            .order_by_asc(webhook_endpoint::Column::CreatedAt)
            .order_by_asc(webhook_endpoint::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(endpoint_from_row)
            .collect()
    }

    /// One webhook endpoint.
    ///
    /// # Errors
    /// As [`Store::webhook_endpoints`].
    #[instrument(skip(self), level = "debug")]
    pub async fn webhook_endpoint(&self, id: WebhookEndpointId) -> Result<Option<StoredEndpoint>, StoreError> {
        webhook_endpoint::Entity::find_by_id(id.as_uuid())
            .one(&self.db)
            .await?
            .map(endpoint_from_row)
            .transpose()
    }

    /// A page of an endpoint's deliveries, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; as [`Store::webhook_endpoints`].
    #[instrument(skip(self), level = "debug")]
    pub async fn webhook_deliveries(
        &self,
        endpoint: WebhookEndpointId,
        page: PageRequest,
    ) -> Result<Page<Delivery>, StoreError> {
        let mut query =
            webhook_delivery::Entity::find().filter(webhook_delivery::Column::EndpointId.eq(endpoint.as_uuid()));
        if let Some(after) = page.cursor("webhook_deliveries", 1)? {
            query = query.filter(webhook_delivery::Column::Seq.lt(number(&after[0])?));
        }
        let rows = query
            .order_by_desc(webhook_delivery::Column::Seq)
            .limit(page.limit() + 1)
            .all(&self.db)
            .await?;
        paginate(
            rows,
            page.limit(),
            "webhook_deliveries",
            |r| vec![r.seq.to_string()],
            |r| delivery_from_row(&r),
        )
    }

    /// One delivery.
    ///
    /// # Errors
    /// As [`Store::webhook_endpoints`].
    #[instrument(skip(self), level = "debug")]
    pub async fn webhook_delivery(&self, id: WebhookDeliveryId) -> Result<Option<Delivery>, StoreError> {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Id.eq(id.as_uuid()))
            .one(&self.db)
            .await?
            .map(|r| delivery_from_row(&r))
            .transpose()
    }
}

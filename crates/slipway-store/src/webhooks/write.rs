//! The webhook writes of a commit: endpoints, their secrets, and the outbox rows of an event.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect};
use slipway_domain::webhook::WebhookEndpoint;
use slipway_domain::webhook::delivery::DeliveryStatus;
use slipway_domain::webhook::secrets::Secrets;
use slipway_domain::{WebhookDeliveryId, WebhookEndpointId};
use uuid::Uuid;

use crate::convert::micros;
use crate::entities::{webhook_delivery, webhook_endpoint};
use crate::error::{StoreError, TxError};
use crate::webhooks::convert::endpoint_to_row;
use crate::webhooks::{SealedSecret, StoredEndpoint, WebhookEvent};

pub(crate) async fn insert_endpoint(tx: &DatabaseTransaction, stored: &StoredEndpoint) -> Result<(), TxError> {
    webhook_endpoint::Entity::insert(endpoint_to_row(stored).into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

fn not_found(rows: u64) -> Result<(), TxError> {
    if rows == 0 {
        Err(TxError::Fail(StoreError::NotFound("webhook endpoint")))
    } else {
        Ok(())
    }
}

/// Rewrites an endpoint's settings, status and health (never its secrets).
pub(crate) async fn update_endpoint(tx: &DatabaseTransaction, endpoint: &WebhookEndpoint) -> Result<(), TxError> {
    // The secrets in this row are placeholders and not written.
    let placeholder = SealedSecret {
        id: Uuid::nil(),
        ciphertext: Vec::new(),
    };
    let row = endpoint_to_row(&StoredEndpoint {
        endpoint: endpoint.clone(),
        secrets: Secrets::new(placeholder),
    });
    let updated = webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Url, Expr::value(row.url))
        .col_expr(webhook_endpoint::Column::Description, Expr::value(row.description))
        .col_expr(webhook_endpoint::Column::Events, Expr::value(row.events))
        .col_expr(
            webhook_endpoint::Column::DisabledReason,
            Expr::value(row.disabled_reason),
        )
        .col_expr(webhook_endpoint::Column::DisabledAt, Expr::value(row.disabled_at))
        .col_expr(webhook_endpoint::Column::FailingSince, Expr::value(row.failing_since))
        .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(row.updated_at))
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id.as_uuid()))
        .exec(tx)
        .await?;
    not_found(updated.rows_affected)
}

/// Replaces an endpoint's secrets (a rotation).
pub(crate) async fn set_secrets(
    tx: &DatabaseTransaction,
    endpoint: WebhookEndpointId,
    secrets: &Secrets<SealedSecret>,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let previous = secrets.previous.as_ref();
    let updated = webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::SecretId, Expr::value(secrets.current.id))
        .col_expr(
            webhook_endpoint::Column::Secret,
            Expr::value(secrets.current.ciphertext.clone()),
        )
        .col_expr(
            webhook_endpoint::Column::PreviousSecretId,
            Expr::value(previous.map(|(s, _)| s.id)),
        )
        .col_expr(
            webhook_endpoint::Column::PreviousSecret,
            Expr::value(previous.map(|(s, _)| s.ciphertext.clone())),
        )
        .col_expr(
            webhook_endpoint::Column::PreviousUntil,
            Expr::value(previous.map(|(_, until)| micros(*until))),
        )
        .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(micros(at)))
        .filter(webhook_endpoint::Column::Id.eq(endpoint.as_uuid()))
        .exec(tx)
        .await?;
    not_found(updated.rows_affected)
}

/// Deletes an endpoint with its deliveries.
pub(crate) async fn delete_endpoint(tx: &DatabaseTransaction, endpoint: WebhookEndpointId) -> Result<(), TxError> {
    let deleted = webhook_endpoint::Entity::delete_by_id(endpoint.as_uuid())
        .exec(tx)
        .await?;
    not_found(deleted.rows_affected)
}

fn pending(
    event_id: Uuid,
    endpoint: Uuid,
    project: Uuid,
    kind: &str,
    body: &str,
    at: DateTime<Utc>,
) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        seq: ActiveValue::NotSet,
        id: ActiveValue::Set(Uuid::now_v7()),
        endpoint_id: ActiveValue::Set(endpoint),
        project_id: ActiveValue::Set(project),
        event_id: ActiveValue::Set(event_id),
        kind: ActiveValue::Set(kind.to_owned()),
        body: ActiveValue::Set(body.to_owned()),
        status: ActiveValue::Set(DeliveryStatus::Pending.as_str().to_owned()),
        attempts: ActiveValue::Set(0),
        next_attempt_ms: ActiveValue::Set(Some(at.timestamp_millis())),
        lease_id: ActiveValue::Set(None),
        lease_until_ms: ActiveValue::Set(None),
        last_attempt_at: ActiveValue::Set(None),
        response_code: ActiveValue::Set(None),
        latency_ms: ActiveValue::Set(None),
        error: ActiveValue::Set(None),
        created_at: ActiveValue::Set(micros(at)),
    }
}

/// Writes one pending delivery per endpoint the event goes to: every enabled endpoint of the
/// project that wants its kind, or only the named one.
pub(crate) async fn enqueue(tx: &DatabaseTransaction, event: &WebhookEvent) -> Result<(), TxError> {
    let mut query = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .filter(webhook_endpoint::Column::ProjectId.eq(event.project.as_uuid()));
    query = match event.only {
        Some(only) => query.filter(webhook_endpoint::Column::Id.eq(only.as_uuid())),
        None => query.filter(webhook_endpoint::Column::DisabledAt.is_null()).filter(
            Expr::col(webhook_endpoint::Column::Events)
                .bit_and(i64::from(event.kind.bit()))
                .ne(0),
        ),
    };
    let endpoints: Vec<Uuid> = query.into_tuple().all(tx).await?;
    if event.only.is_some() && endpoints.is_empty() {
        return Err(TxError::Fail(StoreError::NotFound("webhook endpoint")));
    }
    let rows: Vec<_> = endpoints
        .into_iter()
        .map(|endpoint| {
            pending(
                event.id,
                endpoint,
                event.project.as_uuid(),
                event.kind.as_str(),
                &event.body,
                event.at,
            )
        })
        .collect();
    if !rows.is_empty() {
        webhook_delivery::Entity::insert_many(rows)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// Queues a delivery's event again for its endpoint, as a new delivery at the end of the
/// endpoint's order; returns nothing new when the delivery does not exist.
pub(crate) async fn redeliver(
    tx: &DatabaseTransaction,
    delivery: WebhookDeliveryId,
    new_id: WebhookDeliveryId,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let original = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Id.eq(delivery.as_uuid()))
        .one(tx)
        .await?
        .ok_or(TxError::Fail(StoreError::NotFound("webhook delivery")))?;
    let mut row = pending(
        original.event_id,
        original.endpoint_id,
        original.project_id,
        &original.kind,
        &original.body,
        at,
    );
    row.id = ActiveValue::Set(new_id.as_uuid());
    webhook_delivery::Entity::insert(row).exec_without_returning(tx).await?;
    Ok(())
}

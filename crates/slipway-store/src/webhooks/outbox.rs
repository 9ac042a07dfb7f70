//! The sender's side of the outbox: claiming due deliveries under a lease, and recording what
//! an attempt got.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use slipway_domain::ProjectId;
use slipway_domain::webhook::DisabledReason;
use tracing::instrument;
use uuid::Uuid;

use crate::connect::{Backend, Store};
use crate::convert::micros;
use crate::entities::{webhook_delivery, webhook_endpoint};
use crate::error::{StoreError, TxError};
use crate::webhooks::convert::{delivery_from_row, endpoint_from_row};
use crate::webhooks::{AttemptRecord, ClaimedDelivery};

/// Claims the oldest pending delivery of each endpoint when it is due, its endpoint enabled,
/// and no unexpired lease holds it. On PostgreSQL rows another claimant has locked are
/// skipped, so two instances never claim one delivery; SQLite has one instance.
fn claim_sql(backend: Backend) -> String {
    let lock = if backend == Backend::Postgres {
        " FOR UPDATE OF d SKIP LOCKED"
    } else {
        ""
    };
    format!(
        "UPDATE webhook_deliveries SET lease_id = $1, lease_until_ms = $2 WHERE seq IN (\
           SELECT d.seq FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
           WHERE d.status = 'pending' AND e.disabled_at IS NULL AND d.next_attempt_ms <= $3 \
             AND (d.lease_until_ms IS NULL OR d.lease_until_ms < $3) \
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o \
               WHERE o.endpoint_id = d.endpoint_id AND o.status = 'pending' AND o.seq < d.seq) \
           ORDER BY d.seq LIMIT $4{lock}) \
         AND status = 'pending' AND (lease_until_ms IS NULL OR lease_until_ms < $3)"
    )
}

impl Store {
    /// Claims up to `limit` due deliveries for `lease` from `now`: the oldest pending one of
    /// each enabled endpoint, so an endpoint has at most one delivery in flight and receives
    /// its events in order. A claimed delivery is not claimed again before its lease ends (an
    /// instance that dies mid-send leaves it to be claimed again then).
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for a row that fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn claim_webhook_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let lease_id = Uuid::now_v7();
        let now_ms = now.timestamp_millis();
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        self.db
            .execute_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                claim_sql(self.backend),
                [
                    lease_id.into(),
                    now_ms.saturating_add(lease_ms).into(),
                    now_ms.into(),
                    i64::from(limit).into(),
                ],
            ))
            .await?;
        let rows = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::LeaseId.eq(lease_id))
            .order_by_asc(webhook_delivery::Column::Seq)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let endpoint_ids: Vec<Uuid> = rows.iter().map(|r| r.endpoint_id).collect();
        let endpoints: HashMap<Uuid, _> = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(endpoint_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| endpoint_from_row(row).map(|e| (e.endpoint.id.as_uuid(), e)))
            .collect::<Result<_, _>>()?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            // An endpoint deleted since the claim took its deliveries with it.
            let Some(endpoint) = endpoints.get(&row.endpoint_id) else {
                continue;
            };
            claimed.push(ClaimedDelivery {
                delivery: delivery_from_row(&row)?,
                project_id: ProjectId::from_uuid(row.project_id),
                lease: lease_id,
                body: row.body,
                url: endpoint.endpoint.url.as_str().to_owned(),
                secrets: endpoint.secrets.clone(),
                failing_since: endpoint.endpoint.failing_since,
            });
        }
        Ok(claimed)
    }

    /// Ends every claim on SQLite, where only one process sends: called at start, so the
    /// deliveries a killed process had claimed go out at once rather than when their lease
    /// ends. (On PostgreSQL other instances may hold claims; their leases simply run out.)
    ///
    /// # Errors
    /// Database failures.
    pub async fn release_webhook_claims(&self) -> Result<u64, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        let released = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::LeaseId, Expr::value(Option::<Uuid>::None))
            .col_expr(webhook_delivery::Column::LeaseUntilMs, Expr::value(Option::<i64>::None))
            .filter(webhook_delivery::Column::LeaseId.is_not_null())
            .exec(&self.db)
            .await?;
        Ok(released.rows_affected)
    }

    /// Records an attempt of a claimed delivery and its endpoint's health (disabling the
    /// endpoint when the health says so), in one transaction. Returns `false`, writing nothing,
    /// when the claim was lost meanwhile (its lease ended and another sender took it, or the
    /// endpoint was deleted).
    ///
    /// # Errors
    /// Database failures.
    #[instrument(skip(self, record), fields(delivery = %record.delivery), level = "debug")]
    pub async fn record_webhook_attempt(&self, record: &AttemptRecord) -> Result<bool, StoreError> {
        let tx = self.begin_write().await?;
        let result = async {
            let updated = webhook_delivery::Entity::update_many()
                .col_expr(
                    webhook_delivery::Column::Status,
                    Expr::value(record.settled.status.as_str()),
                )
                .col_expr(
                    webhook_delivery::Column::Attempts,
                    Expr::col(webhook_delivery::Column::Attempts).add(1),
                )
                .col_expr(
                    webhook_delivery::Column::NextAttemptMs,
                    Expr::value(record.settled.next_attempt_at.map(|t| t.timestamp_millis())),
                )
                .col_expr(webhook_delivery::Column::LeaseId, Expr::value(Option::<Uuid>::None))
                .col_expr(webhook_delivery::Column::LeaseUntilMs, Expr::value(Option::<i64>::None))
                .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(micros(record.at)))
                .col_expr(
                    webhook_delivery::Column::ResponseCode,
                    Expr::value(record.outcome.status_code().map(i32::from)),
                )
                .col_expr(
                    webhook_delivery::Column::LatencyMs,
                    Expr::value(i32::try_from(record.latency_ms).unwrap_or(i32::MAX)),
                )
                .col_expr(
                    webhook_delivery::Column::Error,
                    Expr::value(record.outcome.error().map(str::to_owned)),
                )
                .filter(webhook_delivery::Column::Id.eq(record.delivery.as_uuid()))
                .filter(webhook_delivery::Column::LeaseId.eq(record.lease))
                .exec(&tx)
                .await?;
            if updated.rows_affected == 0 {
                return Ok::<bool, TxError>(false);
            }
            let endpoint = webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::Id.eq(record.delivery.as_uuid()))
                .one(&tx)
                .await?
                .map(|d| d.endpoint_id)
                .ok_or(TxError::Fail(StoreError::NotFound("webhook delivery")))?;
            let mut update = webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::FailingSince,
                    Expr::value(record.health.failing_since.map(micros)),
                )
                .filter(webhook_endpoint::Column::Id.eq(endpoint));
            if record.health.disable {
                update = update
                    .col_expr(
                        webhook_endpoint::Column::DisabledReason,
                        Expr::value(DisabledReason::Failing.as_str()),
                    )
                    .col_expr(webhook_endpoint::Column::DisabledAt, Expr::value(micros(record.at)))
                    .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(micros(record.at)))
                    .filter(webhook_endpoint::Column::DisabledAt.is_null());
            }
            update.exec(&tx).await?;
            Ok(true)
        }
        .await;
        match result {
            Ok(recorded) => {
                tx.commit().await?;
                Ok(recorded)
            }
            Err(e) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                Err(match e {
                    TxError::Fail(e) => e,
                    TxError::Retry(e) => e.into(),
                })
            }
        }
    }
}

//! The `webhook_deliveries` table: the outbox, one row per event and endpoint.

use sea_orm::entity::prelude::*;

/// A row of `webhook_deliveries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub project_id: Uuid,
    pub event_id: Uuid,
    pub kind: String,
    pub body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_ms: Option<i64>,
    pub lease_id: Option<Uuid>,
    pub lease_until_ms: Option<i64>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

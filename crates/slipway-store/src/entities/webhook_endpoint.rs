//! The `webhook_endpoints` table (secrets sealed by the credential keyring).

use sea_orm::entity::prelude::*;

/// A row of `webhook_endpoints`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub url: String,
    pub description: String,
    pub events: i64,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTimeUtc>,
    pub failing_since: Option<DateTimeUtc>,
    pub secret_id: Uuid,
    pub secret: Vec<u8>,
    pub previous_secret_id: Option<Uuid>,
    pub previous_secret: Option<Vec<u8>>,
    pub previous_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The `releases` table (changes and approvals live in child tables).

use sea_orm::entity::prelude::*;

/// A row of `releases`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "releases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub environment_id: Uuid,
    pub origin: String,
    pub source_environment_id: Option<Uuid>,
    pub rollback_deployment_id: Option<Uuid>,
    pub author: Uuid,
    pub message: String,
    pub policy_revision: i64,
    pub state: String,
    pub decision_user: Option<Uuid>,
    pub decision_reason: Option<String>,
    pub decision_at: Option<DateTimeUtc>,
    pub bypass: Option<String>,
    pub deployment_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

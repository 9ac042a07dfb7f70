//! The `environments` table (the policy is JSON text).

use sea_orm::entity::prelude::*;

/// A row of `environments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "environments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub color: String,
    pub position: i64,
    pub is_system: bool,
    pub is_production: bool,
    pub is_default_publish_target: bool,
    pub is_gateway_fallback: bool,
    pub policy_revision: i64,
    pub policy: String,
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The `credentials` table (ciphertext only).

use sea_orm::entity::prelude::*;

/// A row of `credentials`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub provider_resource_id: Uuid,
    pub key_version: i64,
    pub ciphertext: Vec<u8>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

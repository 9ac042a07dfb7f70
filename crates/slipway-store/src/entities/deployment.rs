//! The `deployments` table (changes and pointers as JSON text).

use sea_orm::entity::prelude::*;

/// A row of `deployments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deployments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub environment_id: Uuid,
    pub release_id: Uuid,
    pub sequence: i64,
    pub changes: String,
    pub pointers_after: String,
    pub deployed_by: Option<Uuid>,
    pub bypass: Option<String>,
    pub deployed_at: DateTimeUtc,
}

/// No relations are declared: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! Project memberships record who manages them (`source`): `slipway` for those added through
//! `addMember` — every existing one — or `identity_provider` for those the OpenID Connect group
//! mapping granted, which it alone changes and removes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("project_memberships")
                    .add_column(text("source").default("slipway"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("project_memberships")
                    .drop_column("source")
                    .to_owned(),
            )
            .await
    }
}

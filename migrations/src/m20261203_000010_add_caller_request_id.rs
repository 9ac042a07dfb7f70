//! Audit events record the id a caller gave its request (`x-request-id`), when it was short and
//! plain, next to the server's own request id. Existing events keep `NULL`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_events")
                    .add_column(text_null("caller_request_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("audit_events")
                    .drop_column("caller_request_id")
                    .to_owned(),
            )
            .await
    }
}

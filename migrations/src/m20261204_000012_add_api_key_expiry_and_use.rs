//! API keys may expire (`expires_at`) and remember when they were last used (`last_used_at`,
//! written in batches, never per request). Existing keys keep `NULL` for both: they never
//! expire, and their last use is unknown.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in ["expires_at", "last_used_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("api_keys")
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["last_used_at", "expires_at"] {
            manager
                .alter_table(Table::alter().table("api_keys").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Gateway API keys: only the key's hash is stored, never the key.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{text, timestamp_with_time_zone, timestamp_with_time_zone_null, uuid};

use crate::guard::{drop_tables, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("api_keys")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(text("name"))
                    .col(text("display_prefix"))
                    .col(text("hash"))
                    // The environment ids it may read, as a JSON array (empty: all).
                    .col(text("environments"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk_cascade("api_keys", "project_id", "projects"))
                    .foreign_key(&mut fk("api_keys", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique("api_keys", "hash", &["hash"])).await?;
        manager
            .create_index(index("api_keys", "project", &["project_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["api_keys"]).await
    }
}

//! Resources, their immutable versions, and provider credentials (ciphertext only).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, blob, text, timestamp_with_time_zone, uuid};

use crate::guard::{Refuse, allow_changes, drop_tables, fk, fk_cascade, index, refuse_changes, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("resources")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(text("kind"))
                    .col(text("key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk_cascade("resources", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("resources", "project_kind_key", &["project_id", "kind", "key"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("versions")
                    .col(uuid("id").primary_key())
                    .col(uuid("resource_id"))
                    .col(big_integer("number"))
                    // Canonical JSON, exactly the bytes `content_hash` was computed over.
                    .col(text("content"))
                    .col(text("content_hash"))
                    .col(uuid("author"))
                    .col(text("message"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk_cascade("versions", "resource_id", "resources"))
                    .foreign_key(&mut fk("versions", "author", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("versions", "resource_number", &["resource_id", "number"]))
            .await?;
        // Lets pointers and release changes reference (version, resource) together, so that a
        // pointer can never select another resource's version.
        manager
            .create_index(unique("versions", "id_resource", &["id", "resource_id"]))
            .await?;
        refuse_changes(manager, "versions", Refuse::Update).await?;

        manager
            .create_table(
                Table::create()
                    .table("credentials")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(uuid("provider_resource_id"))
                    .col(big_integer("key_version"))
                    .col(blob("ciphertext"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk_cascade("credentials", "project_id", "projects"))
                    .foreign_key(&mut fk_cascade("credentials", "provider_resource_id", "resources"))
                    .foreign_key(&mut fk("credentials", "created_by", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("credentials", "provider", &["provider_resource_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        allow_changes(manager, "versions").await?;
        drop_tables(manager, &["credentials", "versions", "resources"]).await
    }
}

//! Deployments: each environment's history, one row per applied release.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, text, text_null, timestamp_with_time_zone, uuid, uuid_null};

use crate::guard::{drop_tables, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("deployments")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(uuid("environment_id"))
                    .col(uuid("release_id"))
                    .col(big_integer("sequence"))
                    // The moves made, and every pointer afterwards, as JSON text.
                    .col(text("changes"))
                    .col(text("pointers_after"))
                    .col(uuid_null("deployed_by"))
                    .col(text_null("bypass"))
                    .col(timestamp_with_time_zone("deployed_at"))
                    .foreign_key(&mut fk_cascade("deployments", "project_id", "projects"))
                    .foreign_key(&mut fk_cascade("deployments", "environment_id", "environments"))
                    .foreign_key(&mut fk_cascade("deployments", "release_id", "releases"))
                    .foreign_key(&mut fk("deployments", "deployed_by", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "deployments",
                "environment_sequence",
                &["environment_id", "sequence"],
            ))
            .await?;
        manager
            .create_index(index("deployments", "release", &["release_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["deployments"]).await
    }
}

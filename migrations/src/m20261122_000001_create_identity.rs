//! Users, organizations and organization-level memberships (owners).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer_null, text, text_null, timestamp_with_time_zone, uuid};

use crate::guard::{drop_tables, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(uuid("id").primary_key())
                    .col(text("subject"))
                    .col(text_null("name"))
                    .col(text_null("email"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique("users", "subject", &["subject"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("organizations")
                    .col(uuid("id").primary_key())
                    .col(text("slug"))
                    .col(text("name"))
                    .col(big_integer_null("environment_quota"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(unique("organizations", "slug", &["slug"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("organization_memberships")
                    .col(uuid("organization_id"))
                    .col(uuid("user_id"))
                    .col(text("role"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("organization_id").col("user_id"))
                    .foreign_key(&mut fk_cascade(
                        "organization_memberships",
                        "organization_id",
                        "organizations",
                    ))
                    .foreign_key(&mut fk("organization_memberships", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("organization_memberships", "user", &["user_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["organization_memberships", "organizations", "users"]).await
    }
}

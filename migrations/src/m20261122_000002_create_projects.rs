//! Projects, project memberships and environments with their promotion policies.
//!
//! Partial unique indexes hold the exclusive roles: at most one gateway fallback and at most one
//! default publish target per project. ("Exactly one" is the domain's job; the database refuses
//! two.)

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, boolean, text, timestamp_with_time_zone, uuid};

use crate::guard::{create_partial_unique_index, drop_tables, fk, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("projects")
                    .col(uuid("id").primary_key())
                    .col(uuid("organization_id"))
                    .col(text("slug"))
                    .col(text("name"))
                    // Bumped by every commit that changes what the project serves, so that
                    // instances know when to rebuild their cached snapshot.
                    .col(big_integer("serving_revision").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("projects", "organization_id", "organizations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("projects", "organization_slug", &["organization_id", "slug"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("project_memberships")
                    .col(uuid("project_id"))
                    .col(uuid("user_id"))
                    .col(text("role"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("project_id").col("user_id"))
                    .foreign_key(&mut fk_cascade("project_memberships", "project_id", "projects"))
                    .foreign_key(&mut fk("project_memberships", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("project_memberships", "user", &["user_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("environments")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(text("slug"))
                    .col(text("name"))
                    .col(text("description"))
                    .col(text("color"))
                    .col(big_integer("position"))
                    .col(boolean("is_system"))
                    .col(boolean("is_production"))
                    .col(boolean("is_default_publish_target"))
                    .col(boolean("is_gateway_fallback"))
                    .col(big_integer("policy_revision"))
                    // The policy's rules as JSON text (see slipway-store's convert module).
                    .col(text("policy"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk_cascade("environments", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("environments", "project_slug", &["project_id", "slug"]))
            .await?;
        // The flag column is part of each index so that SQLite's error message names it.
        create_partial_unique_index(
            manager,
            "ux_environments_gateway_fallback",
            "environments",
            "project_id, is_gateway_fallback",
            "is_gateway_fallback",
        )
        .await?;
        create_partial_unique_index(
            manager,
            "ux_environments_default_publish_target",
            "environments",
            "project_id, is_default_publish_target",
            "is_default_publish_target",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["environments", "project_memberships", "projects"]).await
    }
}

//! Releases, their changes (immutable after creation) and their approvals.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null, uuid, uuid_null,
};

use crate::guard::{drop_tables, fk, fk_cascade, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key from `release_changes.(column, resource_id)` to `versions.(id, resource_id)`:
/// a change can only name versions of its own resource. A NULL version is not checked.
fn version_of_resource(name: &'static str, column: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from_tbl("release_changes")
        .from_col(column)
        .from_col("resource_id")
        .to_tbl("versions")
        .to_col("id")
        .to_col("resource_id")
        .on_delete(ForeignKeyAction::NoAction)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("releases")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(uuid("environment_id"))
                    .col(text("origin"))
                    // Promotion source and rollback target: kept as plain ids, not foreign keys,
                    // so that history survives the deletion of the environment promoted from.
                    .col(uuid_null("source_environment_id"))
                    .col(uuid_null("rollback_deployment_id"))
                    .col(uuid("author"))
                    .col(text("message"))
                    .col(big_integer("policy_revision"))
                    .col(text("state"))
                    .col(uuid_null("decision_user"))
                    .col(text_null("decision_reason"))
                    .col(timestamp_with_time_zone_null("decision_at"))
                    // The bypass (user, reason, rules, at) as JSON text.
                    .col(text_null("bypass"))
                    .col(uuid_null("deployment_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk_cascade("releases", "project_id", "projects"))
                    .foreign_key(&mut fk_cascade("releases", "environment_id", "environments"))
                    .foreign_key(&mut fk("releases", "author", "users"))
                    .foreign_key(&mut fk("releases", "decision_user", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "releases",
                "project_created",
                &["project_id", "created_at", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "releases",
                "environment_created",
                &["environment_id", "created_at"],
            ))
            .await?;
        manager.create_index(index("releases", "state", &["state"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("release_changes")
                    .col(uuid("release_id"))
                    .col(uuid("resource_id"))
                    .col(big_integer("position"))
                    .col(uuid_null("from_version"))
                    .col(uuid_null("to_version"))
                    .primary_key(Index::create().col("release_id").col("resource_id"))
                    .foreign_key(&mut fk_cascade("release_changes", "release_id", "releases"))
                    .foreign_key(&mut fk_cascade("release_changes", "resource_id", "resources"))
                    .foreign_key(&mut version_of_resource("fk_release_changes_from", "from_version"))
                    .foreign_key(&mut version_of_resource("fk_release_changes_to", "to_version"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("release_approvals")
                    .col(uuid("release_id"))
                    .col(uuid("user_id"))
                    .col(big_integer("position"))
                    .col(timestamp_with_time_zone("approved_at"))
                    .primary_key(Index::create().col("release_id").col("user_id"))
                    .foreign_key(&mut fk_cascade("release_approvals", "release_id", "releases"))
                    .foreign_key(&mut fk("release_approvals", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["release_approvals", "release_changes", "releases"]).await
    }
}

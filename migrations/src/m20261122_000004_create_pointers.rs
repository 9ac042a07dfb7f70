//! Pointers: which version each environment serves for each resource, with a revision bumped on
//! every move (compare-and-swap happens on the version itself).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, timestamp_with_time_zone, uuid};

use crate::guard::{drop_tables, fk_cascade, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("pointers")
                    .col(uuid("environment_id"))
                    .col(uuid("resource_id"))
                    .col(uuid("version_id"))
                    .col(big_integer("revision"))
                    .col(timestamp_with_time_zone("since"))
                    .primary_key(Index::create().col("environment_id").col("resource_id"))
                    .foreign_key(&mut fk_cascade("pointers", "environment_id", "environments"))
                    .foreign_key(&mut fk_cascade("pointers", "resource_id", "resources"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pointers_version")
                            .from_tbl("pointers")
                            .from_col("version_id")
                            .from_col("resource_id")
                            .to_tbl("versions")
                            .to_col("id")
                            .to_col("resource_id")
                            .on_delete(ForeignKeyAction::NoAction),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("pointers", "version", &["version_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["pointers"]).await
    }
}

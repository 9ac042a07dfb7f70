//! The audit log: append-only, hash-chained events, and one head row per chain that writers lock
//! to append in order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, text, text_null, timestamp_with_time_zone, uuid};

use crate::guard::{Refuse, allow_changes, drop_tables, refuse_changes, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(uuid("id").primary_key())
                    // A project's or an organization's id: no foreign key, the log outlives both.
                    .col(uuid("chain_id"))
                    .col(big_integer("sequence"))
                    .col(text("actor"))
                    .col(text("action"))
                    .col(text("target_kind"))
                    .col(text("target_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(text_null("request_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(text("prev_hash"))
                    .col(text("hash"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("audit_events", "chain_sequence", &["chain_id", "sequence"]))
            .await?;
        refuse_changes(manager, "audit_events", Refuse::UpdateAndDelete).await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_heads")
                    .col(uuid("chain_id").primary_key())
                    .col(big_integer("sequence"))
                    .col(text("hash"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        allow_changes(manager, "audit_events").await?;
        drop_tables(manager, &["audit_heads", "audit_events"]).await
    }
}

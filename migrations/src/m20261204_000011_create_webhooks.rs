//! Webhooks: a project's endpoints (with their encrypted signing secrets) and the deliveries
//! outbox, written in the transaction of the change that causes each event. Delivery times that
//! the sender compares in SQL (`next_attempt_ms`, `lease_until_ms`) are epoch milliseconds, so
//! both databases compare numbers rather than their own timestamp encodings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, blob, blob_null, integer, integer_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

use crate::guard::{drop_tables, fk_cascade, index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook_endpoints")
                    .col(uuid("id").primary_key())
                    .col(uuid("project_id"))
                    .col(text("url"))
                    .col(text("description"))
                    // The wanted event kinds as the domain's bit set.
                    .col(big_integer("events"))
                    .col(text_null("disabled_reason"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .col(timestamp_with_time_zone_null("failing_since"))
                    // Secrets are sealed with the credential keyring, bound to the project and
                    // to the secret's own id.
                    .col(uuid("secret_id"))
                    .col(blob("secret"))
                    .col(uuid_null("previous_secret_id"))
                    .col(blob_null("previous_secret"))
                    .col(timestamp_with_time_zone_null("previous_until"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk_cascade("webhook_endpoints", "project_id", "projects"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhook_endpoints", "project", &["project_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    // The outbox order: deliveries of one endpoint go out in this order.
                    .col(
                        ColumnDef::new("seq")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(uuid("id"))
                    .col(uuid("endpoint_id"))
                    .col(uuid("project_id"))
                    // The `webhook-id` a receiver deduplicates on: the same for every delivery
                    // (and redelivery) of one event.
                    .col(uuid("event_id"))
                    .col(text("kind"))
                    .col(text("body"))
                    .col(text("status"))
                    .col(integer("attempts"))
                    .col(big_integer_null("next_attempt_ms"))
                    .col(uuid_null("lease_id"))
                    .col(big_integer_null("lease_until_ms"))
                    .col(timestamp_with_time_zone_null("last_attempt_at"))
                    .col(integer_null("response_code"))
                    .col(integer_null("latency_ms"))
                    .col(text_null("error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk_cascade(
                        "webhook_deliveries",
                        "endpoint_id",
                        "webhook_endpoints",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique("webhook_deliveries", "id", &["id"]))
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                "endpoint_status",
                &["endpoint_id", "status", "seq"],
            ))
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                "status_next",
                &["status", "next_attempt_ms"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["webhook_deliveries", "webhook_endpoints"]).await
    }
}

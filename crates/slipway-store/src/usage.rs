//! When API keys were last used: telemetry, not an audited mutation, so it bypasses the audit
//! chain of [`Store::commit`]. The service batches uses in memory and hands them over here in
//! one transaction; a time only ever moves forward (a late flush from another instance never
//! rewinds it).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use slipway_domain::ApiKeyId;
use tracing::instrument;

use crate::connect::Store;
use crate::convert::micros;
use crate::entities::api_key;
use crate::error::StoreError;

impl Store {
    /// Records that each key was used at its time (keys that no longer exist are skipped).
    ///
    /// # Errors
    /// Database failures; nothing is recorded then.
    #[instrument(skip_all, fields(keys = uses.len()), level = "debug")]
    pub async fn record_api_key_uses(&self, uses: &[(ApiKeyId, DateTime<Utc>)]) -> Result<(), StoreError> {
        if uses.is_empty() {
            return Ok(());
        }
        let tx = self.begin_write().await?;
        for (id, at) in uses {
            let at = micros(*at);
            api_key::Entity::update_many()
                .col_expr(api_key::Column::LastUsedAt, Expr::value(at))
                .filter(api_key::Column::Id.eq(id.as_uuid()))
                .filter(
                    Condition::any()
                        .add(api_key::Column::LastUsedAt.is_null())
                        .add(api_key::Column::LastUsedAt.lt(at)),
                )
                .exec(&tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

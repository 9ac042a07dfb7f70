//! Reads of the audit log and of API keys.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use slipway_domain::ProjectId;
use slipway_domain::api_key::ApiKey;
use slipway_domain::audit::AuditEvent;
use tracing::instrument;
use uuid::Uuid;

use crate::connect::Store;
use crate::convert::audit::{api_key_from_row, audit_event_from_row};
use crate::entities::{api_key, audit_event};
use crate::error::StoreError;
use crate::page::{Page, PageRequest, number, paginate};

impl Store {
    /// A page of a chain's audit events, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; database failures; [`StoreError::Corrupt`] for a row that
    /// fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn audit_events(&self, chain: Uuid, page: PageRequest) -> Result<Page<AuditEvent>, StoreError> {
        let mut query = audit_event::Entity::find().filter(audit_event::Column::ChainId.eq(chain));
        if let Some(after) = page.cursor("audit", 1)? {
            query = query.filter(audit_event::Column::Sequence.lt(number(&after[0])?));
        }
        let rows = query
            .order_by_desc(audit_event::Column::Sequence)
            .limit(page.limit() + 1)
            .all(&self.db)
            .await?;
        paginate(
            rows,
            page.limit(),
            "audit",
            |r| vec![r.sequence.to_string()],
            audit_event_from_row,
        )
    }

    /// A whole chain, oldest first, for [`verify_chain`](slipway_domain::audit::verify_chain).
    ///
    /// # Errors
    /// As [`Store::audit_events`].
    #[instrument(skip(self), level = "debug")]
    pub async fn audit_chain(&self, chain: Uuid) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = audit_event::Entity::find()
            .filter(audit_event::Column::ChainId.eq(chain))
            .order_by_asc(audit_event::Column::Sequence)
            .all(&self.db)
            .await?;
        rows.into_iter().map(audit_event_from_row).collect()
    }

    /// The API key whose secret hashes to `hash` (revoked keys included: check
    /// [`ApiKey::allows`]).
    ///
    /// # Errors
    /// As [`Store::audit_events`].
    #[instrument(skip_all, level = "debug")]
    pub async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = api_key::Entity::find()
            .filter(api_key::Column::Hash.eq(hash))
            .one(&self.db)
            .await?;
        row.map(api_key_from_row).transpose()
    }

    /// A project's API keys, oldest first (revoked ones included).
    ///
    /// # Errors
    /// As [`Store::audit_events`].
    #[instrument(skip(self), level = "debug")]
    pub async fn api_keys(&self, project: ProjectId) -> Result<Vec<ApiKey>, StoreError> {
        let rows = api_key::Entity::find()
            .filter(api_key::Column::ProjectId.eq(project.as_uuid()))
            .order_by_asc(api_key::Column::CreatedAt)
            .order_by_asc(api_key::Column::Id)
            .all(&self.db)
            .await?;
        rows.into_iter().map(api_key_from_row).collect()
    }
}

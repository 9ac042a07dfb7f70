//! Reads of the audit log (with its chain heads) and of API keys.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};
use slipway_domain::ProjectId;
use slipway_domain::api_key::ApiKey;
use slipway_domain::audit::{AuditEvent, ChainHead};
use tracing::instrument;
use uuid::Uuid;

use crate::connect::Store;
use crate::convert::audit::{api_key_from_row, audit_event_from_row};
use crate::convert::to_u64;
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

    /// A whole chain, oldest first, and its head (`None` when the chain has no head row), read
    /// in one consistent snapshot, for
    /// [`verify_against_head`](slipway_domain::audit::verify_against_head): an event appended
    /// meanwhile is in both or in neither.
    ///
    /// # Errors
    /// As [`Store::audit_events`].
    #[instrument(skip(self), level = "debug")]
    pub async fn audit_chain_with_head(&self, chain: Uuid) -> Result<(Vec<AuditEvent>, Option<ChainHead>), StoreError> {
        let tx = self.begin_read().await?;
        let head = tx
            .query_one_raw(Statement::from_sql_and_values(
                tx.get_database_backend(),
                "SELECT sequence, hash FROM audit_heads WHERE chain_id = $1",
                [chain.into()],
            ))
            .await?;
        let rows = audit_event::Entity::find()
            .filter(audit_event::Column::ChainId.eq(chain))
            .order_by_asc(audit_event::Column::Sequence)
            .all(&tx)
            .await?;
        tx.commit().await?;
        let head = match head {
            None => None,
            Some(row) => {
                let sequence: i64 = row.try_get_by_index(0)?;
                Some(ChainHead {
                    sequence: to_u64("audit_heads", chain, "sequence", sequence)?,
                    hash: row.try_get_by_index(1)?,
                })
            }
        };
        let events = rows.into_iter().map(audit_event_from_row).collect::<Result<_, _>>()?;
        Ok((events, head))
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

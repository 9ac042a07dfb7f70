//! Reads of the audit log (with its chain heads) and of API keys.

use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement};
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

/// Which audit events to list; every field set must match (none set: all events).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action (`release.approve`).
    pub action: Option<String>,
    /// Only actions of this kind: the part before the first dot (`release` matches
    /// `release.approve`, `release.apply`, …).
    pub action_kind: Option<String>,
    /// Only this actor's events, by label (`user:<id>`, `api_key:<id>`, `system`).
    pub actor: Option<String>,
    /// Only events about one thing.
    pub subject: Option<AuditSubject>,
}

/// One thing events are about: those that target it, and those whose before/after summary
/// names its id under `summary_field` (a release's `environment_id`, a change's `resource_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSubject {
    /// The target kind of events that target it (`environment`, `prompt`, …).
    pub target_kind: String,
    /// Their target id (an environment's slug, a resource's key).
    pub target_id: String,
    /// The summary field that names it elsewhere.
    pub summary_field: &'static str,
    /// Its id as summaries write it.
    pub summary_id: Uuid,
}

/// `text` with the characters `LIKE` treats specially escaped by `\`.
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl AuditFilter {
    fn condition(&self) -> Condition {
        let mut all = Condition::all();
        if let Some(action) = &self.action {
            all = all.add(audit_event::Column::Action.eq(action.as_str()));
        }
        if let Some(kind) = &self.action_kind {
            let pattern = format!("{}.%", like_literal(kind));
            all = all.add(audit_event::Column::Action.like(LikeExpr::new(pattern).escape('\\')));
        }
        if let Some(actor) = &self.actor {
            all = all.add(audit_event::Column::Actor.eq(actor.as_str()));
        }
        if let Some(subject) = &self.subject {
            // A field name of our own and a UUID hold no LIKE wildcards.
            let named = format!("%\"{}\":\"{}\"%", subject.summary_field, subject.summary_id);
            all = all.add(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(audit_event::Column::TargetKind.eq(subject.target_kind.as_str()))
                            .add(audit_event::Column::TargetId.eq(subject.target_id.as_str())),
                    )
                    .add(audit_event::Column::Before.like(named.as_str()))
                    .add(audit_event::Column::After.like(named.as_str())),
            );
        }
        all
    }
}

impl Store {
    /// A page of a chain's audit events that match `filter`, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; database failures; [`StoreError::Corrupt`] for a row that
    /// fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn audit_events(
        &self,
        chain: Uuid,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>, StoreError> {
        let mut query = audit_event::Entity::find()
            .filter(audit_event::Column::ChainId.eq(chain))
            .filter(filter.condition());
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

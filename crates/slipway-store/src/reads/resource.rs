//! Reads of resources, versions and stored credentials.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use slipway_domain::resource::{ResourceKind, VersionNumber};
use slipway_domain::{CredentialId, ProjectId, Resource, ResourceId, UserId, Version, VersionId};
use tracing::instrument;
use uuid::Uuid;

use crate::connect::Store;
use crate::convert::resource::{credential_from_row, resource_from_row, version_from_row};
use crate::entities::{credential, resource, version};
use crate::error::{StoreError, corrupt};
use crate::page::{Page, PageRequest, number, paginate};

/// An encrypted provider credential as stored (the plaintext never reaches the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    /// Identity.
    pub id: CredentialId,
    /// The project.
    pub project_id: ProjectId,
    /// The provider resource it belongs to.
    pub provider: ResourceId,
    /// Which encryption key sealed it (for key rotation).
    pub key_version: u32,
    /// The sealed secret.
    pub ciphertext: Vec<u8>,
    /// Who stored it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The kinds of the given resources, which decide how their versions' content is parsed.
async fn kinds_of<C: ConnectionTrait>(db: &C, ids: Vec<Uuid>) -> Result<HashMap<Uuid, ResourceKind>, StoreError> {
    let rows: Vec<(Uuid, String)> = resource::Entity::find()
        .select_only()
        .column(resource::Column::Id)
        .column(resource::Column::Kind)
        .filter(resource::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(id, kind)| Ok((id, kind.parse().map_err(|e| corrupt("resources", id, e))?)))
        .collect()
}

/// Converts version rows, looking their resources' kinds up in one query.
async fn versions_from_rows<C: ConnectionTrait>(db: &C, rows: Vec<version::Model>) -> Result<Vec<Version>, StoreError> {
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.resource_id).collect();
    ids.sort();
    ids.dedup();
    let kinds = if ids.is_empty() {
        HashMap::new()
    } else {
        kinds_of(db, ids).await?
    };
    rows.into_iter()
        .map(|row| {
            let kind = kinds
                .get(&row.resource_id)
                .copied()
                .ok_or_else(|| corrupt("versions", row.id, "its resource is missing"))?;
            version_from_row(row, kind)
        })
        .collect()
}

impl Store {
    /// The resource with this id.
    ///
    /// # Errors
    /// Database failures; [`StoreError::Corrupt`] for a row that fails parsing.
    #[instrument(skip(self), level = "debug")]
    pub async fn resource(&self, id: ResourceId) -> Result<Option<Resource>, StoreError> {
        let row = resource::Entity::find_by_id(id.as_uuid()).one(&self.db).await?;
        row.map(resource_from_row).transpose()
    }

    /// Resources by id, in no particular order; ids that name nothing are left out.
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn resources_by_ids(&self, ids: &[ResourceId]) -> Result<Vec<Resource>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = resource::Entity::find()
            .filter(resource::Column::Id.is_in(ids.iter().map(ResourceId::as_uuid)))
            .all(&self.db)
            .await?;
        rows.into_iter().map(resource_from_row).collect()
    }

    /// The resource of `kind` with `key` in a project.
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn resource_by_key(
        &self,
        project: ProjectId,
        kind: ResourceKind,
        key: &str,
    ) -> Result<Option<Resource>, StoreError> {
        let row = resource::Entity::find()
            .filter(resource::Column::ProjectId.eq(project.as_uuid()))
            .filter(resource::Column::Kind.eq(kind.as_str()))
            .filter(resource::Column::Key.eq(key))
            .one(&self.db)
            .await?;
        row.map(resource_from_row).transpose()
    }

    /// A page of a project's resources, ordered by kind, then key.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; as [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn resources(&self, project: ProjectId, page: PageRequest) -> Result<Page<Resource>, StoreError> {
        let mut query = resource::Entity::find().filter(resource::Column::ProjectId.eq(project.as_uuid()));
        if let Some(after) = page.cursor("resources", 2)? {
            let (kind, key) = (after[0].clone(), after[1].clone());
            query = query.filter(
                Condition::any().add(resource::Column::Kind.gt(kind.clone())).add(
                    Condition::all()
                        .add(resource::Column::Kind.eq(kind))
                        .add(resource::Column::Key.gt(key)),
                ),
            );
        }
        let rows = query
            .order_by_asc(resource::Column::Kind)
            .order_by_asc(resource::Column::Key)
            .limit(page.limit() + 1)
            .all(&self.db)
            .await?;
        paginate(
            rows,
            page.limit(),
            "resources",
            |r| vec![r.kind.clone(), r.key.clone()],
            resource_from_row,
        )
    }

    /// The version with this id.
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn version(&self, id: VersionId) -> Result<Option<Version>, StoreError> {
        let rows: Vec<version::Model> = version::Entity::find_by_id(id.as_uuid())
            .one(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(versions_from_rows(&self.db, rows).await?.pop())
    }

    /// The versions with these ids, in no particular order (unknown ids are skipped).
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip_all, level = "debug", fields(count = ids.len()))]
    pub async fn versions_by_ids(&self, ids: &[VersionId]) -> Result<Vec<Version>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = version::Entity::find()
            .filter(version::Column::Id.is_in(ids.iter().map(VersionId::as_uuid)))
            .all(&self.db)
            .await?;
        versions_from_rows(&self.db, rows).await
    }

    /// A resource's latest version.
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn latest_version(&self, resource: ResourceId) -> Result<Option<Version>, StoreError> {
        let rows: Vec<version::Model> = version::Entity::find()
            .filter(version::Column::ResourceId.eq(resource.as_uuid()))
            .order_by_desc(version::Column::Number)
            .one(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(versions_from_rows(&self.db, rows).await?.pop())
    }

    /// A resource's version by number.
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn version_by_number(
        &self,
        resource: ResourceId,
        number: VersionNumber,
    ) -> Result<Option<Version>, StoreError> {
        let rows: Vec<version::Model> = version::Entity::find()
            .filter(version::Column::ResourceId.eq(resource.as_uuid()))
            .filter(version::Column::Number.eq(i64::from(number.get())))
            .one(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(versions_from_rows(&self.db, rows).await?.pop())
    }

    /// A page of a resource's versions, newest first.
    ///
    /// # Errors
    /// [`StoreError::InvalidCursor`]; as [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn versions(&self, resource: ResourceId, page: PageRequest) -> Result<Page<Version>, StoreError> {
        let mut query = version::Entity::find().filter(version::Column::ResourceId.eq(resource.as_uuid()));
        if let Some(after) = page.cursor("versions", 1)? {
            query = query.filter(version::Column::Number.lt(number(&after[0])?));
        }
        let rows = query
            .order_by_desc(version::Column::Number)
            .limit(page.limit() + 1)
            .all(&self.db)
            .await?;
        let more = u64::try_from(rows.len()).unwrap_or(u64::MAX) > page.limit();
        let page_rows: Vec<version::Model> = rows
            .into_iter()
            .take(usize::try_from(page.limit()).unwrap_or(usize::MAX))
            .collect();
        let next = if more { page_rows.last().map(|r| r.number) } else { None };
        let items = versions_from_rows(&self.db, page_rows).await?;
        Ok(Page {
            items,
            next_cursor: next.map(|n| crate::page::encode("versions", &[n.to_string()])),
        })
    }

    /// A stored credential (its ciphertext).
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn credential(&self, id: CredentialId) -> Result<Option<StoredCredential>, StoreError> {
        let row = credential::Entity::find_by_id(id.as_uuid()).one(&self.db).await?;
        row.map(credential_from_row).transpose()
    }

    /// Up to `limit` stored credentials (of every project) encrypted under a key version other
    /// than `current`: the work list of a key rotation.
    ///
    /// # Errors
    /// As [`Store::resource`].
    #[instrument(skip(self), level = "debug")]
    pub async fn credentials_not_under(&self, current: u32, limit: u64) -> Result<Vec<StoredCredential>, StoreError> {
        let rows = credential::Entity::find()
            .filter(credential::Column::KeyVersion.ne(i64::from(current)))
            .order_by_asc(credential::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        rows.into_iter().map(credential_from_row).collect()
    }
}

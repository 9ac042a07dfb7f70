//! Writes of resources, versions, credentials and API keys.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use slipway_domain::api_key::ApiKey;
use slipway_domain::{ApiKeyId, CredentialId, Resource, Version};

use crate::convert::json::ids_to_json;
use crate::convert::micros;
use crate::convert::resource::{credential_to_row, resource_to_row, version_to_row};
use crate::entities::{api_key, credential, resource, version};
use crate::error::{StoreError, TxError};
use crate::reads::resource::StoredCredential;

pub(super) async fn insert_resource(tx: &DatabaseTransaction, value: &Resource) -> Result<(), TxError> {
    resource::Entity::insert(resource_to_row(value).into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn insert_version(tx: &DatabaseTransaction, value: &Version) -> Result<(), TxError> {
    version::Entity::insert(version_to_row(value).into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn insert_credential(tx: &DatabaseTransaction, value: &StoredCredential) -> Result<(), TxError> {
    credential::Entity::insert(credential_to_row(value).into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn reencrypt_credential(
    tx: &DatabaseTransaction,
    id: CredentialId,
    from_key_version: u32,
    key_version: u32,
    ciphertext: &[u8],
) -> Result<(), TxError> {
    let updated = credential::Entity::update_many()
        .col_expr(credential::Column::KeyVersion, Expr::value(i64::from(key_version)))
        .col_expr(credential::Column::Ciphertext, Expr::value(ciphertext.to_vec()))
        .filter(credential::Column::Id.eq(id.as_uuid()))
        .filter(credential::Column::KeyVersion.eq(i64::from(from_key_version)))
        .exec(tx)
        .await?;
    if updated.rows_affected == 0 {
        // Gone, or re-encrypted by someone else meanwhile: either way not this write's to make.
        return Err(TxError::Fail(StoreError::NotFound("credential under that key version")));
    }
    Ok(())
}

pub(super) async fn insert_api_key(tx: &DatabaseTransaction, key: &ApiKey, hash: &str) -> Result<(), TxError> {
    let row = api_key::Model {
        id: key.id.as_uuid(),
        project_id: key.project_id.as_uuid(),
        name: key.name.as_str().to_owned(),
        display_prefix: key.display_prefix.clone(),
        hash: hash.to_owned(),
        environments: ids_to_json(&key.environments),
        created_by: key.created_by.as_uuid(),
        created_at: micros(key.created_at),
        revoked_at: key.revoked_at.map(micros),
        expires_at: key.expires_at.map(micros),
        last_used_at: key.last_used_at.map(micros),
    };
    api_key::Entity::insert(row.into_active_model())
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

pub(super) async fn revoke_api_key(tx: &DatabaseTransaction, id: ApiKeyId, at: DateTime<Utc>) -> Result<(), TxError> {
    let updated = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(micros(at)))
        .filter(api_key::Column::Id.eq(id.as_uuid()))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(tx)
        .await?;
    if updated.rows_affected == 0 {
        let exists = api_key::Entity::find_by_id(id.as_uuid()).count(tx).await? > 0;
        if !exists {
            return Err(StoreError::NotFound("api key").into());
        }
    }
    Ok(())
}

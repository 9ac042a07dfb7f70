//! Resources, versions and stored credentials.

use slipway_domain::content::Content;
use slipway_domain::resource::{ContentHash, ResourceKey, ResourceKind, VersionNumber};
use slipway_domain::text::Message;
use slipway_domain::{CredentialId, ProjectId, Resource, ResourceId, UserId, ValidationError, Version, VersionId};

use crate::convert::{micros, to_u32};
use crate::entities::{credential, resource, version};
use crate::error::{StoreError, corrupt};
use crate::reads::resource::StoredCredential;

/// A resource row into a [`Resource`].
pub(crate) fn resource_from_row(row: resource::Model) -> Result<Resource, StoreError> {
    let bad = |e: ValidationError| corrupt("resources", row.id, e);
    Ok(Resource {
        id: ResourceId::from_uuid(row.id),
        project_id: ProjectId::from_uuid(row.project_id),
        kind: row.kind.parse().map_err(bad)?,
        key: ResourceKey::parse(&row.key).map_err(bad)?,
        created_at: row.created_at,
    })
}

/// A [`Resource`] into a row.
pub(crate) fn resource_to_row(resource: &Resource) -> resource::Model {
    resource::Model {
        id: resource.id.as_uuid(),
        project_id: resource.project_id.as_uuid(),
        kind: resource.kind.as_str().to_owned(),
        key: resource.key.as_str().to_owned(),
        created_at: micros(resource.created_at),
    }
}

/// A version row into a [`Version`], given its resource's kind (which decides how the content
/// is parsed).
pub(crate) fn version_from_row(row: version::Model, kind: ResourceKind) -> Result<Version, StoreError> {
    let bad = |e: ValidationError| corrupt("versions", row.id, e);
    let json: serde_json::Value =
        serde_json::from_str(&row.content).map_err(|e| corrupt("versions", row.id, format!("content: {e}")))?;
    let content = Content::parse(kind, json).map_err(bad)?;
    let content_hash = ContentHash::parse(&row.content_hash).map_err(bad)?;
    // The stored text is exactly what was hashed; comparing bytes does not depend on how the
    // domain serializes content today.
    if ContentHash::of_bytes(row.content.as_bytes()) != content_hash {
        return Err(corrupt("versions", row.id, "content does not match its hash"));
    }
    Ok(Version {
        id: VersionId::from_uuid(row.id),
        resource_id: ResourceId::from_uuid(row.resource_id),
        number: VersionNumber::new(row.number).map_err(bad)?,
        content,
        content_hash,
        author: UserId::from_uuid(row.author),
        message: Message::from_stored("message", &row.message).map_err(bad)?,
        created_at: row.created_at,
    })
}

/// A [`Version`] into a row: the content as canonical JSON.
pub(crate) fn version_to_row(version: &Version) -> version::Model {
    version::Model {
        id: version.id.as_uuid(),
        resource_id: version.resource_id.as_uuid(),
        number: i64::from(version.number.get()),
        content: version.content.canonical_json(),
        content_hash: version.content_hash.as_str().to_owned(),
        author: version.author.as_uuid(),
        message: version.message.as_str().to_owned(),
        created_at: micros(version.created_at),
    }
}

/// A credential row into a [`StoredCredential`].
pub(crate) fn credential_from_row(row: credential::Model) -> Result<StoredCredential, StoreError> {
    Ok(StoredCredential {
        id: CredentialId::from_uuid(row.id),
        project_id: ProjectId::from_uuid(row.project_id),
        provider: ResourceId::from_uuid(row.provider_resource_id),
        key_version: to_u32("credentials", row.id, "key_version", row.key_version)?,
        ciphertext: row.ciphertext,
        created_by: UserId::from_uuid(row.created_by),
        created_at: row.created_at,
    })
}

/// A [`StoredCredential`] into a row.
pub(crate) fn credential_to_row(credential: &StoredCredential) -> credential::Model {
    credential::Model {
        id: credential.id.as_uuid(),
        project_id: credential.project_id.as_uuid(),
        provider_resource_id: credential.provider.as_uuid(),
        key_version: i64::from(credential.key_version),
        ciphertext: credential.ciphertext.clone(),
        created_by: credential.created_by.as_uuid(),
        created_at: micros(credential.created_at),
    }
}

//! Provider credentials: stored encrypted, bound to their project and id, write-only through
//! every API, never logged or audited in clear.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use slipway_domain::resource::ResourceKind;
use slipway_domain::{CredentialId, Permission};
use slipway_store::{StoredCredential, Write};
use tracing::instrument;
use uuid::Uuid;

use crate::{Ctx, Service, ServiceError, ServiceResult};

/// What the API may show of a stored credential: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Its id (what provider activations refer to).
    pub id: CredentialId,
    /// The provider resource's key.
    pub provider: String,
    /// The key version it is encrypted under.
    pub key_version: u32,
}

impl Service {
    /// Stores a new credential for a provider; activations then refer to it by id.
    ///
    /// # Errors
    /// Unknown provider; an empty or oversized secret; permission.
    #[instrument(skip(self, ctx, secret))]
    pub async fn set_provider_credential(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        provider: &str,
        secret: SecretString,
    ) -> ServiceResult<CredentialInfo> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProviderManageCredentials)
            .await?;
        let user = Self::signed_in(ctx)?;
        let resource = self.resource_by_key(&project, ResourceKind::Provider, provider).await?;
        let length = secret.expose_secret().len();
        if length == 0 || length > 16 * 1024 {
            return Err(ServiceError::validation("secret", "must be 1 byte to 16 KiB"));
        }
        let id = CredentialId::from_uuid(Uuid::now_v7());
        let sealed = self.keyring().encrypt(project.id, id, &secret).map_err(|e| {
            tracing::error!(error = %e, "credential encryption failed");
            ServiceError::Internal("could not encrypt the credential".into())
        })?;
        let stored = StoredCredential {
            id,
            project_id: project.id,
            provider: resource.id,
            key_version: sealed.key_version,
            ciphertext: sealed.to_bytes(),
            created_by: user.id,
            created_at: self.now(),
        };
        // The audit event names the credential, never its content.
        let audit = Self::entry(
            ctx,
            "credential.set",
            "provider",
            provider,
            None,
            Some(json!({"credential_id": id.to_string(), "key_version": stored.key_version})),
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::InsertCredential(stored.clone())],
            audit,
        )
        .await?;
        Ok(CredentialInfo {
            id,
            provider: provider.to_owned(),
            key_version: stored.key_version,
        })
    }
}

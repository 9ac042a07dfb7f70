//! Provider credentials: stored encrypted, bound to their project and id, write-only through
//! every API, never logged or audited in clear.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use slipway_domain::resource::ResourceKind;
use slipway_domain::{CredentialId, Permission};
use slipway_store::{StoredCredential, Write};
use tracing::instrument;
use uuid::Uuid;

use crate::Missing;
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

/// What a key rotation pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReencryptReport {
    /// Credentials now under the current key.
    pub reencrypted: usize,
    /// Credentials that could not be decrypted with any key of the keyring (left as they were).
    pub failed: usize,
}

impl Service {
    /// Re-encrypts every stored credential that is not under the keyring's current key version
    /// (the last step of a key rotation; afterwards old key versions may be dropped). An
    /// operator's action: only the system caller (the CLI) may run it. Each credential is
    /// re-encrypted in its own transaction with one audit event naming the key versions, never
    /// the secret.
    ///
    /// # Errors
    /// Any caller but the system; store failures.
    #[instrument(skip_all)]
    pub async fn reencrypt_credentials(&self, ctx: &Ctx) -> ServiceResult<ReencryptReport> {
        if !matches!(ctx.caller, crate::Caller::System) {
            return Err(ServiceError::Forbidden {
                permission: None,
                message: "only an operator may rotate credential keys".into(),
            });
        }
        let current = self.keyring().current_version();
        let mut report = ReencryptReport::default();
        let mut skipped: Vec<CredentialId> = Vec::new();
        loop {
            let batch = self
                .store()
                .credentials_not_under(current, 100 + skipped.len() as u64)
                .await?;
            let todo: Vec<StoredCredential> = batch.into_iter().filter(|c| !skipped.contains(&c.id)).collect();
            if todo.is_empty() {
                break;
            }
            for stored in todo {
                let sealed = slipway_auth::EncryptedCredential::from_bytes(&stored.ciphertext)
                    .and_then(|sealed| self.keyring().reencrypt(stored.project_id, stored.id, &sealed));
                let fresh = match sealed {
                    Ok(fresh) => fresh,
                    Err(e) => {
                        tracing::error!(credential = %stored.id, error = %e, "credential cannot be re-encrypted");
                        report.failed += 1;
                        skipped.push(stored.id);
                        continue;
                    }
                };
                let audit = Self::entry(
                    ctx,
                    "credential.reencrypt",
                    "credential",
                    stored.id,
                    Some(json!({"key_version": stored.key_version})),
                    Some(json!({"key_version": fresh.key_version})),
                );
                let write = Write::ReencryptCredential {
                    id: stored.id,
                    from_key_version: stored.key_version,
                    key_version: fresh.key_version,
                    ciphertext: fresh.to_bytes(),
                };
                match self.commit(stored.project_id.as_uuid(), None, vec![write], audit).await {
                    Ok(_) => report.reencrypted += 1,
                    // Re-encrypted or deleted by a concurrent pass: nothing left to do for it.
                    Err(ServiceError::NotFound(_)) => skipped.push(stored.id),
                    Err(e) => return Err(e),
                }
            }
        }
        tracing::info!(
            reencrypted = report.reencrypted,
            failed = report.failed,
            key_version = current,
            "credential re-encryption finished"
        );
        Ok(report)
    }

    /// Decrypts a stored credential (for the gateway-side use of a provider; never exposed through
    /// an API). An operator's or the system's action.
    ///
    /// # Errors
    /// Unknown credential; a ciphertext no key of the keyring opens; any caller but the system.
    pub async fn decrypt_credential(&self, ctx: &Ctx, id: CredentialId) -> ServiceResult<SecretString> {
        if !matches!(ctx.caller, crate::Caller::System) {
            return Err(ServiceError::Forbidden {
                permission: None,
                message: "credentials are write-only".into(),
            });
        }
        let stored = self
            .store()
            .credential(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(Missing::Credential(id.to_string())))?;
        slipway_auth::EncryptedCredential::from_bytes(&stored.ciphertext)
            .and_then(|sealed| self.keyring().decrypt(stored.project_id, stored.id, &sealed))
            .map_err(|e| {
                tracing::error!(credential = %id, error = %e, "credential cannot be decrypted");
                ServiceError::Internal("the credential cannot be decrypted with the configured keys".into())
            })
    }
}

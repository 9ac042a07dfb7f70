//! Decrypted provider credentials, kept in memory only (`secrecy` types, never logged): each is
//! decrypted once per process, on its first call. Credentials are immutable — setting a new one
//! makes a new id that a new activation names — so an entry never goes stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use slipway_domain::CredentialId;
use slipway_service::{Ctx, Service};

/// Credential id → decrypted secret.
#[derive(Default)]
pub struct CredentialCache {
    secrets: Mutex<HashMap<CredentialId, Arc<SecretString>>>,
}

impl std::fmt::Debug for CredentialCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialCache(..)")
    }
}

impl CredentialCache {
    /// The secret of `id`, decrypting it on first use.
    ///
    /// # Errors
    /// The credential is gone or no configured key opens it (the service logs the cause,
    /// never the secret).
    pub async fn get(&self, service: &Service, id: CredentialId) -> Result<Arc<SecretString>, ()> {
        if let Some(secret) = self.secrets.lock().map_err(|_| ())?.get(&id) {
            return Ok(Arc::clone(secret));
        }
        let secret = Arc::new(service.decrypt_credential(&Ctx::system(), id).await.map_err(|_| ())?);
        self.secrets.lock().map_err(|_| ())?.insert(id, Arc::clone(&secret));
        Ok(secret)
    }
}

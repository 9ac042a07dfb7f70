//! Decrypted provider credentials, kept in memory only (`secrecy` types, never logged): each is
//! decrypted once per process, right after the deployment that makes it live (or on its first
//! call, for a project this instance had not loaded yet). Credentials are immutable — setting a new one
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

impl crate::Gateway {
    /// Follows the service's events and, after each deployment, decrypts the credentials that
    /// the project's new snapshot names and the cache lacks, so that the first call through a
    /// new activation reads no database either. Ends when the event channel closes.
    pub fn follow_deployments(&self) -> tokio::task::JoinHandle<()> {
        let mut events = self.inner.service.events().subscribe();
        let gateway = self.clone();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(slipway_service::Event::ServingChanged { project_id, .. }) => gateway.warm(project_id).await,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        })
    }

    async fn warm(&self, project: slipway_domain::ProjectId) {
        let Ok(snapshot) = self.inner.service.snapshot(project).await else {
            return;
        };
        let ids: std::collections::BTreeSet<CredentialId> = snapshot
            .views()
            .flat_map(|view| view.entries.values())
            .filter_map(|entry| match &entry.version.content {
                slipway_domain::content::Content::Provider(activation) => activation.credential_id(),
                _ => None,
            })
            .collect();
        for id in ids {
            // A failure is logged by the service (never the secret) and retried on first use.
            let _ = self.inner.credentials.get(&self.inner.service, id).await;
        }
    }
}

//! One round of the webhook sender: claim due deliveries, sign each with its endpoint's
//! current secrets, send them all at once through the [`WebhookTransport`] port (one per
//! endpoint, oldest first: the claim guarantees it), and record each attempt with the retry
//! schedule's next step and the endpoint's health. The server runs rounds in a loop, woken by
//! commits ([`Service::webhook_wake`](crate::Service::webhook_wake)) and by a poll.

use std::sync::Arc;
use std::time::{Duration, Instant};

use slipway_auth::EncryptedCredential;
use slipway_auth::webhook::{WebhookSecret, signature_header};
use slipway_domain::CredentialId;
use slipway_domain::webhook::delivery::{Outcome, health, settle};
use slipway_domain::webhook::retry::Roll;
use slipway_store::{AttemptRecord, ClaimedDelivery, SealedSecret};
use tracing::instrument;

use crate::ports::{WebhookRequest, WebhookTransport};
use crate::{Service, ServiceError, ServiceResult};

/// How long a claim holds a delivery: far longer than a send's timeout, so only a sender that
/// died leaves a delivery to be claimed again.
const LEASE: Duration = Duration::from_secs(120);

/// Where the retry schedule's jitter comes from (random in the server, fixed in tests).
pub type Jitter = Arc<dyn Fn() -> Roll + Send + Sync>;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Deliveries claimed and attempted.
    pub attempted: usize,
    /// Of those, delivered (a 2xx answer).
    pub delivered: usize,
}

impl Service {
    fn open_secret(&self, claimed: &ClaimedDelivery, sealed: &SealedSecret) -> ServiceResult<WebhookSecret> {
        let fail = || ServiceError::Internal("a webhook secret cannot be opened".into());
        let blob = EncryptedCredential::from_bytes(&sealed.ciphertext).map_err(|_| fail())?;
        let text = self
            .keyring()
            .decrypt(claimed.project_id, CredentialId::from_uuid(sealed.id), &blob)
            .map_err(|e| {
                tracing::error!(error = %e, delivery = %claimed.delivery.id, "webhook secret decryption failed");
                fail()
            })?;
        WebhookSecret::parse(secrecy::ExposeSecret::expose_secret(&text)).ok_or_else(fail)
    }

    /// Sends one claimed delivery and records the attempt.
    async fn attempt(
        &self,
        claimed: ClaimedDelivery,
        transport: &dyn WebhookTransport,
        jitter: &Jitter,
    ) -> ServiceResult<bool> {
        let now = self.now();
        let timestamp = now.timestamp();
        let id = claimed.delivery.event_id.to_string();
        let started = Instant::now();
        let outcome = match claimed
            .secrets
            .signing(now)
            .into_iter()
            .map(|s| self.open_secret(&claimed, s))
            .collect::<ServiceResult<Vec<_>>>()
        {
            Ok(secrets) => {
                let refs: Vec<&WebhookSecret> = secrets.iter().collect();
                let signature = signature_header(&refs, &id, timestamp, claimed.body.as_bytes());
                let request = WebhookRequest {
                    url: &claimed.url,
                    id: &id,
                    timestamp,
                    signature: &signature,
                    body: &claimed.body,
                };
                transport.send(request).await
            }
            // An endpoint whose secret cannot be opened is never sent to unsigned; the attempt
            // fails like an unreachable endpoint, and the operator sees the logged cause.
            Err(_) => Outcome::Unreachable,
        };
        let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let at = self.now();
        let attempts = claimed.delivery.attempts.saturating_add(1);
        let record = AttemptRecord {
            delivery: claimed.delivery.id,
            lease: claimed.lease,
            at,
            outcome,
            latency_ms,
            settled: settle(
                &self.webhook_schedule(),
                claimed.delivery.created_at,
                attempts,
                outcome,
                at,
                jitter(),
            ),
            health: health(claimed.failing_since, outcome, at),
        };
        if record.health.disable {
            tracing::warn!(endpoint = %claimed.delivery.endpoint_id, "webhook endpoint failed for days; disabled");
        }
        let recorded = self.store().record_webhook_attempt(&record).await?;
        if !recorded {
            tracing::info!(delivery = %claimed.delivery.id, "webhook delivery's lease was lost before its attempt was recorded");
        }
        Ok(outcome.delivered())
    }

    /// Claims up to `limit` due deliveries and attempts them all concurrently (one per
    /// endpoint).
    ///
    /// # Errors
    /// The store's failures while claiming; a failed record is logged and left to the lease.
    #[instrument(skip(self, transport, jitter), level = "debug")]
    pub async fn deliver_webhooks(
        &self,
        transport: &Arc<dyn WebhookTransport>,
        jitter: &Jitter,
        limit: u32,
    ) -> ServiceResult<DeliveryRound> {
        let claimed = self.store().claim_webhook_deliveries(self.now(), LEASE, limit).await?;
        let mut round = DeliveryRound {
            attempted: claimed.len(),
            delivered: 0,
        };
        let mut tasks = tokio::task::JoinSet::new();
        for delivery in claimed {
            let (service, transport, jitter) = (self.clone(), Arc::clone(transport), Arc::clone(jitter));
            tasks.spawn(async move { service.attempt(delivery, transport.as_ref(), &jitter).await });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok(true)) => round.delivered += 1,
                Ok(Ok(false)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "a webhook attempt could not be recorded"),
                Err(e) => tracing::error!(error = %e, "a webhook attempt task failed"),
            }
        }
        Ok(round)
    }
}

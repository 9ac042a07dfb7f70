//! The webhook sender's loop: rounds of [`Service::deliver_webhooks`] over the gateway's
//! address-checking HTTP client, run as soon as a commit of this instance writes a delivery
//! (the service's wake-up), and at least every poll interval for deliveries due to a retry or
//! written by another instance. Each round claims under a lease, so instances sharing one
//! PostgreSQL never send one delivery at once.

use std::sync::Arc;
use std::time::Duration;

use slipway_domain::webhook::retry::Roll;
use slipway_gateway::webhook::WebhookSender;
use slipway_service::webhooks::Jitter;
use slipway_service::{Service, WebhookTransport};
use tokio::task::JoinHandle;

/// How long the loop waits for a wake-up before looking for due deliveries anyway.
const POLL: Duration = Duration::from_secs(1);
/// Deliveries claimed per round (one per endpoint).
const ROUND: u32 = 32;

/// Starts the sender; it runs until the task is aborted.
pub fn spawn(service: Service, sender: WebhookSender) -> JoinHandle<()> {
    let transport: Arc<dyn WebhookTransport> = Arc::new(sender);
    let jitter: Jitter = Arc::new(|| Roll::from_bits(u32::try_from(slipway_gateway::random_roll() >> 32).unwrap_or(0)));
    let wake = service.webhook_wake();
    tokio::spawn(async move {
        loop {
            // Drain what is due, then wait for a commit or the poll.
            loop {
                match service.deliver_webhooks(&transport, &jitter, ROUND).await {
                    Ok(round) if round.attempted > 0 => {}
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook deliveries could not be claimed");
                        break;
                    }
                }
            }
            let _ = tokio::time::timeout(POLL, wake.notified()).await;
        }
    })
}

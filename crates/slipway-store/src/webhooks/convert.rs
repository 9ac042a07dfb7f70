//! Rows of the webhook tables to and from domain values.

use chrono::{DateTime, Utc};
use slipway_domain::text::Description;
use slipway_domain::webhook::delivery::{Delivery, DeliveryStatus};
use slipway_domain::webhook::secrets::Secrets;
use slipway_domain::webhook::{DisabledReason, EndpointStatus, EventKind, EventSet, WebhookEndpoint, WebhookUrl};
use slipway_domain::{ProjectId, WebhookDeliveryId, WebhookEndpointId};

use crate::convert::micros;
use crate::entities::{webhook_delivery, webhook_endpoint};
use crate::error::{StoreError, corrupt};
use crate::webhooks::{SealedSecret, StoredEndpoint};

const ENDPOINTS: &str = "webhook_endpoints";
const DELIVERIES: &str = "webhook_deliveries";

/// An endpoint and its secrets as a row.
pub(super) fn endpoint_to_row(stored: &StoredEndpoint) -> webhook_endpoint::Model {
    let e = &stored.endpoint;
    let (reason, disabled_at) = match e.status {
        EndpointStatus::Enabled => (None, None),
        EndpointStatus::Disabled { reason, at } => (Some(reason.as_str().to_owned()), Some(micros(at))),
    };
    let previous = stored.secrets.previous.as_ref();
    webhook_endpoint::Model {
        id: e.id.as_uuid(),
        project_id: e.project_id.as_uuid(),
        url: e.url.as_str().to_owned(),
        description: e.description.as_str().to_owned(),
        events: i64::from(e.events.bits()),
        disabled_reason: reason,
        disabled_at,
        failing_since: e.failing_since.map(micros),
        secret_id: stored.secrets.current.id,
        secret: stored.secrets.current.ciphertext.clone(),
        previous_secret_id: previous.map(|(s, _)| s.id),
        previous_secret: previous.map(|(s, _)| s.ciphertext.clone()),
        previous_until: previous.map(|(_, until)| micros(*until)),
        created_at: micros(e.created_at),
        updated_at: micros(e.updated_at),
    }
}

/// A row as an endpoint and its secrets.
pub(super) fn endpoint_from_row(row: webhook_endpoint::Model) -> Result<StoredEndpoint, StoreError> {
    let bad = |problem: &str| corrupt(ENDPOINTS, row.id, problem);
    let url = WebhookUrl::parse(&row.url).map_err(|_| bad("url"))?;
    let description = Description::from_stored(&row.description).map_err(|_| bad("description"))?;
    let events = u32::try_from(row.events)
        .ok()
        .and_then(EventSet::from_bits)
        .ok_or_else(|| bad("events"))?;
    let status = match (&row.disabled_reason, row.disabled_at) {
        (None, None) => EndpointStatus::Enabled,
        (Some(reason), Some(at)) => EndpointStatus::Disabled {
            reason: DisabledReason::from_stored(reason).ok_or_else(|| bad("disabled_reason"))?,
            at,
        },
        _ => return Err(bad("disabled_reason without disabled_at")),
    };
    let previous = match (row.previous_secret_id, row.previous_secret, row.previous_until) {
        (Some(id), Some(ciphertext), Some(until)) => Some((SealedSecret { id, ciphertext }, until)),
        (None, None, None) => None,
        _ => return Err(bad("previous secret incomplete")),
    };
    Ok(StoredEndpoint {
        endpoint: WebhookEndpoint {
            id: WebhookEndpointId::from_uuid(row.id),
            project_id: ProjectId::from_uuid(row.project_id),
            url,
            description,
            events,
            status,
            failing_since: row.failing_since,
            created_at: row.created_at,
            updated_at: row.updated_at,
        },
        secrets: Secrets {
            current: SealedSecret {
                id: row.secret_id,
                ciphertext: row.secret,
            },
            previous,
        },
    })
}

/// Epoch milliseconds as a time.
pub(super) fn from_ms(table: &str, id: uuid::Uuid, ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(table, id, "time out of range"))
}

/// A delivery row as its log entry.
pub(super) fn delivery_from_row(row: &webhook_delivery::Model) -> Result<Delivery, StoreError> {
    let bad = |problem: &str| corrupt(DELIVERIES, row.id, problem);
    Ok(Delivery {
        id: WebhookDeliveryId::from_uuid(row.id),
        endpoint_id: WebhookEndpointId::from_uuid(row.endpoint_id),
        event_id: row.event_id,
        kind: row.kind.parse::<EventKind>().map_err(|_| bad("kind"))?,
        status: row.status.parse::<DeliveryStatus>().map_err(|_| bad("status"))?,
        attempts: u32::try_from(row.attempts).map_err(|_| bad("attempts"))?,
        next_attempt_at: row
            .next_attempt_ms
            .map(|ms| from_ms(DELIVERIES, row.id, ms))
            .transpose()?,
        last_attempt_at: row.last_attempt_at,
        response_code: row
            .response_code
            .map(|c| u16::try_from(c).map_err(|_| bad("response_code")))
            .transpose()?,
        latency_ms: row
            .latency_ms
            .map(|l| u32::try_from(l).map_err(|_| bad("latency_ms")))
            .transpose()?,
        error: row.error.clone(),
        created_at: row.created_at,
    })
}

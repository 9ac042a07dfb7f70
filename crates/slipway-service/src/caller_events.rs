//! One caller's events, for long-lived connections (the gateway watch stream, GraphQL
//! subscriptions): the events of one project, with the caller's credential re-checked before each
//! is handed on, the end of the connection when its JWT expires (on the service's [`Clock`]) or
//! its API key is revoked, and missed events reported rather than hidden. Each interface only
//! decides what to send for an event; the connection rules live here, once.
//!
//! [`Clock`]: crate::Clock

use chrono::{DateTime, Utc};
use slipway_domain::ProjectId;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use crate::{Ctx, Event, Service, ServiceError, ServiceResult};

/// What a caller's connection hears about its project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerEvent {
    /// An event of the project (revocations of other callers left out).
    Project(Event),
    /// A revocation concerns this caller (a removed member, say) but its credential is still
    /// valid: the connection must re-read through an authorized use case, which fails when the
    /// caller can no longer view the project, and then end.
    AccessChanged,
    /// The connection fell behind and missed this many events: anything may have changed.
    Lagged(u64),
}

/// A caller subscribed to the event channel before it knows which project it follows (so that
/// nothing committed while it authorizes is missed).
#[derive(Debug)]
pub struct Subscribed {
    service: Service,
    caller: Ctx,
    receiver: Receiver<Event>,
}

impl Subscribed {
    /// Follows `project` from here on; every event since the subscription is still delivered.
    pub fn for_project(self, project: ProjectId) -> CallerEvents {
        CallerEvents {
            service: self.service,
            caller: self.caller,
            project,
            receiver: self.receiver,
        }
    }
}

/// The events of one project as one caller may hear them (see the module docs).
#[derive(Debug)]
pub struct CallerEvents {
    service: Service,
    caller: Ctx,
    project: ProjectId,
    receiver: Receiver<Event>,
}

impl Service {
    /// Subscribes `caller` to the event channel now; [`Subscribed::for_project`] then names the
    /// project its connection follows. Subscribe before reading what is current, so no change
    /// slips in between.
    pub fn caller_events(&self, caller: Ctx) -> Subscribed {
        Subscribed {
            receiver: self.events().subscribe(),
            service: self.clone(),
            caller,
        }
    }
}

impl CallerEvents {
    /// The caller this stream belongs to.
    pub fn caller(&self) -> &Ctx {
        &self.caller
    }

    /// The next event for the caller's connection, or `None` once the event channel closed.
    ///
    /// # Errors
    /// [`ServiceError::Unauthenticated`] when the caller's JWT expired or its API key was
    /// revoked (the connection must then end); storage errors of the re-check.
    pub async fn next(&mut self) -> Option<ServiceResult<CallerEvent>> {
        loop {
            // Expiry first: an expired caller hears nothing more, not even events already queued.
            let received = tokio::select! {
                biased;
                () = expiry(&self.service, self.caller.expires_at) => {
                    return Some(Err(ServiceError::Unauthenticated));
                }
                received = self.receiver.recv() => received,
            };
            let event = match received {
                Ok(event) if event.project_id() != self.project => continue,
                Ok(event) if event.revokes(&self.caller) => CallerEvent::AccessChanged,
                Ok(Event::AccessRevoked { .. }) => continue,
                Ok(event) => CallerEvent::Project(event),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a long-lived connection fell behind and missed events");
                    CallerEvent::Lagged(missed)
                }
                Err(RecvError::Closed) => return None,
            };
            return Some(self.service.recheck_caller(&self.caller).await.map(|()| event));
        }
    }
}

/// Completes when `expires_at` has passed by the service's clock (never, without an expiry). A
/// clock that has not reached it after the wait (a manual clock in tests) is asked again after
/// waiting as long once more.
async fn expiry(service: &Service, expires_at: Option<DateTime<Utc>>) {
    let Some(at) = expires_at else {
        return std::future::pending().await;
    };
    loop {
        let left = (at - service.now()).to_std().unwrap_or_default();
        if left.is_zero() {
            return;
        }
        tokio::time::sleep(left).await;
    }
}

//! Who is calling, and the request they are part of.

use slipway_domain::User;
use slipway_domain::api_key::ApiKey;
use slipway_domain::audit::{Actor, CallerRequestId};

/// The authenticated caller of a use case.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A person or tool signed in with a JWT.
    User(User),
    /// A gateway with an API key (read-only, one project).
    ApiKey(ApiKey),
    /// Slipway itself (background work).
    System,
}

/// The context every use case receives.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Who.
    pub caller: Caller,
    /// The server's id of the request, for correlating the audit log with server logs.
    pub request_id: Option<String>,
    /// The id the caller gave its request, when it was short and plain: recorded next to the
    /// server's id, never in its place.
    pub caller_request_id: Option<CallerRequestId>,
    /// When the caller's credentials stop being valid (a JWT's `exp`); long-lived connections
    /// (watch streams, subscriptions) end then.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Ctx {
    /// A user's request.
    pub fn user(user: User, request_id: Option<String>) -> Self {
        Self {
            caller: Caller::User(user),
            request_id,
            caller_request_id: None,
            expires_at: None,
        }
    }

    /// Background work.
    pub fn system() -> Self {
        Self {
            caller: Caller::System,
            request_id: None,
            caller_request_id: None,
            expires_at: None,
        }
    }

    /// The same caller, whose credentials expire at `at`.
    #[must_use]
    pub fn expiring_at(mut self, at: chrono::DateTime<chrono::Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The same caller, whose request the caller itself identifies as `id` (kept in the audit
    /// log as the caller's request id).
    #[must_use]
    pub fn with_caller_request_id(mut self, id: Option<CallerRequestId>) -> Self {
        self.caller_request_id = id;
        self
    }

    /// The actor recorded in the audit log.
    pub fn actor(&self) -> Actor {
        match &self.caller {
            Caller::User(u) => Actor::User(u.id),
            Caller::ApiKey(k) => Actor::ApiKey(k.id),
            Caller::System => Actor::System,
        }
    }

    /// The signed-in user, if the caller is one.
    pub fn user_ref(&self) -> Option<&User> {
        match &self.caller {
            Caller::User(u) => Some(u),
            _ => None,
        }
    }
}

//! Bearer credentials to callers: a gateway API key (`slw_…`, through the key cache) or a JWT
//! verified by slipway-auth whose subject becomes a user (created on first sight). Signed-in
//! users are remembered by subject, name and email, so a user's requests do not write to the
//! database each time. Every interface (HTTP headers, a WebSocket's `connection_init`) turns its
//! credential into a [`Ctx`] here. With the identity provider's group mapping on, a verified
//! token that carries the groups claim also reconciles the user's provider-granted memberships
//! (see `provider_memberships.rs`) before the request runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use slipway_auth::{AuthError, BearerCredential, JwtVerifier, Principal};
use slipway_domain::User;
use slipway_domain::group_mapping::GroupMapping;

use crate::{Ctx, Service, ServiceError, ServiceResult};

/// What a cached user is found by: subject, name and email (a changed profile is a miss).
type UserKey = (String, Option<String>, Option<String>);

/// Entries kept by the user cache before it starts over.
const USER_CACHE_LIMIT: usize = 10_000;

/// Why a credential gave no caller.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The JWT did not verify; the reason is safe to show its bearer (it names no secret).
    #[error("invalid token: {0}")]
    InvalidToken(AuthError),
    /// The service refused (an unknown or revoked API key) or failed (storage).
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<SessionError> for ServiceError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::InvalidToken(_) => ServiceError::Unauthenticated,
            SessionError::Service(e) => e,
        }
    }
}

/// Turns bearer credentials into callers (see the module docs). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Sessions {
    service: Service,
    verifier: Arc<JwtVerifier>,
    users: Arc<Mutex<HashMap<UserKey, User>>>,
    groups: Option<Arc<GroupMapping>>,
}

impl Sessions {
    /// Sessions of `service`, verifying JWTs with `verifier`.
    pub fn new(service: Service, verifier: JwtVerifier) -> Self {
        Self {
            service,
            verifier: Arc::new(verifier),
            users: Arc::default(),
            groups: None,
        }
    }

    /// Maps the groups claim of verified tokens to project roles with `mapping` (the verifier
    /// must read that claim: see `ClaimNames::groups`).
    #[must_use]
    pub fn with_group_mapping(mut self, mapping: GroupMapping) -> Self {
        self.groups = Some(Arc::new(mapping));
        self
    }

    /// The caller behind `credential`, for the request the server identifies as `request_id`;
    /// a JWT caller expires with its token (`Ctx::expires_at`).
    ///
    /// # Errors
    /// [`SessionError::InvalidToken`] for a JWT that does not verify; the service's
    /// `UNAUTHENTICATED` for an unknown or revoked API key; storage errors.
    pub async fn caller(
        &self,
        credential: BearerCredential<'_>,
        request_id: Option<String>,
    ) -> Result<Ctx, SessionError> {
        match credential {
            BearerCredential::ApiKey(key) => Ok(self.service.authenticate_api_key(key, request_id).await?),
            BearerCredential::Jwt(token) => {
                let (mut principal, expires_at) = self.verifier.verify_session(token).map_err(|e| {
                    tracing::debug!(reason = %e, "JWT rejected");
                    SessionError::InvalidToken(e)
                })?;
                let groups = principal.groups.take();
                let user = self.user(principal).await?;
                let ctx = Ctx::user(user, request_id).expiring_at(expires_at);
                // Only a token that says which groups the user is in changes their memberships.
                if let (Some(mapping), Some(groups)) = (&self.groups, groups) {
                    let grants = mapping.grants(groups.iter().map(String::as_str));
                    self.service.sync_provider_memberships(&ctx, &grants).await?;
                }
                Ok(ctx)
            }
        }
    }

    async fn user(&self, principal: Principal) -> ServiceResult<User> {
        let key: UserKey = (principal.subject, principal.name, principal.email);
        if let Some(user) = self.users.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Ok(user.clone());
        }
        let user = self
            .service
            .user_for_subject(&key.0, key.1.as_deref(), key.2.as_deref())
            .await?;
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        if users.len() >= USER_CACHE_LIMIT {
            users.clear();
        }
        users.insert(key, user.clone());
        Ok(user)
    }
}

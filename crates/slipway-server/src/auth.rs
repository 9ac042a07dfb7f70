//! Who is calling an HTTP endpoint: the `Authorization: Bearer …` header turned into the
//! service's [`Ctx`] — a gateway API key (`slw_…`) or a verified JWT whose subject becomes a
//! user, both through the service's [`Sessions`] — as axum extractors. Each verified caller is
//! counted against its own rate budget, each failed authentication against its address's (see
//! [`rate_limit`](crate::rate_limit)).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use slipway_auth::{AuthError, BearerCredential, JwtVerifier, parse_authorization};
use slipway_domain::group_mapping::GroupMapping;
use slipway_service::{Ctx, Service, ServiceError, ServiceResult, SessionError, Sessions};

use crate::error::ApiError;
use crate::oidc::JwksRefresher;
use crate::rate_limit::{ClientAddress, RateLimits};
use crate::request_id::RequestId;

/// Turns bearer credentials into callers through the service's [`Sessions`] (which verify JWTs
/// and remember their users), counting each against the rate budgets.
#[derive(Debug, Clone)]
pub struct Authenticator {
    sessions: Sessions,
    limits: RateLimits,
    keys: Option<JwksRefresher>,
}

impl Authenticator {
    /// An authenticator over `service`, verifying JWTs with `verifier` and counting callers
    /// against `limits`.
    pub fn new(service: Service, verifier: JwtVerifier, limits: RateLimits) -> Self {
        Self {
            sessions: Sessions::new(service, verifier),
            limits,
            keys: None,
        }
    }

    /// Maps the groups claim of verified tokens to project roles (the identity provider's group
    /// mapping), when configured.
    #[must_use]
    pub fn with_group_mapping(mut self, mapping: Option<GroupMapping>) -> Self {
        if let Some(mapping) = mapping {
            self.sessions = self.sessions.with_group_mapping(mapping);
        }
        self
    }

    /// Lets a token naming an unknown `kid` refresh the identity provider's keys (rate-limited
    /// by the refresher) and verify once more.
    #[must_use]
    pub fn with_key_refresher(mut self, keys: Option<JwksRefresher>) -> Self {
        self.keys = keys;
        self
    }

    /// The caller behind `credential`; a JWT naming an unknown key is tried again after the
    /// refresher had its chance to fetch the provider's current keys.
    async fn session(&self, credential: BearerCredential<'_>, server_id: Option<String>) -> Result<Ctx, SessionError> {
        let first = self.sessions.caller(credential, server_id.clone()).await;
        match (&first, &self.keys) {
            (Err(SessionError::InvalidToken(AuthError::UnknownKey)), Some(keys)) => {
                keys.on_unknown_key().await;
                self.sessions.caller(credential, server_id).await
            }
            _ => first,
        }
    }

    /// The caller behind an `Authorization` header value (`None` when there is none), part of
    /// the request identified by `request` (its server id and the caller's, for the audit log),
    /// sent from `address`. A verified caller is counted against its own budget; a failure
    /// against the address's failed-authentication budget (the key is the verified identity or
    /// the address, never the presented token, so random tokens cannot mint fresh budgets).
    ///
    /// # Errors
    /// `UNAUTHENTICATED` for a header that is not `Bearer <credential>`, an invalid JWT or an
    /// unknown or revoked API key; `RATE_LIMITED` instead once the address has failed too
    /// often, or when the caller's budget is spent.
    pub async fn authenticate(
        &self,
        header: Option<&str>,
        request: Option<&RequestId>,
        address: ClientAddress,
    ) -> Result<Option<Ctx>, ApiError> {
        let Some(header) = header else {
            return Ok(None);
        };
        match self.verify(header, request).await {
            Ok(ctx) => {
                crate::telemetry::record_caller(&ctx);
                self.limits.check_caller(&ctx)?;
                Ok(Some(ctx))
            }
            Err(error) => Err(self.failed(error, address)),
        }
    }

    /// Counts a refused credential against `address`: the refusal itself, or `RATE_LIMITED`
    /// once the address is over its budget. Other failures (the database is down) are not the
    /// client's and pass unchanged.
    fn failed(&self, error: ApiError, address: ClientAddress) -> ApiError {
        if error.status != StatusCode::UNAUTHORIZED {
            return error;
        }
        match self.limits.check_failed_auth(address) {
            Ok(()) => error,
            Err(throttled) => throttled.into(),
        }
    }

    async fn verify(&self, header: &str, request: Option<&RequestId>) -> Result<Ctx, ApiError> {
        let server_id = request.map(|r| r.as_str().to_owned());
        let Some(credential) = parse_authorization(header) else {
            return Err(ApiError::unauthenticated(
                "the Authorization header must be `Bearer <token>` or `Bearer slw_<API key>`",
            ));
        };
        let ctx = match self.session(credential, server_id).await {
            Ok(ctx) => ctx,
            Err(SessionError::InvalidToken(reason)) => {
                return Err(ApiError::unauthenticated(format!("invalid token: {reason}")));
            }
            Err(SessionError::Service(e)) => return Err(e.into()),
        };
        Ok(ctx.with_caller_request_id(caller_id(request)))
    }

    /// The caller behind a bare bearer token (a JWT or an API key), as the service's result:
    /// what a WebSocket's `connection_init` carries, on the connection opened by `request` from
    /// `address`. A token that does not verify counts against the address's
    /// failed-authentication budget, as a refused `Authorization` header does.
    ///
    /// # Errors
    /// `UNAUTHENTICATED` for anything that does not verify.
    pub async fn authenticate_token(
        &self,
        token: &str,
        request: Option<&RequestId>,
        address: ClientAddress,
    ) -> ServiceResult<Ctx> {
        let verified = self.verify_token(token, request).await;
        if matches!(verified, Err(ServiceError::Unauthenticated)) {
            // The connection is refused either way; the count makes the address's next
            // attempts (on any transport) answer 429 once it fails too often.
            let _counted = self.limits.check_failed_auth(address);
        }
        verified
    }

    async fn verify_token(&self, token: &str, request: Option<&RequestId>) -> ServiceResult<Ctx> {
        let server_id = request.map(|r| r.as_str().to_owned());
        let header = format!("Bearer {token}");
        let credential = parse_authorization(&header).ok_or(ServiceError::Unauthenticated)?;
        let ctx = self.session(credential, server_id).await?;
        Ok(ctx.with_caller_request_id(caller_id(request)))
    }

    /// The caller of the request described by `parts` (its address from the connection).
    ///
    /// # Errors
    /// As [`authenticate`](Self::authenticate), and for an `Authorization` header that is not
    /// text.
    pub async fn caller_of(&self, parts: &Parts) -> Result<Option<Ctx>, ApiError> {
        let request = parts.extensions.get::<RequestId>();
        let address = ClientAddress::from_extensions(&parts.extensions);
        let header = match parts.headers.get(AUTHORIZATION) {
            None => None,
            Some(value) => match value.to_str() {
                Ok(text) => Some(text),
                Err(_) => {
                    let error = ApiError::unauthenticated("the Authorization header is not text");
                    return Err(self.failed(error, address));
                }
            },
        };
        self.authenticate(header, request, address).await
    }
}

/// The caller's own id for `request`, when it gave an acceptable one.
fn caller_id(request: Option<&RequestId>) -> Option<slipway_domain::audit::CallerRequestId> {
    request.and_then(RequestId::caller).cloned()
}

/// A caller that presented valid credentials (else the request fails with 401).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Ctx);

impl<S> FromRequestParts<S> for Authenticated
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Authenticator::from_ref(state)
            .caller_of(parts)
            .await?
            .map(Authenticated)
            .ok_or_else(|| ApiError::unauthenticated("send `Authorization: Bearer <token or API key>`"))
    }
}

/// A caller that may be anonymous; credentials that are present must still be valid.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Ctx>);

impl<S> FromRequestParts<S> for MaybeAuthenticated
where
    Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeAuthenticated(
            Authenticator::from_ref(state).caller_of(parts).await?,
        ))
    }
}

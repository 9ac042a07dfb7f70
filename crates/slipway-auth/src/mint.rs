//! Minting HS256 tokens for the embedded default: what `slipway token` calls.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::error::MintError;
use crate::jwt::{Hs256Secret, JwtConfig, VerificationKeys};

/// The longest lifetime a minted token may have.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::days(366);

/// What a minted token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The `sub`: the user the token identifies.
    pub subject: String,
    /// An optional display name (`name`).
    pub name: Option<String>,
    /// An optional email (`email`).
    pub email: Option<String>,
    /// How long the token is valid from `now`.
    pub lifetime: Duration,
    /// The `iss` to put in the token, if any.
    pub issuer: Option<String>,
    /// The `aud` to put in the token, if any.
    pub audience: Option<String>,
}

impl TokenRequest {
    /// A request for `subject` with `lifetime` and nothing else.
    pub fn new(subject: impl Into<String>, lifetime: Duration) -> Self {
        TokenRequest {
            subject: subject.into(),
            name: None,
            email: None,
            lifetime,
            issuer: None,
            audience: None,
        }
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
    iat: i64,
    exp: i64,
}

/// Signs an HS256 token for `request`, issued at `now`.
///
/// # Errors
/// [`MintError::InvalidRequest`] for an empty subject or a lifetime that is not positive or
/// longer than [`MAX_TOKEN_LIFETIME`]; [`MintError::Signing`] if signing fails.
pub fn mint_hs256(secret: &Hs256Secret, request: &TokenRequest, now: DateTime<Utc>) -> Result<String, MintError> {
    if request.subject.trim().is_empty() {
        return Err(MintError::InvalidRequest {
            reason: "the subject is empty",
        });
    }
    if request.lifetime <= Duration::zero() || request.lifetime > MAX_TOKEN_LIFETIME {
        return Err(MintError::InvalidRequest {
            reason: "the lifetime must be positive and at most 366 days",
        });
    }
    let claims = Claims {
        sub: &request.subject,
        name: request.name.as_deref(),
        email: request.email.as_deref(),
        iss: request.issuer.as_deref(),
        aud: request.audience.as_deref(),
        iat: now.timestamp(),
        exp: (now + request.lifetime).timestamp(),
    };
    let key = EncodingKey::from_secret(secret.bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).map_err(|_| MintError::Signing)
}

impl JwtConfig {
    /// Mints an HS256 token that this configuration accepts: the request's issuer and audience
    /// default to the configured ones.
    ///
    /// # Errors
    /// [`MintError::NotHs256`] when the configuration verifies RS256/ES256 tokens (Slipway never
    /// holds an identity provider's private key), else as [`mint_hs256`].
    pub fn mint(&self, request: &TokenRequest, now: DateTime<Utc>) -> Result<String, MintError> {
        let VerificationKeys::Hs256(secret) = self.keys() else {
            return Err(MintError::NotHs256);
        };
        let mut request = request.clone();
        request.issuer = request.issuer.or_else(|| self.issuer().map(str::to_owned));
        request.audience = request.audience.or_else(|| self.audience().map(str::to_owned));
        mint_hs256(secret, &request, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::JwtVerifier;
    use crate::principal::Principal;

    #[test]
    fn minted_tokens_verify_with_the_same_config() {
        let config = JwtConfig::hs256(Hs256Secret::generate())
            .with_issuer("slipway")
            .with_audience("slipway-api");
        let mut request = TokenRequest::new("alice", Duration::hours(1));
        request.name = Some("Alice".into());
        request.email = Some("alice@example.com".into());
        let token = config.mint(&request, Utc::now()).unwrap();
        let principal = JwtVerifier::new(config).verify(&token).unwrap();
        assert_eq!(
            principal,
            Principal {
                subject: "alice".into(),
                name: Some("Alice".into()),
                email: Some("alice@example.com".into()),
                groups: None,
            }
        );
    }

    #[test]
    fn bad_requests_are_refused() {
        let secret = Hs256Secret::generate();
        let now = Utc::now();
        for request in [
            TokenRequest::new(" ", Duration::hours(1)),
            TokenRequest::new("alice", Duration::zero()),
            TokenRequest::new("alice", Duration::days(400)),
        ] {
            assert!(matches!(
                mint_hs256(&secret, &request, now),
                Err(MintError::InvalidRequest { .. })
            ));
        }
    }

    #[test]
    fn minted_tokens_expire() {
        let config = JwtConfig::hs256(Hs256Secret::generate());
        let issued = Utc::now() - Duration::hours(2);
        let token = config
            .mint(&TokenRequest::new("alice", Duration::hours(1)), issued)
            .unwrap();
        assert_eq!(JwtVerifier::new(config).verify(&token), Err(crate::AuthError::Expired));
    }
}

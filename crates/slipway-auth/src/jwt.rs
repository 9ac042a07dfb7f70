//! Verifying bearer JWTs: the configuration (algorithm pinned, keys, issuer, audience, leeway,
//! which claims name the user) and the verifier that turns a token into a [`Principal`].

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use slipway_domain::text::charset::{self, Lines};

use crate::error::{AuthError, ConfigError};
use crate::key_cache::DiscoveredKeys;
use crate::keys::{AsymmetricAlgorithm, KeyLookup, KeySet};
use crate::principal::Principal;
use crate::secret_file::{LoadedSecret, load_or_generate};

/// The default allowance for clock skew when checking `exp` and `nbf`.
pub const DEFAULT_LEEWAY_SECONDS: u64 = 30;
/// The largest accepted leeway: more would make `exp` meaningless.
pub const MAX_LEEWAY_SECONDS: u64 = 300;
/// The shortest accepted HS256 secret, in bytes (RFC 7518 §3.2: at least the hash size).
pub const MIN_HS256_SECRET_BYTES: usize = 32;
/// The file name of the generated HS256 secret in the data directory.
pub const JWT_SECRET_FILE: &str = "jwt-secret";

/// Tokens longer than this are refused before any parsing.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Subjects longer than this are refused (they become stored user identities).
const MAX_SUBJECT_CHARS: usize = 255;
/// Longer `name` or `email` claims are dropped rather than stored.
const MAX_PROFILE_CHARS: usize = 320;

/// The shared secret of the HS256 embedded default: at least
/// [`MIN_HS256_SECRET_BYTES`] bytes, used as the UTF-8 bytes of the configured string.
#[derive(Clone)]
pub struct Hs256Secret(SecretString);

impl Hs256Secret {
    /// Wraps a configured secret.
    ///
    /// # Errors
    /// [`ConfigError::InvalidSetting`] when it is shorter than [`MIN_HS256_SECRET_BYTES`].
    pub fn new(secret: SecretString) -> Result<Self, ConfigError> {
        if secret.expose_secret().len() < MIN_HS256_SECRET_BYTES {
            return Err(ConfigError::InvalidSetting {
                setting: "JWT secret",
                reason: "must be at least 32 bytes long",
            });
        }
        Ok(Hs256Secret(secret))
    }

    /// A fresh random secret: 32 random bytes, base64-encoded (44 characters).
    pub fn generate() -> Self {
        Hs256Secret(SecretString::from(crate::random::base64_secret(32, false).as_str()))
    }

    /// The secret itself.
    pub fn expose(&self) -> &SecretString {
        &self.0
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}

impl fmt::Debug for Hs256Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hs256Secret([REDACTED])")
    }
}

/// Loads the HS256 secret from `<data_dir>/jwt-secret`, generating it (mode 0600, 32 random
/// bytes in base64) on first use, so that `slipway serve` and `slipway token` share it.
///
/// # Errors
/// [`ConfigError::Io`] when the file cannot be read or written, [`ConfigError::InvalidSetting`]
/// when an existing file holds a secret that is too short.
pub fn load_or_generate_jwt_secret(data_dir: &Path) -> Result<LoadedSecret<Hs256Secret>, ConfigError> {
    load_or_generate(
        &data_dir.join(JWT_SECRET_FILE),
        || crate::random::base64_secret(32, true),
        |text| Hs256Secret::new(SecretString::from(text.trim())),
    )
}

/// The verification keys, which also pin the algorithm.
#[derive(Debug, Clone)]
pub enum VerificationKeys {
    /// HS256 with the shared secret (the embedded default).
    Hs256(Hs256Secret),
    /// RS256 or ES256 with public keys from a PEM or a JWKS file (an identity provider).
    Asymmetric(KeySet),
    /// RS256 or ES256, each key pinned to its own algorithm, from the JWKS an OpenID Connect
    /// issuer publishes (refreshed by the server while the verifier runs).
    Discovered(DiscoveredKeys),
}

/// Which claims of a token name the user: `sub`, `name` and `email` unless configured otherwise
/// (an identity provider may put a stable id or a display name elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    /// The claim holding the user's stable identity (the subject Slipway stores).
    pub subject: String,
    /// The claim holding the display name.
    pub name: String,
    /// The claim holding the email address.
    pub email: String,
    /// The claim holding the user's groups (an array of strings, or one string), read only when
    /// configured: the identity provider's group mapping is off without it.
    pub groups: Option<String>,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            subject: "sub".to_owned(),
            name: "name".to_owned(),
            email: "email".to_owned(),
            groups: None,
        }
    }
}

/// How bearer JWTs are verified. Built once from configuration.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    keys: VerificationKeys,
    issuer: Option<String>,
    audience: Option<String>,
    leeway_seconds: u64,
    claims: ClaimNames,
}

impl JwtConfig {
    /// HS256 with a shared secret, no issuer or audience check, the default leeway.
    pub fn hs256(secret: Hs256Secret) -> Self {
        Self::new(VerificationKeys::Hs256(secret))
    }

    /// RS256/ES256 (as pinned by the key set), no issuer or audience check, the default leeway.
    pub fn asymmetric(keys: KeySet) -> Self {
        Self::new(VerificationKeys::Asymmetric(keys))
    }

    /// The given keys, no issuer or audience check, the default leeway.
    pub fn new(keys: VerificationKeys) -> Self {
        JwtConfig {
            keys,
            issuer: None,
            audience: None,
            leeway_seconds: DEFAULT_LEEWAY_SECONDS,
            claims: ClaimNames::default(),
        }
    }

    /// Takes the user's identity, display name and email from these claims.
    ///
    /// # Errors
    /// [`ConfigError::InvalidSetting`] when a name is empty.
    pub fn with_claim_names(mut self, claims: ClaimNames) -> Result<Self, ConfigError> {
        if [&claims.subject, &claims.name, &claims.email]
            .into_iter()
            .chain(&claims.groups)
            .any(|c| c.trim().is_empty())
        {
            return Err(ConfigError::InvalidSetting {
                setting: "JWT claim names",
                reason: "must not be empty",
            });
        }
        self.claims = claims;
        Ok(self)
    }

    /// The claims that name the user.
    pub fn claim_names(&self) -> &ClaimNames {
        &self.claims
    }

    /// Requires `iss` to equal `issuer`.
    #[must_use]
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Requires `aud` to be (or contain) `audience`.
    #[must_use]
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Sets the allowance for clock skew on `exp` and `nbf`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidSetting`] above [`MAX_LEEWAY_SECONDS`].
    pub fn with_leeway_seconds(mut self, seconds: u64) -> Result<Self, ConfigError> {
        if seconds > MAX_LEEWAY_SECONDS {
            return Err(ConfigError::InvalidSetting {
                setting: "JWT leeway",
                reason: "must be at most 300 seconds",
            });
        }
        self.leeway_seconds = seconds;
        Ok(self)
    }

    /// The pinned algorithm's JOSE name (`HS256`, `RS256`, `ES256`), or `RS256/ES256` when each
    /// key pins its own.
    pub fn algorithm_name(&self) -> &'static str {
        match &self.keys {
            VerificationKeys::Hs256(_) => "HS256",
            VerificationKeys::Asymmetric(keys) => keys.algorithm().map_or("RS256/ES256", AsymmetricAlgorithm::as_str),
            VerificationKeys::Discovered(_) => "RS256/ES256",
        }
    }

    /// The verification keys.
    pub fn keys(&self) -> &VerificationKeys {
        &self.keys
    }

    /// The required issuer, if configured.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The required audience, if configured.
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    /// The leeway on `exp` and `nbf`, in seconds.
    pub fn leeway_seconds(&self) -> u64 {
        self.leeway_seconds
    }

    /// The one algorithm every token must use, if the keys pin a single one.
    fn pinned_algorithm(&self) -> Option<Algorithm> {
        match &self.keys {
            VerificationKeys::Hs256(_) => Some(Algorithm::HS256),
            VerificationKeys::Asymmetric(keys) => keys.algorithm().map(AsymmetricAlgorithm::jwt_algorithm),
            VerificationKeys::Discovered(_) => None,
        }
    }
}

/// Verifies bearer JWTs against a [`JwtConfig`]. Cheap to share (`Arc`) across requests.
#[derive(Clone)]
pub struct JwtVerifier {
    config: JwtConfig,
    /// The single algorithm a token's header must name, when the keys pin one; otherwise the
    /// key the `kid` selects decides.
    pinned: Option<Algorithm>,
    /// One validation per algorithm a key may verify, each listing only that algorithm.
    validations: HashMap<Algorithm, Validation>,
    hs256_key: Option<DecodingKey>,
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    /// Prepares verification for `config`.
    pub fn new(config: JwtConfig) -> Self {
        let pinned = config.pinned_algorithm();
        let algorithms = match pinned {
            Some(algorithm) => vec![algorithm],
            None => vec![Algorithm::RS256, Algorithm::ES256],
        };
        let validations = algorithms
            .into_iter()
            .map(|algorithm| (algorithm, validation(&config, algorithm)))
            .collect();
        let hs256_key = match &config.keys {
            VerificationKeys::Hs256(secret) => Some(DecodingKey::from_secret(secret.bytes())),
            VerificationKeys::Asymmetric(_) | VerificationKeys::Discovered(_) => None,
        };
        JwtVerifier {
            config,
            pinned,
            validations,
            hs256_key,
        }
    }

    /// The configuration this verifier applies.
    pub fn config(&self) -> &JwtConfig {
        &self.config
    }

    /// Verifies `token` (without the `Bearer ` prefix) and returns who it identifies.
    ///
    /// # Errors
    /// An [`AuthError`] naming the first check that failed.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        self.verify_session(token).map(|(principal, _)| principal)
    }

    /// As [`JwtVerifier::verify`], also returning when the token expires (its `exp`), so that a
    /// long-lived connection opened with it can end when it does.
    ///
    /// # Errors
    /// As [`JwtVerifier::verify`].
    pub fn verify_session(&self, token: &str) -> Result<(Principal, chrono::DateTime<chrono::Utc>), AuthError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::Malformed {
                reason: "token too long",
            });
        }
        // Only `alg`, `kid` and `crit` of the header are ever read: `jku`, `x5u`, `x5c` and an
        // embedded `jwk` would let the token choose its own key, and are ignored.
        let header = jsonwebtoken::decode_header(token).map_err(map_error)?;
        if !self.validations.contains_key(&header.alg) || self.pinned.is_some_and(|p| p != header.alg) {
            return Err(AuthError::AlgorithmMismatch);
        }
        // RFC 7515 §4.1.11: a recipient must reject critical extensions it does not understand,
        // and Slipway understands none.
        if header.crit.is_some() {
            return Err(AuthError::Malformed {
                reason: "critical header extensions are not supported",
            });
        }
        let discovered;
        let key_set = match (&self.hs256_key, &self.config.keys) {
            (Some(_), _) => None,
            (None, VerificationKeys::Asymmetric(keys)) => Some(keys),
            (None, VerificationKeys::Discovered(cell)) => {
                discovered = cell.current().ok_or(AuthError::UnknownKey)?;
                Some(&*discovered)
            }
            (None, VerificationKeys::Hs256(_)) => return Err(AuthError::KeyRejected),
        };
        let key = match (&self.hs256_key, key_set) {
            (Some(key), _) => key,
            (None, Some(keys)) => match keys.lookup(header.kid.as_deref()) {
                // Each key verifies its own algorithm only: an RSA key never checks an ES256
                // signature, whatever the token's header says.
                KeyLookup::Found(key, algorithm) if algorithm.jwt_algorithm() == header.alg => key,
                KeyLookup::Found(..) => return Err(AuthError::AlgorithmMismatch),
                KeyLookup::Unknown => return Err(AuthError::UnknownKey),
            },
            (None, None) => return Err(AuthError::KeyRejected),
        };
        let validation = self.validations.get(&header.alg).ok_or(AuthError::AlgorithmMismatch)?;
        let data = jsonwebtoken::decode::<Value>(token, key, validation).map_err(map_error)?;
        // The library accepts an `iss` array that contains the issuer; an issuer is one string.
        if let Some(issuer) = &self.config.issuer
            && data.claims.get("iss").and_then(Value::as_str) != Some(issuer.as_str())
        {
            return Err(AuthError::WrongIssuer);
        }
        let expires_at = data
            .claims
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|exp| chrono::DateTime::from_timestamp(exp, 0))
            .ok_or(AuthError::MissingClaim { claim: "exp" })?;
        Ok((principal_from_claims(&data.claims, &self.config.claims)?, expires_at))
    }
}

/// The library's validation for tokens of `algorithm` under `config`. Its algorithm list has
/// exactly one entry: the token's `alg` never chooses anything.
fn validation(config: &JwtConfig, algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = config.leeway_seconds;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    let mut required = vec!["exp"];
    if config.claims.subject == "sub" {
        required.push("sub");
    }
    if let Some(issuer) = &config.issuer {
        validation.set_issuer(&[issuer]);
        required.push("iss");
    }
    match &config.audience {
        Some(audience) => {
            validation.set_audience(&[audience]);
            validation.validate_aud = true;
            required.push("aud");
        }
        // Without a configured audience there is nothing to compare `aud` with; the library
        // would otherwise reject every token that carries one.
        None => validation.validate_aud = false,
    }
    validation.set_required_spec_claims(&required);
    validation
}

fn principal_from_claims(claims: &Value, names: &ClaimNames) -> Result<Principal, AuthError> {
    // Errors name `sub` for the default claim; a configured one is "the subject claim".
    let label = if names.subject == "sub" { "sub" } else { "subject claim" };
    let subject = match claims.get(&names.subject) {
        Some(Value::String(s)) => s,
        Some(_) => return Err(AuthError::InvalidClaim { claim: label }),
        None => return Err(AuthError::MissingClaim { claim: label }),
    };
    if subject.trim().is_empty() || subject.chars().count() > MAX_SUBJECT_CHARS || subject.chars().any(char::is_control)
    {
        return Err(AuthError::InvalidClaim { claim: label });
    }
    let profile = |claim: &str| {
        claims
            .get(claim)
            .and_then(Value::as_str)
            .map(str::trim)
            // A display name or email is shown to other members: held to the domain's rules
            // for one-line human text (no control, bidirectional or invisible characters).
            // One that breaks them is dropped rather than refusing the whole token.
            .filter(|s| {
                !s.is_empty()
                    && s.chars().count() <= MAX_PROFILE_CHARS
                    && charset::check(claim, s, Lines::Single).is_ok()
            })
            .map(str::to_owned)
    };
    Ok(Principal {
        subject: subject.clone(),
        name: profile(&names.name),
        email: profile(&names.email),
        groups: names.groups.as_deref().and_then(|claim| groups(claims.get(claim)?)),
    })
}

/// The groups a claim holds: an array's strings (other items are skipped) or one string. Any
/// other value is treated as no claim at all, so a provider's odd format never empties a user's
/// groups by accident.
fn groups(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(group) => Some(vec![group.clone()]),
        Value::Array(items) => Some(items.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
        _ => None,
    }
}

fn map_error(error: jsonwebtoken::errors::Error) -> AuthError {
    match error.kind() {
        ErrorKind::InvalidSignature => AuthError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => AuthError::AlgorithmMismatch,
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) => AuthError::MissingClaim {
            claim: claim_name(claim),
        },
        ErrorKind::InvalidClaimFormat(claim) => AuthError::InvalidClaim {
            claim: claim_name(claim),
        },
        ErrorKind::InvalidSubject => AuthError::InvalidClaim { claim: "sub" },
        ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat
        | ErrorKind::UnsupportedAlgorithm
        | ErrorKind::Provider(_) => AuthError::KeyRejected,
        ErrorKind::Base64(_) => AuthError::Malformed {
            reason: "invalid base64",
        },
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => AuthError::Malformed {
            reason: "invalid header or claims (unsupported `alg`, or not a JSON object)",
        },
        _ => AuthError::Malformed { reason: "not a JWT" },
    }
}

fn claim_name(claim: &str) -> &'static str {
    match claim {
        "exp" => "exp",
        "nbf" => "nbf",
        "iss" => "iss",
        "aud" => "aud",
        "sub" => "sub",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused() {
        assert!(Hs256Secret::new(SecretString::from("short")).is_err());
        assert!(Hs256Secret::new(SecretString::from("x".repeat(32))).is_ok());
        assert!(Hs256Secret::generate().bytes().len() >= MIN_HS256_SECRET_BYTES);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Hs256Secret::new(SecretString::from("s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t")).unwrap();
        let config = JwtConfig::hs256(secret).with_issuer("iss");
        let verifier = JwtVerifier::new(config.clone());
        for debug in [format!("{config:?}"), format!("{verifier:?}")] {
            assert!(!debug.contains("s3cr3t"), "{debug}");
            assert!(debug.contains("REDACTED"), "{debug}");
        }
    }

    #[test]
    fn leeway_is_bounded() {
        let config = JwtConfig::hs256(Hs256Secret::generate());
        assert_eq!(config.leeway_seconds(), DEFAULT_LEEWAY_SECONDS);
        assert!(config.clone().with_leeway_seconds(301).is_err());
        assert_eq!(config.with_leeway_seconds(5).unwrap().leeway_seconds(), 5);
    }

    #[test]
    fn generated_secret_file_is_shared_and_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate_jwt_secret(dir.path()).unwrap();
        assert!(first.created);
        let second = load_or_generate_jwt_secret(dir.path()).unwrap();
        assert!(!second.created);
        assert_eq!(
            first.value.expose().expose_secret(),
            second.value.expose().expose_secret()
        );
        let mode = std::fs::metadata(dir.path().join(JWT_SECRET_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn oversized_tokens_are_refused_before_parsing() {
        let verifier = JwtVerifier::new(JwtConfig::hs256(Hs256Secret::generate()));
        let token = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(
            verifier.verify(&token),
            Err(AuthError::Malformed {
                reason: "token too long"
            })
        );
    }
}

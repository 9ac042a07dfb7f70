//! Gateway API keys: generating the secret (`slw_` + base64url of 32 random bytes), hashing it
//! for storage, checking a presented key, and deciding what a stored key may read.
//!
//! Only the SHA-256 hash and a short display prefix are stored; the full key is shown once. A
//! presented key is hashed and the hash looked up (an index lookup leaks nothing useful: the
//! hash of a 256-bit random secret), then [`verify_api_key`] confirms in constant time.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use slipway_domain::api_key::ApiKey;
use slipway_domain::{EnvironmentId, ProjectId};
use subtle::ConstantTimeEq;

use crate::error::ApiKeyError;

/// Every Slipway API key starts with this.
pub const API_KEY_PREFIX: &str = "slw_";
/// Random bytes in a generated key.
pub const API_KEY_RANDOM_BYTES: usize = 32;
/// How many leading characters of a key are kept to recognize it (`slw_` + 8).
pub const DISPLAY_PREFIX_CHARS: usize = 12;

/// Fewest and most random bytes a presented key may carry (generated keys have 32).
const MIN_RANDOM_BYTES: usize = 32;
const MAX_RANDOM_BYTES: usize = 64;

/// A freshly generated key: the secret to show once, and what to store.
pub struct GeneratedApiKey {
    /// The full key (`slw_…`), to show to its creator once and never store.
    pub secret: SecretString,
    /// The hex SHA-256 of the full key, to store and look keys up by.
    pub hash: String,
    /// The first [`DISPLAY_PREFIX_CHARS`] characters, to store and show in lists.
    pub display_prefix: String,
}

impl fmt::Debug for GeneratedApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedApiKey")
            .field("secret", &"[REDACTED]")
            .field("hash", &self.hash)
            .field("display_prefix", &self.display_prefix)
            .finish()
    }
}

/// Generates a new API key from the operating system's random generator.
pub fn generate_api_key() -> GeneratedApiKey {
    let body = crate::random::base64url_secret(API_KEY_RANDOM_BYTES);
    let mut full = String::with_capacity(API_KEY_PREFIX.len() + body.len());
    full.push_str(API_KEY_PREFIX);
    full.push_str(&body);
    let secret = SecretString::from(full);
    let key = secret.expose_secret();
    GeneratedApiKey {
        hash: sha256_hex(key),
        display_prefix: display_prefix(key),
        secret,
    }
}

/// The stored form of a presented key: its hex SHA-256, or `None` when the text is not shaped
/// like a Slipway API key (wrong prefix, characters outside base64url, too short or too long),
/// so malformed input never reaches the store.
pub fn hash_api_key(presented: &str) -> Option<String> {
    is_well_formed(presented).then(|| sha256_hex(presented))
}

/// Whether `presented` is the key whose stored hash is `stored_hash`, compared in constant time.
pub fn verify_api_key(presented: &str, stored_hash: &str) -> bool {
    match hash_api_key(presented) {
        Some(hash) => bool::from(hash.as_bytes().ct_eq(stored_hash.as_bytes())),
        None => false,
    }
}

/// The display prefix of a key (its first [`DISPLAY_PREFIX_CHARS`] characters).
pub fn display_prefix(key: &str) -> String {
    key.chars().take(DISPLAY_PREFIX_CHARS).collect()
}

/// Whether `key` (already found by its hash) may read `environment` of `project`. Resolution
/// is the only thing a key can do, so there is no permission to ask about.
///
/// # Errors
/// [`ApiKeyError::Revoked`] for a revoked key; [`ApiKeyError::NotFound`] when the key belongs to
/// another project (the project does not exist for it); [`ApiKeyError::EnvironmentNotAllowed`]
/// when the key is limited to other environments.
pub fn authorize_api_key(key: &ApiKey, project: ProjectId, environment: EnvironmentId) -> Result<(), ApiKeyError> {
    authorize_api_key_for_project(key, project)?;
    if !key.environments.is_empty() && !key.environments.contains(&environment) {
        return Err(ApiKeyError::EnvironmentNotAllowed);
    }
    Ok(())
}

/// Whether `key` may read `project` at all (before an environment is known, e.g. to pick the
/// gateway fallback).
///
/// # Errors
/// [`ApiKeyError::Revoked`] or [`ApiKeyError::NotFound`], as for [`authorize_api_key`].
pub fn authorize_api_key_for_project(key: &ApiKey, project: ProjectId) -> Result<(), ApiKeyError> {
    if key.revoked_at.is_some() {
        return Err(ApiKeyError::Revoked);
    }
    if key.project_id != project {
        return Err(ApiKeyError::NotFound);
    }
    Ok(())
}

fn is_well_formed(presented: &str) -> bool {
    let Some(body) = presented.strip_prefix(API_KEY_PREFIX) else {
        return false;
    };
    // Lengths of unpadded base64 for 32..=64 bytes; checked before decoding so that huge input
    // costs nothing.
    let min_len = (MIN_RANDOM_BYTES * 4).div_ceil(3);
    let max_len = (MAX_RANDOM_BYTES * 4).div_ceil(3);
    if body.len() < min_len || body.len() > max_len {
        return false;
    }
    if !body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return false;
    }
    URL_SAFE_NO_PAD
        .decode(body)
        .is_ok_and(|raw| (MIN_RANDOM_BYTES..=MAX_RANDOM_BYTES).contains(&raw.len()))
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_the_documented_shape() {
        let key = generate_api_key();
        let secret = key.secret.expose_secret();
        assert!(secret.starts_with("slw_"));
        assert_eq!(secret.len(), 4 + 43);
        assert_eq!(key.display_prefix, &secret[..12]);
        assert_eq!(key.hash.len(), 64);
        assert_eq!(hash_api_key(secret).as_deref(), Some(key.hash.as_str()));
        assert!(verify_api_key(secret, &key.hash));
        assert_ne!(generate_api_key().hash, key.hash, "keys are random");
    }

    #[test]
    fn malformed_keys_never_hash() {
        let key = generate_api_key();
        let secret = key.secret.expose_secret();
        let body = &secret[4..];
        for bad in [
            String::new(),
            body.to_owned(),
            format!("slk_{body}"),
            format!("SLW_{body}"),
            format!("slw_{}", &body[..40]),
            format!("slw_{}!", &body[..42]),
            format!("slw_{body}="),
            format!("slw_{}", "A".repeat(1000)),
            format!("{secret} "),
        ] {
            assert_eq!(hash_api_key(&bad), None, "{bad:?}");
            assert!(!verify_api_key(&bad, &key.hash));
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let key = generate_api_key();
        let debug = format!("{key:?}");
        assert!(!debug.contains(&key.secret.expose_secret()[12..]), "{debug}");
        assert!(debug.contains("REDACTED"));
    }
}

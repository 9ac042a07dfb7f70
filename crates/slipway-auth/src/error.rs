//! The error types of this crate, one per concern. No message ever contains a token, a key or a
//! secret: only which check failed.

use std::path::PathBuf;

use slipway_domain::Permission;
use thiserror::Error;

/// Why a bearer token (JWT) was rejected. Every case means "unauthenticated" to a client; the
/// distinction is for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    /// The token is not a well-formed JWT (shape, base64, JSON, header, unsupported `alg` such
    /// as `none`, or a `crit` header).
    #[error("malformed token: {reason}")]
    Malformed {
        /// Which part was wrong.
        reason: &'static str,
    },
    /// The token's `alg` is not the algorithm pinned by configuration.
    #[error("the token's algorithm is not the configured one")]
    AlgorithmMismatch,
    /// The token names no key this server knows (`kid` missing or unknown).
    #[error("the token's key id is missing or unknown")]
    UnknownKey,
    /// The signature does not verify with the selected key.
    #[error("the token's signature does not verify")]
    BadSignature,
    /// The configured key could not be used to verify the token (a configuration problem).
    #[error("the configured key could not verify the token")]
    KeyRejected,
    /// `exp` is in the past (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// A required claim is absent (or not of the required type).
    #[error("the token lacks the required claim `{claim}`")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// A claim is present but unusable (wrong type, empty, too long).
    #[error("the token's claim `{claim}` is invalid")]
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// `iss` is not the configured issuer.
    #[error("the token's issuer is not accepted")]
    WrongIssuer,
    /// `aud` is not (or does not contain) the configured audience.
    #[error("the token's audience is not accepted")]
    WrongAudience,
}

/// Why a presented gateway API key does not grant what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ApiKeyError {
    /// Not shaped like a Slipway API key (`slw_` + base64url of 32–64 random bytes).
    #[error("malformed API key")]
    Malformed,
    /// No stored key matches (unknown or wrong secret).
    #[error("unknown API key")]
    Unknown,
    /// The key was revoked.
    #[error("the API key has been revoked")]
    Revoked,
    /// The key belongs to another project: for this key, the asked project does not exist.
    #[error("not found")]
    NotFound,
    /// The key may not read the asked environment.
    #[error("the API key may not read this environment")]
    EnvironmentNotAllowed,
}

impl ApiKeyError {
    /// Whether the caller is unauthenticated (as opposed to authenticated but refused): the
    /// service maps these cases to `UNAUTHENTICATED`, [`ApiKeyError::NotFound`] to `NOT_FOUND`
    /// and [`ApiKeyError::EnvironmentNotAllowed`] to `FORBIDDEN`.
    pub const fn is_unauthenticated(self) -> bool {
        matches!(
            self,
            ApiKeyError::Malformed | ApiKeyError::Unknown | ApiKeyError::Revoked
        )
    }
}

/// Why an authenticated caller may not do something in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum AccessDenied {
    /// The caller cannot see the project (no role, or a role without `project:view`): the
    /// project and everything in it do not exist for them.
    #[error("not found")]
    NotFound,
    /// The caller sees the project but lacks a permission.
    #[error("missing permission {permission}")]
    Forbidden {
        /// The permission that was missing.
        permission: Permission,
    },
    /// The caller sees the project (or organization) but a rule that is not a single permission
    /// reserves the action to others.
    #[error("{rule}")]
    Restricted {
        /// The rule, as a sentence ("only owners may grant or revoke the owner role").
        rule: &'static str,
    },
}

/// A configuration or key-material problem found while loading keys, secrets or key files.
/// The binary turns these into a refusal to start.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// Key material could not be used.
    #[error("invalid {what}: {reason}")]
    InvalidKey {
        /// Which setting (`JWT public key`, `JWKS`, `credential keyring`, …).
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting has an unusable value.
    #[error("invalid {setting}: {reason}")]
    InvalidSetting {
        /// The setting's name.
        setting: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Production mode was asked for without a credential encryption key.
    #[error("no credential encryption key configured (production mode refuses to generate one)")]
    MissingCredentialKey,
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Why a JWT could not be minted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MintError {
    /// The request is unusable (empty subject, non-positive lifetime, …).
    #[error("invalid token request: {reason}")]
    InvalidRequest {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The configuration cannot mint tokens (only the HS256 embedded default can).
    #[error("tokens can only be minted with an HS256 secret")]
    NotHs256,
    /// Signing failed.
    #[error("the token could not be signed")]
    Signing,
}

/// Why a provider credential could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// The ciphertext names a key version the keyring does not hold.
    #[error("no credential key with version {version}")]
    UnknownKeyVersion {
        /// The version named by the ciphertext.
        version: u32,
    },
    /// Authentication failed: the ciphertext was altered, or it belongs to another project or
    /// credential (associated data mismatch). The two cannot be told apart, by design.
    #[error("the credential does not decrypt (tampered or bound to another project or credential)")]
    Decryption,
    /// The stored bytes are not a sealed credential.
    #[error("malformed sealed credential")]
    Malformed,
    /// Encryption failed (not expected to happen).
    #[error("the credential could not be encrypted")]
    Encryption,
    /// The decrypted plaintext is not UTF-8.
    #[error("the decrypted credential is not UTF-8")]
    NotUtf8,
}

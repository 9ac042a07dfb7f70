//! Slipway's authentication and authorization: who is calling, and what they may do.
//!
//! * **People and tools** present a JWT ([`JwtVerifier`]): HS256 with a configured secret for the
//!   embedded default ([`Hs256Secret`], [`load_or_generate_jwt_secret`], minted by
//!   [`mint_hs256`] for `slipway token`), or RS256/ES256 with a PEM or JWKS [`KeySet`] for an
//!   identity provider, or from the JWKS an OpenID Connect [`Issuer`] publishes
//!   ([`DiscoveredKeys`], refreshed by the server; [`RefreshGate`] rate-limits the fetches an
//!   unknown `kid` causes). The algorithm is pinned by configuration or per key; keys are chosen
//!   by `kid` from a map, never fetched from a URL a token names. A verified token becomes a
//!   [`Principal`].
//! * **Gateways** present an API key (`slw_…`, [`generate_api_key`], [`hash_api_key`],
//!   [`authorize_api_key`]): stored hashed, bound to one project and optionally to environments.
//! * **Authorization** ([`ProjectAccess`], [`require`]) is pure functions over the domain's
//!   roles and permissions; a caller who cannot view a project gets not-found.
//! * **Provider credentials** are encrypted at rest with a versioned [`CredentialKeyring`]
//!   (XChaCha20-Poly1305, bound to project and credential id), loaded by
//!   [`load_credential_keyring`].
//! * **Webhook deliveries** are signed per Standard Webhooks ([`webhook::WebhookSecret`],
//!   [`webhook::signature_header`]).
//!
//! The crate does no network IO and keeps every secret in `secrecy` types: `Debug` output never
//! shows key material, and error messages never contain tokens or secrets.

pub mod api_key;
pub mod authorize;
pub mod crypto;
pub mod discovery;
mod error;
pub mod jwt;
pub mod key_cache;
pub mod keyring;
pub mod keys;
pub mod mint;
pub mod principal;
mod random;
pub mod secret_file;
pub mod webhook;

pub use api_key::{
    GeneratedApiKey, authorize_api_key, authorize_api_key_for_project, generate_api_key, hash_api_key, verify_api_key,
};
pub use authorize::{ProjectAccess, require, require_all};
pub use crypto::{CredentialKey, CredentialKeyring, EncryptedCredential};
pub use discovery::Issuer;
pub use error::{AccessDenied, ApiKeyError, AuthError, ConfigError, CryptoError, MintError};
pub use jwt::{ClaimNames, Hs256Secret, JwtConfig, JwtVerifier, VerificationKeys, load_or_generate_jwt_secret};
pub use key_cache::{DiscoveredKeys, RefreshGate};
pub use keyring::{CredentialKeySource, load_credential_keyring};
pub use keys::{AsymmetricAlgorithm, KeySet};
pub use mint::{TokenRequest, mint_hs256};
pub use principal::{BearerCredential, Principal, parse_authorization};
pub use secret_file::{InsecurePermissions, LoadedSecret};

//! Public keys for RS256/ES256 tokens, from one PEM or from a JWKS document. Keys are looked up
//! by `kid` in a map built at load time, each pinned to one algorithm (the configured one, or for
//! a discovered JWKS the one its `alg`/`kty` allows); nothing is ever fetched from a token
//! (`jku`, `x5u` and embedded `jwk` headers are ignored).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, KeyOperations, PublicKeyUse};

use crate::error::ConfigError;
use crate::secret_file::read_small_file;

/// The asymmetric algorithms Slipway accepts, one of which is pinned by configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AsymmetricAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
}

impl AsymmetricAlgorithm {
    /// The JOSE name (`RS256`, `ES256`).
    pub const fn as_str(self) -> &'static str {
        match self {
            AsymmetricAlgorithm::Rs256 => "RS256",
            AsymmetricAlgorithm::Es256 => "ES256",
        }
    }

    pub(crate) const fn jwt_algorithm(self) -> jsonwebtoken::Algorithm {
        match self {
            AsymmetricAlgorithm::Rs256 => jsonwebtoken::Algorithm::RS256,
            AsymmetricAlgorithm::Es256 => jsonwebtoken::Algorithm::ES256,
        }
    }

    const fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            AsymmetricAlgorithm::Rs256 => KeyAlgorithm::RS256,
            AsymmetricAlgorithm::Es256 => KeyAlgorithm::ES256,
        }
    }
}

impl std::str::FromStr for AsymmetricAlgorithm {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "RS256" => Ok(AsymmetricAlgorithm::Rs256),
            "ES256" => Ok(AsymmetricAlgorithm::Es256),
            _ => Err(ConfigError::InvalidSetting {
                setting: "JWT algorithm",
                reason: "must be HS256, RS256 or ES256",
            }),
        }
    }
}

impl fmt::Display for AsymmetricAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The public keys that verify tokens: of one pinned algorithm (a PEM key, a configured JWKS),
/// or each pinned to its own algorithm (a JWKS discovered from an identity provider).
#[derive(Clone)]
pub struct KeySet {
    /// `None` for a discovered JWKS, whose keys carry their own algorithms.
    algorithm: Option<AsymmetricAlgorithm>,
    keys: Keys,
}

#[derive(Clone)]
struct PinnedKey {
    algorithm: AsymmetricAlgorithm,
    key: DecodingKey,
}

#[derive(Clone)]
enum Keys {
    /// One key from a PEM file: used whatever `kid` the token names.
    Single(PinnedKey),
    /// Keys from a JWKS, by `kid`: a token must name one of them.
    ById(BTreeMap<String, PinnedKey>),
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("KeySet");
        s.field("algorithm", &self.algorithm);
        match &self.keys {
            Keys::Single(_) => s.field("keys", &"single PEM key"),
            Keys::ById(map) => s.field("kids", &map.keys().collect::<Vec<_>>()),
        };
        s.finish()
    }
}

/// Outcome of looking a token's `kid` up: the key and the one algorithm it verifies.
pub(crate) enum KeyLookup<'a> {
    Found(&'a DecodingKey, AsymmetricAlgorithm),
    Unknown,
}

fn invalid(what: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::InvalidKey {
        what,
        reason: reason.into(),
    }
}

impl KeySet {
    /// One public key in PEM form (`-----BEGIN PUBLIC KEY-----`, or `RSA PUBLIC KEY` for RS256).
    /// Private keys are refused: Slipway only ever needs the public half.
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] when the text is not exactly one public key of the algorithm's
    /// type.
    pub fn from_pem(algorithm: AsymmetricAlgorithm, pem: &[u8]) -> Result<Self, ConfigError> {
        const WHAT: &str = "JWT public key (PEM)";
        let text = std::str::from_utf8(pem).map_err(|_| invalid(WHAT, "not UTF-8 text"))?;
        let labels: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("-----BEGIN "))
            .filter_map(|l| l.strip_suffix("-----"))
            .collect();
        let label = match labels.as_slice() {
            [label] => *label,
            [] => return Err(invalid(WHAT, "no PEM block found")),
            _ => return Err(invalid(WHAT, "expected exactly one PEM block")),
        };
        if label.contains("PRIVATE") {
            return Err(invalid(WHAT, "a private key was given; configure the public key only"));
        }
        let accepted = match algorithm {
            AsymmetricAlgorithm::Rs256 => matches!(label, "PUBLIC KEY" | "RSA PUBLIC KEY"),
            AsymmetricAlgorithm::Es256 => label == "PUBLIC KEY",
        };
        if !accepted {
            return Err(invalid(WHAT, format!("a `{label}` PEM block is not a public key")));
        }
        let key = match algorithm {
            AsymmetricAlgorithm::Rs256 => DecodingKey::from_rsa_pem(pem),
            AsymmetricAlgorithm::Es256 => DecodingKey::from_ec_pem(pem),
        }
        .map_err(|_| invalid(WHAT, format!("not a valid {algorithm} public key")))?;
        Ok(KeySet {
            algorithm: Some(algorithm),
            keys: Keys::Single(PinnedKey { algorithm, key }),
        })
    }

    /// A JWKS document (`{"keys": [...]}`). Only keys that carry a `kid`, whose type fits the
    /// pinned algorithm (RSA for RS256, EC P-256 for ES256), and whose `alg`, `use` and `key_ops`
    /// (when present) allow verifying that algorithm are kept; others are skipped.
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] when the document is not a JWKS, two usable keys share a
    /// `kid`, or no usable key remains.
    pub fn from_jwks(algorithm: AsymmetricAlgorithm, json: &str) -> Result<Self, ConfigError> {
        Self::parse_jwks(Some(algorithm), json)
    }

    /// A JWKS document published by an identity provider, whose keys may be of both kinds: each
    /// usable key (with a `kid`, RSA or EC P-256, `use`/`key_ops` allowing verification) is
    /// pinned to the algorithm its `alg` names — RS256 or ES256, others are skipped — or, without
    /// `alg`, to the one its type implies (RSA → RS256, EC P-256 → ES256). A token must then name
    /// the key's own algorithm: never `none`, never an HMAC keyed with a public key.
    ///
    /// # Errors
    /// As [`KeySet::from_jwks`].
    pub fn from_discovered_jwks(json: &str) -> Result<Self, ConfigError> {
        Self::parse_jwks(None, json)
    }

    fn parse_jwks(pinned: Option<AsymmetricAlgorithm>, json: &str) -> Result<Self, ConfigError> {
        const WHAT: &str = "JWKS";
        #[derive(serde::Deserialize)]
        struct Document {
            keys: Vec<serde_json::Value>,
        }
        let document: Document =
            serde_json::from_str(json).map_err(|_| invalid(WHAT, "not a JSON object with a `keys` array"))?;
        let mut keys = BTreeMap::new();
        for value in document.keys {
            // A key this crate cannot even parse (an unknown curve, say) is skipped, not fatal:
            // identity providers publish keys for other consumers too.
            let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
                continue;
            };
            let Some((kid, algorithm)) = usable_kid(pinned, &jwk) else {
                continue;
            };
            let key = DecodingKey::from_jwk(&jwk)
                .map_err(|_| invalid(WHAT, format!("key `{kid}` has invalid parameters")))?;
            if keys.insert(kid.clone(), PinnedKey { algorithm, key }).is_some() {
                return Err(invalid(WHAT, format!("two keys share the kid `{kid}`")));
            }
        }
        if keys.is_empty() {
            let wanted = pinned.map_or("RS256 or ES256", AsymmetricAlgorithm::as_str);
            return Err(invalid(
                WHAT,
                format!("no key with a `kid` usable for {wanted} signatures"),
            ));
        }
        Ok(KeySet {
            algorithm: pinned,
            keys: Keys::ById(keys),
        })
    }

    /// [`KeySet::from_pem`] over the contents of a file.
    ///
    /// # Errors
    /// [`ConfigError::Io`] when the file cannot be read, else as [`KeySet::from_pem`].
    pub fn from_pem_file(algorithm: AsymmetricAlgorithm, path: &Path) -> Result<Self, ConfigError> {
        let text = read_small_file(path)?;
        Self::from_pem(algorithm, text.as_bytes())
    }

    /// [`KeySet::from_jwks`] over the contents of a file.
    ///
    /// # Errors
    /// [`ConfigError::Io`] when the file cannot be read, else as [`KeySet::from_jwks`].
    pub fn from_jwks_file(algorithm: AsymmetricAlgorithm, path: &Path) -> Result<Self, ConfigError> {
        let text = read_small_file(path)?;
        Self::from_jwks(algorithm, &text)
    }

    /// The one algorithm these keys verify, or `None` when each key is pinned to its own (a
    /// discovered JWKS).
    pub fn algorithm(&self) -> Option<AsymmetricAlgorithm> {
        self.algorithm
    }

    /// The key ids, for a JWKS; empty for a single PEM key.
    pub fn kids(&self) -> Vec<&str> {
        match &self.keys {
            Keys::Single(_) => Vec::new(),
            Keys::ById(map) => map.keys().map(String::as_str).collect(),
        }
    }

    /// The key that verifies a token whose header names `kid`.
    pub(crate) fn lookup(&self, kid: Option<&str>) -> KeyLookup<'_> {
        match (&self.keys, kid) {
            (Keys::Single(pinned), _) => KeyLookup::Found(&pinned.key, pinned.algorithm),
            (Keys::ById(map), Some(kid)) => map.get(kid).map_or(KeyLookup::Unknown, |pinned| {
                KeyLookup::Found(&pinned.key, pinned.algorithm)
            }),
            (Keys::ById(_), None) => KeyLookup::Unknown,
        }
    }
}

/// The `kid` of `jwk` and the algorithm it verifies, if it may verify signatures of the
/// `pinned` algorithm (with `None`, of the algorithm its `alg` or type implies).
fn usable_kid(pinned: Option<AsymmetricAlgorithm>, jwk: &Jwk) -> Option<(String, AsymmetricAlgorithm)> {
    let common = &jwk.common;
    let kid = common.key_id.clone().filter(|k| !k.is_empty())?;
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => AsymmetricAlgorithm::Rs256,
        AlgorithmParameters::EllipticCurve(_) => AsymmetricAlgorithm::Es256,
        _ => return None,
    };
    let algorithm = pinned.unwrap_or(implied);
    if common.key_algorithm.is_some_and(|a| a != algorithm.key_algorithm()) {
        return None;
    }
    if common
        .public_key_use
        .as_ref()
        .is_some_and(|u| *u != PublicKeyUse::Signature)
    {
        return None;
    }
    if common
        .key_operations
        .as_ref()
        .is_some_and(|ops| !ops.contains(&KeyOperations::Verify))
    {
        return None;
    }
    let type_fits = match (&jwk.algorithm, algorithm) {
        (AlgorithmParameters::RSA(_), AsymmetricAlgorithm::Rs256) => true,
        (AlgorithmParameters::EllipticCurve(ec), AsymmetricAlgorithm::Es256) => ec.curve == EllipticCurve::P256,
        _ => false,
    };
    type_fits.then_some((kid, algorithm))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA_PUBLIC: &str = include_str!("../tests/fixtures/rsa1-public.pem");
    const RSA_PRIVATE: &str = include_str!("../tests/fixtures/rsa1-private.pem");
    const EC_PUBLIC: &str = include_str!("../tests/fixtures/ec1-public.pem");

    #[test]
    fn pem_keys_of_the_right_kind_load() {
        let rsa = KeySet::from_pem(AsymmetricAlgorithm::Rs256, RSA_PUBLIC.as_bytes()).unwrap();
        assert_eq!(rsa.algorithm(), Some(AsymmetricAlgorithm::Rs256));
        assert!(rsa.kids().is_empty());
        assert!(matches!(
            rsa.lookup(Some("any")),
            KeyLookup::Found(_, AsymmetricAlgorithm::Rs256)
        ));
        assert!(matches!(rsa.lookup(None), KeyLookup::Found(..)));
        KeySet::from_pem(AsymmetricAlgorithm::Es256, EC_PUBLIC.as_bytes()).unwrap();
    }

    #[test]
    fn private_keys_garbage_and_bundles_are_refused() {
        let err = KeySet::from_pem(AsymmetricAlgorithm::Rs256, RSA_PRIVATE.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("private key"), "{err}");
        // The message never echoes the key material.
        assert!(!err.to_string().contains("MII"));
        assert!(KeySet::from_pem(AsymmetricAlgorithm::Rs256, b"hello").is_err());
        let bundle = format!("{RSA_PUBLIC}{RSA_PUBLIC}");
        assert!(KeySet::from_pem(AsymmetricAlgorithm::Rs256, bundle.as_bytes()).is_err());
        // An EC key where RSA is pinned.
        assert!(KeySet::from_pem(AsymmetricAlgorithm::Rs256, EC_PUBLIC.as_bytes()).is_err());
    }

    #[test]
    fn jwks_keeps_only_usable_keys_with_a_kid() {
        let rsa = serde_json::json!({"kty": "RSA", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", "e": "AQAB"});
        let with = |extra: serde_json::Value| {
            let mut key = rsa.clone();
            key.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            key
        };
        let doc = serde_json::json!({"keys": [
            with(serde_json::json!({"kid": "good", "alg": "RS256", "use": "sig"})),
            with(serde_json::json!({"kid": "bare"})),
            with(serde_json::json!({})),
            with(serde_json::json!({"kid": "enc", "use": "enc"})),
            with(serde_json::json!({"kid": "ps", "alg": "PS256"})),
            with(serde_json::json!({"kid": "sign-only", "key_ops": ["sign"]})),
            {"kty": "EC", "crv": "P-256", "kid": "ec", "x": "AA", "y": "AA"},
            {"kty": "weird", "kid": "weird"},
        ]});
        let set = KeySet::from_jwks(AsymmetricAlgorithm::Rs256, &doc.to_string()).unwrap();
        assert_eq!(set.kids(), vec!["bare", "good"]);
        assert!(matches!(set.lookup(Some("good")), KeyLookup::Found(..)));
        assert!(matches!(set.lookup(Some("enc")), KeyLookup::Unknown));
        assert!(matches!(set.lookup(None), KeyLookup::Unknown));

        let duplicate =
            serde_json::json!({"keys": [with(serde_json::json!({"kid": "a"})), with(serde_json::json!({"kid": "a"}))]});
        assert!(KeySet::from_jwks(AsymmetricAlgorithm::Rs256, &duplicate.to_string()).is_err());
        // The same document pinned to ES256 keeps only the P-256 key.
        let ec = KeySet::from_jwks(AsymmetricAlgorithm::Es256, &doc.to_string()).unwrap();
        assert_eq!(ec.kids(), vec!["ec"]);
        assert!(KeySet::from_jwks(AsymmetricAlgorithm::Rs256, r#"{"keys": []}"#).is_err());

        // Discovered: each key pinned to its own algorithm; keys for other algorithms, for
        // encryption, and symmetric keys are skipped.
        let mixed = serde_json::json!({"keys": [
            with(serde_json::json!({"kid": "good", "alg": "RS256", "use": "sig"})),
            with(serde_json::json!({"kid": "ps", "alg": "PS256"})),
            with(serde_json::json!({"kid": "hs", "alg": "HS256"})),
            with(serde_json::json!({"kid": "enc", "use": "enc"})),
            {"kty": "oct", "kid": "secret", "k": "c2VjcmV0"},
        ]});
        let discovered = KeySet::from_discovered_jwks(&mixed.to_string()).unwrap();
        assert_eq!(discovered.algorithm(), None);
        assert_eq!(discovered.kids(), vec!["good"]);
        assert!(matches!(
            discovered.lookup(Some("good")),
            KeyLookup::Found(_, AsymmetricAlgorithm::Rs256)
        ));
        let both = KeySet::from_discovered_jwks(&doc.to_string()).unwrap();
        assert_eq!(both.kids(), vec!["bare", "ec", "good"]);
        assert!(matches!(
            both.lookup(Some("ec")),
            KeyLookup::Found(_, AsymmetricAlgorithm::Es256)
        ));
        assert!(matches!(
            both.lookup(Some("bare")),
            KeyLookup::Found(_, AsymmetricAlgorithm::Rs256)
        ));
        assert!(KeySet::from_discovered_jwks(r#"{"keys": [{"kty": "oct", "kid": "s", "k": "c2VjcmV0"}]}"#).is_err());
        assert!(KeySet::from_jwks(AsymmetricAlgorithm::Rs256, "[]").is_err());
    }

    #[test]
    fn debug_lists_kids_not_key_material() {
        let set = KeySet::from_pem(AsymmetricAlgorithm::Rs256, RSA_PUBLIC.as_bytes()).unwrap();
        let debug = format!("{set:?}");
        assert!(debug.contains("RS256") || debug.contains("Rs256"));
        assert!(!debug.contains("MII"));
    }
}

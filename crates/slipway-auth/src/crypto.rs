//! Provider credentials at rest: XChaCha20-Poly1305 under a versioned keyring, each ciphertext
//! bound by associated data to its project, its credential id and its key version, so that a
//! row copied to another project or credential does not decrypt.

use std::collections::BTreeMap;
use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use slipway_domain::{CredentialId, ProjectId};
use zeroize::Zeroizing;

use crate::error::{ConfigError, CryptoError};

/// Length of a credential key in bytes.
pub const KEY_BYTES: usize = 32;
/// Length of an XChaCha20 nonce in bytes (random per encryption; 192 bits make collisions
/// negligible).
pub const NONCE_BYTES: usize = 24;
/// Length of the Poly1305 tag appended to every ciphertext.
const TAG_BYTES: usize = 16;
/// First byte of [`EncryptedCredential::to_bytes`], so the layout can change later.
const FORMAT_V1: u8 = 1;
/// Domain separation for the associated data.
const AAD_CONTEXT: &[u8] = b"slipway/provider-credential/v1\0";

/// One 256-bit credential key, zeroized on drop.
pub type CredentialKey = SecretBox<[u8; KEY_BYTES]>;

/// The credential encryption keys by version; the current one encrypts, all of them decrypt.
pub struct CredentialKeyring {
    current_version: u32,
    keys: BTreeMap<u32, CredentialKey>,
}

impl fmt::Debug for CredentialKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialKeyring")
            .field("current_version", &self.current_version)
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A credential encrypted by a [`CredentialKeyring`]. Store either its fields or
/// [`EncryptedCredential::to_bytes`].
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptedCredential {
    /// The version of the key that encrypted it.
    pub key_version: u32,
    /// The random nonce.
    pub nonce: [u8; NONCE_BYTES],
    /// The ciphertext followed by the 16-byte authentication tag.
    pub ciphertext: Vec<u8>,
}

impl fmt::Debug for EncryptedCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptedCredential")
            .field("key_version", &self.key_version)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

impl EncryptedCredential {
    /// One self-describing blob: format byte `1`, key version (u32, big-endian), nonce,
    /// ciphertext with tag.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 4 + NONCE_BYTES + self.ciphertext.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&self.key_version.to_be_bytes());
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    /// Parses [`EncryptedCredential::to_bytes`].
    ///
    /// # Errors
    /// [`CryptoError::Malformed`] for an unknown format byte or a blob too short to hold a tag.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let (&format, rest) = bytes.split_first().ok_or(CryptoError::Malformed)?;
        if format != FORMAT_V1 {
            return Err(CryptoError::Malformed);
        }
        let (version, rest) = rest.split_first_chunk::<4>().ok_or(CryptoError::Malformed)?;
        let (nonce, ciphertext) = rest.split_first_chunk::<NONCE_BYTES>().ok_or(CryptoError::Malformed)?;
        if ciphertext.len() < TAG_BYTES {
            return Err(CryptoError::Malformed);
        }
        Ok(EncryptedCredential {
            key_version: u32::from_be_bytes(*version),
            nonce: *nonce,
            ciphertext: ciphertext.to_vec(),
        })
    }
}

impl CredentialKeyring {
    /// A keyring holding `keys`, encrypting with `current_version`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] when there are no keys, a version is 0, or `current_version`
    /// is not among them.
    pub fn new(current_version: u32, keys: BTreeMap<u32, CredentialKey>) -> Result<Self, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidKey {
            what: "credential keyring",
            reason: reason.to_owned(),
        };
        if keys.is_empty() {
            return Err(invalid("it holds no key"));
        }
        if keys.contains_key(&0) {
            return Err(invalid("key versions start at 1"));
        }
        if !keys.contains_key(&current_version) {
            return Err(invalid("the current version names no key"));
        }
        Ok(CredentialKeyring { current_version, keys })
    }

    /// A keyring with one fresh random key, version 1.
    pub fn generate() -> Self {
        CredentialKeyring {
            current_version: 1,
            keys: BTreeMap::from([(1, random_key())]),
        }
    }

    /// A keyring with one key (`version`).
    ///
    /// # Errors
    /// As [`CredentialKeyring::new`].
    pub fn single(version: u32, key: CredentialKey) -> Result<Self, ConfigError> {
        Self::new(version, BTreeMap::from([(version, key)]))
    }

    /// Adds a fresh random key one version above the highest and makes it current. Older keys
    /// stay to decrypt existing ciphertexts until they are re-encrypted
    /// ([`CredentialKeyring::reencrypt`]) and removed from the file.
    pub fn rotate(&mut self) -> u32 {
        let next = self.keys.keys().next_back().map_or(1, |v| v.saturating_add(1));
        self.keys.insert(next, random_key());
        self.current_version = next;
        next
    }

    /// The version new ciphertexts are encrypted with.
    pub fn current_version(&self) -> u32 {
        self.current_version
    }

    /// Every key version held, ascending.
    pub fn versions(&self) -> Vec<u32> {
        self.keys.keys().copied().collect()
    }

    pub(crate) fn keys(&self) -> &BTreeMap<u32, CredentialKey> {
        &self.keys
    }

    /// Encrypts `plaintext` as the credential `credential` of `project`, with the current key.
    ///
    /// # Errors
    /// [`CryptoError::Encryption`] if the cipher fails (not expected).
    pub fn encrypt(
        &self,
        project: ProjectId,
        credential: CredentialId,
        plaintext: &SecretString,
    ) -> Result<EncryptedCredential, CryptoError> {
        let version = self.current_version;
        let key = self
            .keys
            .get(&version)
            .ok_or(CryptoError::UnknownKeyVersion { version })?;
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(project, credential, version);
        let ciphertext = cipher(key)
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.expose_secret().as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Encryption)?;
        Ok(EncryptedCredential {
            key_version: version,
            nonce,
            ciphertext,
        })
    }

    /// Decrypts a credential stored for `credential` of `project`.
    ///
    /// # Errors
    /// [`CryptoError::UnknownKeyVersion`] when its key is not in the keyring;
    /// [`CryptoError::Decryption`] when it was altered or belongs to another project or
    /// credential; [`CryptoError::NotUtf8`] if the plaintext is not text.
    pub fn decrypt(
        &self,
        project: ProjectId,
        credential: CredentialId,
        sealed: &EncryptedCredential,
    ) -> Result<SecretString, CryptoError> {
        let version = sealed.key_version;
        let key = self
            .keys
            .get(&version)
            .ok_or(CryptoError::UnknownKeyVersion { version })?;
        let aad = associated_data(project, credential, version);
        let plaintext = Zeroizing::new(
            cipher(key)
                .decrypt(
                    XNonce::from_slice(&sealed.nonce),
                    Payload {
                        msg: &sealed.ciphertext,
                        aad: &aad,
                    },
                )
                .map_err(|_| CryptoError::Decryption)?,
        );
        let text = std::str::from_utf8(&plaintext).map_err(|_| CryptoError::NotUtf8)?;
        Ok(SecretString::from(text))
    }

    /// Whether `sealed` was encrypted with an older key than the current one.
    pub fn needs_reencryption(&self, sealed: &EncryptedCredential) -> bool {
        sealed.key_version != self.current_version
    }

    /// Decrypts `sealed` and encrypts it again with the current key (for rotation).
    ///
    /// # Errors
    /// As [`CredentialKeyring::decrypt`] and [`CredentialKeyring::encrypt`].
    pub fn reencrypt(
        &self,
        project: ProjectId,
        credential: CredentialId,
        sealed: &EncryptedCredential,
    ) -> Result<EncryptedCredential, CryptoError> {
        let plaintext = self.decrypt(project, credential, sealed)?;
        self.encrypt(project, credential, &plaintext)
    }
}

fn random_key() -> CredentialKey {
    SecretBox::init_with_mut(|key: &mut [u8; KEY_BYTES]| OsRng.fill_bytes(key))
}

fn cipher(key: &CredentialKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(Key::from_slice(key.expose_secret()))
}

/// Context ‖ project id ‖ credential id ‖ key version: what a ciphertext is bound to.
fn associated_data(project: ProjectId, credential: CredentialId, version: u32) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_CONTEXT.len() + 16 + 16 + 4);
    aad.extend_from_slice(AAD_CONTEXT);
    aad.extend_from_slice(project.as_uuid().as_bytes());
    aad.extend_from_slice(credential.as_uuid().as_bytes());
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ids() -> (ProjectId, CredentialId) {
        (
            ProjectId::from_uuid(Uuid::from_u128(1)),
            CredentialId::from_uuid(Uuid::from_u128(2)),
        )
    }

    fn secret() -> SecretString {
        SecretString::from("sk-test-1234567890")
    }

    #[test]
    fn round_trip() {
        let keyring = CredentialKeyring::generate();
        let (project, credential) = ids();
        let sealed = keyring.encrypt(project, credential, &secret()).unwrap();
        assert_eq!(sealed.key_version, 1);
        assert!(!sealed.ciphertext.windows(7).any(|w| w == b"sk-test"));
        let opened = keyring.decrypt(project, credential, &sealed).unwrap();
        assert_eq!(opened.expose_secret(), "sk-test-1234567890");
        // Same input, fresh nonce, different ciphertext.
        let again = keyring.encrypt(project, credential, &secret()).unwrap();
        assert_ne!(again.ciphertext, sealed.ciphertext);
        // Through the byte form too.
        let parsed = EncryptedCredential::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(parsed, sealed);
        assert_eq!(
            keyring.decrypt(project, credential, &parsed).unwrap().expose_secret(),
            "sk-test-1234567890"
        );
    }

    #[test]
    fn tampering_is_detected() {
        let keyring = CredentialKeyring::generate();
        let (project, credential) = ids();
        let sealed = keyring.encrypt(project, credential, &secret()).unwrap();
        for i in 0..sealed.ciphertext.len() {
            let mut tampered = sealed.clone();
            tampered.ciphertext[i] ^= 0x01;
            assert!(matches!(
                keyring.decrypt(project, credential, &tampered),
                Err(CryptoError::Decryption)
            ));
        }
        let mut tampered = sealed.clone();
        tampered.nonce[0] ^= 0x80;
        assert!(matches!(
            keyring.decrypt(project, credential, &tampered),
            Err(CryptoError::Decryption)
        ));
        let mut truncated = sealed.clone();
        truncated.ciphertext.pop();
        assert!(matches!(
            keyring.decrypt(project, credential, &truncated),
            Err(CryptoError::Decryption)
        ));
    }

    #[test]
    fn associated_data_binds_project_and_credential() {
        let keyring = CredentialKeyring::generate();
        let (project, credential) = ids();
        let sealed = keyring.encrypt(project, credential, &secret()).unwrap();
        let other_project = ProjectId::from_uuid(Uuid::from_u128(3));
        let other_credential = CredentialId::from_uuid(Uuid::from_u128(4));
        assert!(matches!(
            keyring.decrypt(other_project, credential, &sealed),
            Err(CryptoError::Decryption)
        ));
        assert!(matches!(
            keyring.decrypt(project, other_credential, &sealed),
            Err(CryptoError::Decryption)
        ));
    }

    #[test]
    fn old_key_versions_still_decrypt_after_rotation() {
        let mut keyring = CredentialKeyring::generate();
        let (project, credential) = ids();
        let old = keyring.encrypt(project, credential, &secret()).unwrap();
        assert_eq!(keyring.rotate(), 2);
        assert_eq!(keyring.versions(), vec![1, 2]);
        let new = keyring.encrypt(project, credential, &secret()).unwrap();
        assert_eq!(new.key_version, 2);
        assert!(keyring.needs_reencryption(&old));
        assert!(!keyring.needs_reencryption(&new));
        assert_eq!(
            keyring.decrypt(project, credential, &old).unwrap().expose_secret(),
            "sk-test-1234567890"
        );
        let migrated = keyring.reencrypt(project, credential, &old).unwrap();
        assert_eq!(migrated.key_version, 2);

        // Relabelling an old ciphertext with the new version does not help an attacker.
        let mut relabelled = old.clone();
        relabelled.key_version = 2;
        assert!(matches!(
            keyring.decrypt(project, credential, &relabelled),
            Err(CryptoError::Decryption)
        ));
        // A keyring that lost the old key says so.
        let mut keys = BTreeMap::new();
        keys.insert(2, random_key());
        let without_old = CredentialKeyring::new(2, keys).unwrap();
        assert!(matches!(
            without_old.decrypt(project, credential, &old),
            Err(CryptoError::UnknownKeyVersion { version: 1 })
        ));
    }

    #[test]
    fn malformed_blobs_are_refused() {
        assert_eq!(EncryptedCredential::from_bytes(&[]), Err(CryptoError::Malformed));
        assert_eq!(EncryptedCredential::from_bytes(&[2; 64]), Err(CryptoError::Malformed));
        assert_eq!(EncryptedCredential::from_bytes(&[1; 20]), Err(CryptoError::Malformed));
        assert_eq!(
            EncryptedCredential::from_bytes(&[1; 1 + 4 + 24 + 15]),
            Err(CryptoError::Malformed)
        );
    }

    #[test]
    fn keyrings_must_be_coherent() {
        assert!(CredentialKeyring::new(1, BTreeMap::new()).is_err());
        assert!(CredentialKeyring::single(0, random_key()).is_err());
        assert!(CredentialKeyring::new(2, BTreeMap::from([(1, random_key())])).is_err());
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let key: CredentialKey = SecretBox::new(Box::new([0xAB; KEY_BYTES]));
        let keyring = CredentialKeyring::single(7, key).unwrap();
        let debug = format!("{keyring:?}");
        assert!(debug.contains("current_version: 7"), "{debug}");
        assert!(
            !debug.contains("171") && !debug.to_lowercase().contains("ab, "),
            "{debug}"
        );
        let sealed = keyring.encrypt(ids().0, ids().1, &secret()).unwrap();
        assert!(!format!("{sealed:?}").contains("nonce: ["));
    }
}

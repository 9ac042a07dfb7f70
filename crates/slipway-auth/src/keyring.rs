//! Where the credential keyring comes from: its text format, the key file the embedded default
//! generates in its data directory, and the refusal to run production without a key.
//!
//! The format is one entry per line (or per comma, for an environment variable):
//!
//! ```text
//! # Slipway credential keyring
//! 1:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
//! 2:u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7s=
//! current:2
//! ```
//!
//! `<version>:<base64 of 32 bytes>` declares a key; the highest version encrypts unless a
//! `current:<version>` entry picks another (useful to ship a new key to every instance before
//! switching to it). A bare base64 key is accepted as version 1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::Zeroizing;

use crate::crypto::{CredentialKey, CredentialKeyring, KEY_BYTES};
use crate::error::ConfigError;
use crate::secret_file::{LoadedSecret, create_secret_file, load_or_generate, read_secret_file};

/// The file name of the generated keyring in the data directory.
pub const CREDENTIAL_KEY_FILE: &str = "credential-key";

/// Where the credential keyring is configured.
#[derive(Debug, Clone)]
pub enum CredentialKeySource {
    /// The keyring text (or one base64 key) itself, e.g. from `SLIPWAY_CREDENTIAL_KEY`.
    Inline(SecretString),
    /// A keyring file.
    File(PathBuf),
    /// Nothing configured: the embedded default generates `<data_dir>/credential-key`;
    /// production mode refuses.
    Unset,
}

/// Loads the keyring from `source`. With [`CredentialKeySource::Unset`], production mode fails
/// with [`ConfigError::MissingCredentialKey`] and the embedded default uses (or creates)
/// `<data_dir>/credential-key`.
///
/// # Errors
/// [`ConfigError::MissingCredentialKey`] as above; [`ConfigError::Io`] or
/// [`ConfigError::InvalidKey`] when the key cannot be read or parsed.
pub fn load_credential_keyring(
    source: &CredentialKeySource,
    data_dir: &Path,
    production: bool,
) -> Result<LoadedSecret<CredentialKeyring>, ConfigError> {
    match source {
        CredentialKeySource::Inline(text) => Ok(LoadedSecret {
            value: parse_keyring(text.expose_secret())?,
            created: false,
            warning: None,
        }),
        CredentialKeySource::File(path) => keyring_from_file(path),
        CredentialKeySource::Unset if production => Err(ConfigError::MissingCredentialKey),
        CredentialKeySource::Unset => load_or_generate_keyring(data_dir),
    }
}

/// Reads a keyring file.
///
/// # Errors
/// [`ConfigError::Io`] or [`ConfigError::InvalidKey`].
pub fn keyring_from_file(path: &Path) -> Result<LoadedSecret<CredentialKeyring>, ConfigError> {
    let (text, warning) = read_secret_file(path)?;
    Ok(LoadedSecret {
        value: parse_keyring(&text)?,
        created: false,
        warning,
    })
}

/// Uses `<data_dir>/credential-key`, generating it (one random key, version 1, mode 0600) if it
/// does not exist: the embedded default.
///
/// # Errors
/// [`ConfigError::Io`] or [`ConfigError::InvalidKey`].
pub fn load_or_generate_keyring(data_dir: &Path) -> Result<LoadedSecret<CredentialKeyring>, ConfigError> {
    load_or_generate(
        &data_dir.join(CREDENTIAL_KEY_FILE),
        || format_keyring(&CredentialKeyring::generate()),
        parse_keyring,
    )
}

/// Writes `keyring` to a new file with mode 0600 (for a `rotate` command: write the rotated
/// keyring next to the old one, then move it into place).
///
/// # Errors
/// [`ConfigError::Io`], also when the file already exists.
pub fn write_keyring_file(path: &Path, keyring: &CredentialKeyring) -> Result<(), ConfigError> {
    if create_secret_file(path, format_keyring(keyring).as_bytes())? {
        Ok(())
    } else {
        Err(ConfigError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "refusing to overwrite a keyring"),
        })
    }
}

/// One random key in base64, for an operator to paste into configuration.
pub fn generate_credential_key_base64() -> SecretString {
    SecretString::from(crate::random::base64_secret(KEY_BYTES, false).as_str())
}

/// Parses the keyring format described in the module documentation.
///
/// # Errors
/// [`ConfigError::InvalidKey`] naming the entry (by position, never by content) that is wrong.
pub fn parse_keyring(text: &str) -> Result<CredentialKeyring, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidKey {
        what: "credential keyring",
        reason,
    };
    let entries: Vec<&str> = text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.starts_with('#'))
        .collect();
    if let [single] = entries.as_slice()
        && !single.contains(':')
    {
        let key = decode_key(single).ok_or_else(|| invalid("not a base64-encoded 32-byte key".to_owned()))?;
        return CredentialKeyring::single(1, key);
    }
    let mut keys = BTreeMap::new();
    let mut current = None;
    for (index, entry) in entries.iter().enumerate() {
        let position = index + 1;
        let Some((label, value)) = entry.split_once(':') else {
            return Err(invalid(format!("entry {position} is not `<version>:<key>`")));
        };
        let label = label.trim();
        let value = value.trim();
        if label.eq_ignore_ascii_case("current") {
            let version = value
                .parse::<u32>()
                .map_err(|_| invalid(format!("entry {position}: `current` needs a version number")))?;
            if current.replace(version).is_some() {
                return Err(invalid("`current` is given twice".to_owned()));
            }
            continue;
        }
        let version = label
            .parse::<u32>()
            .map_err(|_| invalid(format!("entry {position}: the version is not a number")))?;
        let key =
            decode_key(value).ok_or_else(|| invalid(format!("entry {position}: not a base64-encoded 32-byte key")))?;
        if keys.insert(version, key).is_some() {
            return Err(invalid(format!("version {version} appears twice")));
        }
    }
    let current = match current {
        Some(version) => version,
        None => *keys
            .keys()
            .next_back()
            .ok_or_else(|| invalid("it holds no key".to_owned()))?,
    };
    CredentialKeyring::new(current, keys)
}

/// The text form of `keyring` (what [`parse_keyring`] reads).
pub fn format_keyring(keyring: &CredentialKeyring) -> Zeroizing<String> {
    let keys = keyring.keys();
    let mut text = Zeroizing::new(String::with_capacity(128 + keys.len() * 60));
    text.push_str("# Slipway credential keyring: <version>:<base64 key>; the highest version encrypts\n");
    text.push_str("# unless `current:<version>` says otherwise. Keep this file secret (mode 0600).\n");
    for (version, key) in keys {
        text.push_str(&version.to_string());
        text.push(':');
        STANDARD.encode_string(key.expose_secret(), &mut text);
        text.push('\n');
    }
    if keys.keys().next_back() != Some(&keyring.current_version()) {
        text.push_str(&format!("current:{}\n", keyring.current_version()));
    }
    text
}

fn decode_key(text: &str) -> Option<CredentialKey> {
    let raw = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .map(Zeroizing::new)?;
    let bytes: &[u8; KEY_BYTES] = raw.as_slice().try_into().ok()?;
    Some(SecretBox::init_with_mut(|key: &mut [u8; KEY_BYTES]| {
        key.copy_from_slice(bytes)
    }))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use slipway_domain::{CredentialId, ProjectId};
    use uuid::Uuid;

    use super::*;

    const KEY_A: &str = "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const KEY_B: &str = "u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7s=";

    #[test]
    fn parses_the_documented_format() {
        let keyring = parse_keyring(&format!("# comment\n\n1:{KEY_A}\n2:{KEY_B}\n")).unwrap();
        assert_eq!(keyring.versions(), vec![1, 2]);
        assert_eq!(keyring.current_version(), 2);

        let pinned = parse_keyring(&format!("1:{KEY_A}, 2:{KEY_B}, current:1")).unwrap();
        assert_eq!(pinned.current_version(), 1);

        let bare = parse_keyring(KEY_A).unwrap();
        assert_eq!(bare.versions(), vec![1]);
    }

    #[test]
    fn rejects_bad_keyrings_without_echoing_keys() {
        for bad in [
            String::new(),
            "# only a comment".to_owned(),
            "1:c2hvcnQ=".to_owned(),
            format!("x:{KEY_A}"),
            format!("1:{KEY_A}\n1:{KEY_B}"),
            format!("1:{KEY_A}\ncurrent:3"),
            format!("1:{KEY_A}\ncurrent:1\ncurrent:1"),
            format!("0:{KEY_A}"),
            format!("1:{KEY_A}\n{KEY_B}"),
        ] {
            let err = parse_keyring(&bad).unwrap_err();
            let message = err.to_string();
            assert!(
                !message.contains(&KEY_A[..10]) && !message.contains(&KEY_B[..10]),
                "{message}"
            );
        }
    }

    #[test]
    fn format_round_trips() {
        let mut keyring = CredentialKeyring::generate();
        keyring.rotate();
        let text = format_keyring(&keyring);
        let parsed = parse_keyring(&text).unwrap();
        assert_eq!(parsed.versions(), vec![1, 2]);
        assert_eq!(parsed.current_version(), 2);
        let (project, credential) = (
            ProjectId::from_uuid(Uuid::from_u128(1)),
            CredentialId::from_uuid(Uuid::from_u128(2)),
        );
        let sealed = keyring.encrypt(project, credential, &SecretString::from("sk")).unwrap();
        assert_eq!(
            parsed.decrypt(project, credential, &sealed).unwrap().expose_secret(),
            "sk"
        );
    }

    #[test]
    fn embedded_default_generates_an_owner_only_key_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_credential_keyring(&CredentialKeySource::Unset, dir.path(), false).unwrap();
        assert!(first.created);
        assert_eq!(first.warning, None);
        let path = dir.path().join(CREDENTIAL_KEY_FILE);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);

        let (project, credential) = (
            ProjectId::from_uuid(Uuid::from_u128(1)),
            CredentialId::from_uuid(Uuid::from_u128(2)),
        );
        let sealed = first
            .value
            .encrypt(project, credential, &SecretString::from("sk"))
            .unwrap();
        let second = load_credential_keyring(&CredentialKeySource::Unset, dir.path(), false).unwrap();
        assert!(!second.created);
        assert_eq!(
            second
                .value
                .decrypt(project, credential, &sealed)
                .unwrap()
                .expose_secret(),
            "sk"
        );
    }

    #[test]
    fn production_refuses_to_start_without_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_credential_keyring(&CredentialKeySource::Unset, dir.path(), true).unwrap_err();
        assert!(matches!(err, ConfigError::MissingCredentialKey));
        assert!(!dir.path().join(CREDENTIAL_KEY_FILE).exists());

        let inline = CredentialKeySource::Inline(SecretString::from(KEY_A));
        let loaded = load_credential_keyring(&inline, dir.path(), true).unwrap();
        assert_eq!(loaded.value.versions(), vec![1]);

        let path = dir.path().join("keys");
        write_keyring_file(&path, &loaded.value).unwrap();
        let from_file = load_credential_keyring(&CredentialKeySource::File(path.clone()), dir.path(), true).unwrap();
        assert_eq!(from_file.value.versions(), vec![1]);
        assert!(write_keyring_file(&path, &loaded.value).is_err(), "never overwrites");

        let missing = CredentialKeySource::File(dir.path().join("missing"));
        assert!(matches!(
            load_credential_keyring(&missing, dir.path(), true),
            Err(ConfigError::Io { .. })
        ));
    }

    #[test]
    fn debug_never_shows_configured_keys() {
        let source = CredentialKeySource::Inline(SecretString::from(KEY_A));
        let debug = format!("{source:?}");
        assert!(!debug.contains(&KEY_A[..10]), "{debug}");
        let loaded = load_credential_keyring(&source, Path::new("/nonexistent"), true).unwrap();
        let debug = format!("{loaded:?}");
        assert!(
            !debug.contains(&KEY_A[..10]) && debug.contains("current_version: 1"),
            "{debug}"
        );
    }

    #[test]
    fn generated_base64_keys_parse() {
        let key = generate_credential_key_base64();
        assert_eq!(parse_keyring(key.expose_secret()).unwrap().versions(), vec![1]);
    }
}

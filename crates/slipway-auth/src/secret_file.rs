//! Reading and creating small secret files (the JWT secret, the credential keyring, PEM and JWKS
//! files): size-capped reads, owner-only creation, and a warning when a secret file is readable
//! by others.

use std::fmt;
use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::error::ConfigError;

/// The largest key or secret file this crate reads (a JWKS of a few keys is a few KiB).
pub const MAX_KEY_FILE_BYTES: u64 = 1024 * 1024;

/// A secret file that group or others may read. Returned (not logged) so that the binary can
/// warn about it once; the secret is still used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsecurePermissions {
    /// The file.
    pub path: PathBuf,
    /// Its permission bits (`0o644`, …).
    pub mode: u32,
}

impl fmt::Display for InsecurePermissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is readable by group or others (mode {:o}); restrict it with `chmod 600`",
            self.path.display(),
            self.mode & 0o777
        )
    }
}

/// A secret loaded from (or freshly written to) a file.
#[derive(Debug)]
pub struct LoadedSecret<T> {
    /// The secret.
    pub value: T,
    /// Whether the file did not exist and was generated now.
    pub created: bool,
    /// Set when the file's permissions let others read it.
    pub warning: Option<InsecurePermissions>,
}

fn io_error(path: &Path, source: io::Error) -> ConfigError {
    ConfigError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a whole file of at most [`MAX_KEY_FILE_BYTES`] into a string that is zeroized on drop.
pub(crate) fn read_small_file(path: &Path) -> Result<Zeroizing<String>, ConfigError> {
    let file = fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut text = Zeroizing::new(String::new());
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| io_error(path, e))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(io_error(
            path,
            io::Error::new(io::ErrorKind::InvalidData, "file is larger than 1 MiB"),
        ));
    }
    Ok(text)
}

/// Reads a secret file and reports whether its permissions are too open.
pub(crate) fn read_secret_file(path: &Path) -> Result<(Zeroizing<String>, Option<InsecurePermissions>), ConfigError> {
    let text = read_small_file(path)?;
    let mode = fs::metadata(path).map_err(|e| io_error(path, e))?.permissions().mode();
    let warning = (mode & 0o077 != 0).then(|| InsecurePermissions {
        path: path.to_path_buf(),
        mode,
    });
    Ok((text, warning))
}

/// Creates the data directory (owner-only) if it does not exist yet.
pub(crate) fn ensure_data_dir(dir: &Path) -> Result<(), ConfigError> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io_error(dir, e))
}

/// Writes `contents` to `path` with mode 0600 unless the file already exists. Returns whether it
/// was created. The file appears atomically and complete (written to a temporary name, then
/// hard-linked), so a concurrent reader never sees a partial secret and two processes racing to
/// generate it agree on one.
pub(crate) fn create_secret_file(path: &Path, contents: &[u8]) -> Result<bool, ConfigError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut suffix = [0u8; 8];
    OsRng.fill_bytes(&mut suffix);
    let file_name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.tmp", hex::encode(suffix)));
    let result = write_new(&temp, contents).and_then(|()| match fs::hard_link(&temp, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        // Some file systems (certain container volumes) have no hard links: fall back to
        // creating the file in place, which is still exclusive, if not atomic for readers.
        Err(_) => match write_new(path, contents) {
            Ok(()) => Ok(true),
            Err(ConfigError::Io { source, .. }) if source.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        },
    });
    // The temporary name is removed whatever happened; failing to remove it leaves an
    // owner-only file behind, which is harmless.
    let _ = fs::remove_file(&temp);
    result
}

fn write_new(path: &Path, contents: &[u8]) -> Result<(), ConfigError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| io_error(path, e))?;
    file.write_all(contents).map_err(|e| io_error(path, e))?;
    file.sync_all().map_err(|e| io_error(path, e))
}

/// Loads the secret at `path`, generating it with `generate` (and writing it with mode 0600)
/// when the file does not exist, then parsing it with `parse` in either case.
pub(crate) fn load_or_generate<T>(
    path: &Path,
    generate: impl FnOnce() -> Zeroizing<String>,
    parse: impl FnOnce(&str) -> Result<T, ConfigError>,
) -> Result<LoadedSecret<T>, ConfigError> {
    if let Some(dir) = path.parent() {
        ensure_data_dir(dir)?;
    }
    let created = match fs::symlink_metadata(path) {
        Ok(_) => false,
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_secret_file(path, generate().as_bytes())?,
        Err(e) => return Err(io_error(path, e)),
    };
    let (text, warning) = read_secret_file(path)?;
    Ok(LoadedSecret {
        value: parse(&text)?,
        created,
        warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_files_are_owner_only_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret");
        let first = load_or_generate(&path, || Zeroizing::new("one".to_owned()), |t| Ok(t.to_owned())).unwrap();
        assert!(first.created);
        assert_eq!(first.value, "one");
        assert_eq!(first.warning, None);
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let second = load_or_generate(&path, || Zeroizing::new("two".to_owned()), |t| Ok(t.to_owned())).unwrap();
        assert!(!second.created);
        assert_eq!(second.value, "one");
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn readable_secret_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        fs::write(&path, "x").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let (_, warning) = read_secret_file(&path).unwrap();
        let warning = warning.unwrap();
        assert_eq!(warning.mode & 0o777, 0o644);
        assert!(warning.to_string().contains("chmod 600"));
    }

    #[test]
    fn oversized_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        fs::write(&path, vec![b'a'; (MAX_KEY_FILE_BYTES + 1) as usize]).unwrap();
        assert!(matches!(read_small_file(&path), Err(ConfigError::Io { .. })));
    }
}

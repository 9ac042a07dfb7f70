//! The last good configuration on disk: read at start (bootstrap, so a cold start works without
//! Slipway), written after each change. The file is JSON, one entry per followed environment,
//! replaced atomically (written beside, then renamed) so a crash never leaves half a file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Configuration, Error};

/// The format version this client writes and reads.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    slipway_client_cache: u32,
    /// Keyed by the followed environment's name (`""` for the gateway fallback).
    environments: BTreeMap<String, Saved>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    etag: Option<String>,
    config: Value,
}

/// Reads a file written by [`write`]; a file that does not exist yet holds nothing.
///
/// # Errors
/// [`Error::Bootstrap`] when the file exists but cannot be read or parsed.
pub(crate) fn read(path: &Path) -> Result<BTreeMap<String, Configuration>, Error> {
    let bootstrap = |reason: String| Error::Bootstrap { reason };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(bootstrap(format!("{}: {e}", path.display()))),
    };
    let file: File = serde_json::from_str(&text).map_err(|e| bootstrap(format!("{}: {e}", path.display())))?;
    if file.slipway_client_cache != FORMAT {
        return Err(bootstrap(format!(
            "{}: unknown format {}",
            path.display(),
            file.slipway_client_cache
        )));
    }
    file.environments
        .into_iter()
        .map(|(name, saved)| {
            let config = Configuration::from_json(saved.config, saved.etag)
                .map_err(|e| bootstrap(format!("{}: environment '{name}': {e}", path.display())))?;
            Ok((name, config))
        })
        .collect()
}

/// Replaces the file with `configs`.
///
/// # Errors
/// The IO error's text, for the caller to log: persisting is best-effort and never stops reads.
pub(crate) fn write<'a>(
    path: &Path,
    configs: impl Iterator<Item = (&'a String, &'a Configuration)>,
) -> Result<(), String> {
    let file = File {
        slipway_client_cache: FORMAT,
        environments: configs
            .map(|(name, config)| {
                let saved = Saved {
                    etag: config.etag().map(str::to_owned),
                    config: config.body().clone(),
                };
                (name.clone(), saved)
            })
            .collect(),
    };
    let text = serde_json::to_string(&file).map_err(|e| e.to_string())?;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, text).map_err(|e| e.to_string())?;
    std::fs::rename(&partial, path).map_err(|e| e.to_string())
}

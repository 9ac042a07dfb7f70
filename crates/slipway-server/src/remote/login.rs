//! The stored sign-in of the people's commands: the server's URL and a token, in
//! `$SLIPWAY_LOGIN_FILE`, else `$XDG_CONFIG_HOME/slipway/login.toml`, else
//! `~/.config/slipway/login.toml`, readable by its owner only. `SLIPWAY_SERVER` and
//! `SLIPWAY_TOKEN` take precedence over it (what a CI pipeline sets).

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::RemoteError;

/// Where a sign-in is.
pub struct Login {
    /// The server's base URL, without a trailing slash.
    pub server: String,
    /// The bearer token.
    pub token: SecretString,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("server", &self.server)
            .field("token", &"[REDACTED]")
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    server: String,
    token: String,
}

/// The file a sign-in is stored in (`env` looks up environment variables).
pub fn login_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(file) = env("SLIPWAY_LOGIN_FILE").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(file));
    }
    let config = env("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| Path::new(&h).join(".config"))
        })?;
    Some(config.join("slipway").join("login.toml"))
}

impl Login {
    /// A sign-in for `server` with `token` (the URL's trailing slashes dropped).
    ///
    /// # Errors
    /// A server that is not an `http://` or `https://` URL.
    pub fn new(server: &str, token: SecretString) -> Result<Self, RemoteError> {
        let server = server.trim().trim_end_matches('/');
        if !(server.starts_with("http://") || server.starts_with("https://")) || server.contains(char::is_whitespace) {
            return Err(RemoteError::usage(format!(
                "--server must be an http:// or https:// URL, not {server:?}"
            )));
        }
        Ok(Self {
            server: server.to_owned(),
            token,
        })
    }

    /// The sign-in to use: `SLIPWAY_SERVER` and `SLIPWAY_TOKEN` when both are set, else the
    /// stored one, each variable overriding its half.
    ///
    /// # Errors
    /// When there is none (telling how to sign in), or the file cannot be read.
    pub fn current(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, RemoteError> {
        let server = env("SLIPWAY_SERVER").filter(|s| !s.is_empty());
        let token = env("SLIPWAY_TOKEN").filter(|t| !t.is_empty());
        let stored = match login_file(env) {
            Some(path) if path.exists() => Some(read(&path)?),
            _ => None,
        };
        let (server, token) = match (server, token, stored) {
            (Some(server), Some(token), _) => (server, token),
            (server, token, Some(stored)) => (server.unwrap_or(stored.server), token.unwrap_or(stored.token)),
            _ => {
                return Err(RemoteError::usage(
                    "not signed in: run `slipway login --server URL --token TOKEN` (or set SLIPWAY_SERVER and SLIPWAY_TOKEN)"
                        .to_owned(),
                ));
            }
        };
        Self::new(&server, SecretString::from(token))
    }

    /// Stores this sign-in in `path`, readable by its owner only.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), RemoteError> {
        let failed =
            |e: std::io::Error| RemoteError::local(format!("cannot store the sign-in in {}: {e}", path.display()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        let text = toml::to_string(&Stored {
            server: self.server.clone(),
            token: self.token.expose_secret().to_owned(),
        })
        .map_err(|e| RemoteError::local(format!("cannot write the sign-in: {e}")))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(failed)?;
        #[cfg(unix)]
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(failed)?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)
    }
}

fn read(path: &Path) -> Result<Stored, RemoteError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RemoteError::local(format!("cannot read the sign-in in {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        RemoteError::local(format!(
            "the sign-in in {} is not valid ({}); run `slipway login` again",
            path.display(),
            e.message()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_sign_in_is_stored_for_its_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested").join("login.toml");
        let file_text = file.to_string_lossy().into_owned();
        let env = env_of(&[("SLIPWAY_LOGIN_FILE", &file_text)]);
        assert!(Login::current(&env).unwrap_err().to_string().contains("slipway login"));
        Login::new("https://slipway.example/", SecretString::from("t0ken"))
            .unwrap()
            .save(&file)
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let login = Login::current(&env).unwrap();
        assert_eq!(login.server, "https://slipway.example");
        assert_eq!(login.token.expose_secret(), "t0ken");
        assert!(!format!("{login:?}").contains("t0ken"));
        // The environment wins, half by half.
        let env = env_of(&[("SLIPWAY_LOGIN_FILE", &file_text), ("SLIPWAY_TOKEN", "other")]);
        let login = Login::current(&env).unwrap();
        assert_eq!(
            (login.server.as_str(), login.token.expose_secret()),
            ("https://slipway.example", "other")
        );
    }

    #[test]
    fn the_file_follows_the_xdg_convention() {
        assert_eq!(
            login_file(&env_of(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/slipway/login.toml"))
        );
        assert_eq!(
            login_file(&env_of(&[("HOME", "/h")])),
            Some(PathBuf::from("/h/.config/slipway/login.toml"))
        );
        assert_eq!(login_file(&env_of(&[])), None);
    }

    #[test]
    fn servers_must_be_http_urls() {
        for bad in ["slipway.example", "ftp://x", "http://a b"] {
            assert!(Login::new(bad, SecretString::from("t")).is_err(), "{bad}");
        }
    }
}

//! Turning [`Settings`] into running parts: the database, the JWT verifier, the credential
//! keyring and the service. Shared by `serve` and the operator commands, so that `slipway token`
//! finds the same secret `slipway serve` verifies with.

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use slipway_auth::{
    AsymmetricAlgorithm, ClaimNames, ConfigError, CredentialKeySource, CredentialKeyring, DiscoveredKeys, Hs256Secret,
    Issuer, JwtConfig, KeySet, LoadedSecret, VerificationKeys, load_credential_keyring, load_or_generate_jwt_secret,
};
use slipway_service::{Service, SystemClock};
use slipway_store::{ConnectOptions, Store, StoreError};

use crate::config::{JwtSettings, Settings};
use crate::oidc::JwksRefresher;

/// Why the binary could not start (or an operator command could not run). Messages never
/// contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting is missing, contradictory or invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// Key material or a secret file could not be used.
    #[error("configuration: {0}")]
    Keys(#[from] ConfigError),
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("server: {0}")]
    Serve(#[source] std::io::Error),
}

/// How often the wait for a database that does not answer yet is logged.
const DATABASE_WAIT_LOG_EVERY: Duration = Duration::from_secs(5);

impl StartupError {
    /// What an operator can do about it, when there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Store(StoreError::Unavailable(_)) => {
                Some("check --database-url (SLIPWAY_DATABASE_URL) and that the database accepts connections from here")
            }
            Self::Bind { .. } => Some(
                "another process may listen there, or the address is not this machine's: choose one with --listen (SLIPWAY_LISTEN)",
            ),
            Self::Keys(ConfigError::MissingCredentialKey) => {
                Some("set SLIPWAY_CREDENTIAL_KEY or --credential-key-file (README: credential keys)")
            }
            _ => None,
        }
    }
}

/// Opens the database named by the settings, migrating it when `migrate` is set. While the
/// database does not answer, a line every few seconds says what is awaited.
///
/// # Errors
/// [`StartupError::Store`] when it cannot be reached or migrated.
pub async fn open_store(settings: &Settings, migrate: bool) -> Result<Store, StartupError> {
    open_store_logging_every(settings, migrate, DATABASE_WAIT_LOG_EVERY).await
}

async fn open_store_logging_every(settings: &Settings, migrate: bool, every: Duration) -> Result<Store, StartupError> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| StartupError::Config(format!("{}: {e}", settings.data_dir.display())))?;
    }
    let options = ConnectOptions {
        migrate,
        max_connections: settings.database_max_connections,
        acquire_timeout: Some(settings.database_acquire_timeout),
    };
    let connect = Store::connect(&settings.database_url, options);
    tokio::pin!(connect);
    let started = Instant::now();
    let mut progress = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            connected = &mut connect => return Ok(connected?),
            _ = progress.tick() => tracing::info!(
                database = %settings.database_display(),
                waited_s = started.elapsed().as_secs(),
                "still waiting for the database to answer"
            ),
        }
    }
}

/// Refuses, before anything is opened or generated, a production configuration that lacks the
/// keys production mode requires (the embedded default would generate them).
///
/// # Errors
/// [`StartupError::Config`] naming the missing setting.
pub fn check_production_keys(settings: &Settings) -> Result<(), StartupError> {
    if !settings.production {
        return Ok(());
    }
    let jwt = &settings.jwt;
    if !jwt.is_explicit() {
        return Err(StartupError::Config(
            "production mode needs an explicit JWT configuration: set SLIPWAY_OIDC_ISSUER, \
             SLIPWAY_JWT_PUBLIC_KEY_FILE, SLIPWAY_JWKS_FILE or SLIPWAY_JWT_SECRET_FILE"
                .into(),
        ));
    }
    if matches!(settings.credential_key, CredentialKeySource::Unset) {
        return Err(StartupError::Keys(ConfigError::MissingCredentialKey));
    }
    Ok(())
}

fn warn_about<T>(loaded: &LoadedSecret<T>, what: &str) {
    if loaded.created {
        tracing::info!("generated a new {what} in the data directory");
    }
    if let Some(warning) = &loaded.warning {
        tracing::warn!("{warning}");
    }
}

/// Builds the JWT configuration: an OpenID Connect issuer (whose keys start empty and are
/// fetched by the server's [`JwksRefresher`](crate::oidc::JwksRefresher)), a PEM public key or
/// a JWKS file (RS256/ES256), an explicit HS256 secret file, or the embedded default secret
/// generated in the data directory. Production mode refuses the generated default.
///
/// # Errors
/// [`StartupError::Config`] for contradictory or missing settings, [`StartupError::Keys`] for
/// unusable key material.
pub fn jwt_config(settings: &Settings) -> Result<JwtConfig, StartupError> {
    let jwt = &settings.jwt;
    let asymmetric = |text: &Option<String>| -> Result<AsymmetricAlgorithm, StartupError> {
        Ok(text.as_deref().unwrap_or("RS256").parse::<AsymmetricAlgorithm>()?)
    };
    if let Some(issuer) = &jwt.oidc_issuer {
        return oidc_config(jwt, issuer);
    }
    let config = match (&jwt.public_key_file, &jwt.jwks_file, &jwt.secret_file) {
        (Some(pem), None, None) => JwtConfig::asymmetric(KeySet::from_pem_file(asymmetric(&jwt.algorithm)?, pem)?),
        (None, Some(jwks), None) => JwtConfig::asymmetric(KeySet::from_jwks_file(asymmetric(&jwt.algorithm)?, jwks)?),
        (None, None, Some(path)) => JwtConfig::hs256(read_hs256_secret(path)?),
        (None, None, None) => {
            check_production_keys(settings)?;
            let loaded = load_or_generate_jwt_secret(&settings.data_dir)?;
            warn_about(&loaded, "JWT secret");
            JwtConfig::hs256(loaded.value)
        }
        _ => {
            return Err(StartupError::Config(
                "set only one of SLIPWAY_JWT_PUBLIC_KEY_FILE, SLIPWAY_JWKS_FILE and SLIPWAY_JWT_SECRET_FILE".into(),
            ));
        }
    };
    let mut config = match &jwt.issuer {
        Some(issuer) => config.with_issuer(issuer.clone()),
        None => config,
    };
    if let Some(audience) = &jwt.audience {
        config = config.with_audience(audience.clone());
    }
    finish_jwt_config(jwt, config)
}

/// The leeway and claim names every mode shares.
fn finish_jwt_config(jwt: &JwtSettings, mut config: JwtConfig) -> Result<JwtConfig, StartupError> {
    if let Some(leeway) = jwt.leeway_seconds {
        config = config.with_leeway_seconds(leeway)?;
    }
    let defaults = ClaimNames::default();
    let claims = ClaimNames {
        subject: jwt.subject_claim.clone().unwrap_or(defaults.subject),
        name: jwt.name_claim.clone().unwrap_or(defaults.name),
        email: jwt.email_claim.clone().unwrap_or(defaults.email),
        groups: jwt.groups.as_ref().map(|g| g.claim.clone()),
    };
    Ok(config.with_claim_names(claims)?)
}

/// An OpenID Connect issuer: `iss` must equal it and `aud` the audience (the client id unless
/// SLIPWAY_JWT_AUDIENCE is set); keys come from its discovered JWKS.
fn oidc_config(jwt: &JwtSettings, issuer: &str) -> Result<JwtConfig, StartupError> {
    if jwt.public_key_file.is_some() || jwt.jwks_file.is_some() || jwt.secret_file.is_some() {
        return Err(StartupError::Config(
            "SLIPWAY_OIDC_ISSUER replaces SLIPWAY_JWT_PUBLIC_KEY_FILE, SLIPWAY_JWKS_FILE and \
             SLIPWAY_JWT_SECRET_FILE: set only one of them"
                .into(),
        ));
    }
    let issuer = Issuer::parse(issuer)?;
    if jwt.issuer.as_deref().is_some_and(|i| i != issuer.as_str()) {
        return Err(StartupError::Config(
            "SLIPWAY_JWT_ISSUER differs from SLIPWAY_OIDC_ISSUER: leave it unset".into(),
        ));
    }
    let Some(audience) = jwt.audience.as_ref().or(jwt.oidc_client_id.as_ref()) else {
        return Err(StartupError::Config(
            "SLIPWAY_OIDC_ISSUER needs SLIPWAY_OIDC_CLIENT_ID (or SLIPWAY_JWT_AUDIENCE): without an \
             audience check, tokens the provider issued to any other application would be accepted"
                .into(),
        ));
    };
    let config = JwtConfig::new(VerificationKeys::Discovered(DiscoveredKeys::new()))
        .with_issuer(issuer.as_str())
        .with_audience(audience.clone());
    finish_jwt_config(jwt, config)
}

/// The refresher of an OpenID Connect configuration's keys (`None` for the other modes).
///
/// # Errors
/// [`StartupError::Config`] when the HTTP client cannot be built.
pub fn jwks_refresher(settings: &Settings, config: &JwtConfig) -> Result<Option<JwksRefresher>, StartupError> {
    let (VerificationKeys::Discovered(keys), Some(issuer)) = (config.keys(), config.issuer()) else {
        return Ok(None);
    };
    let refresher = JwksRefresher::new(
        Issuer::parse(issuer)?,
        keys.clone(),
        settings.jwt.jwks_refresh.unwrap_or(crate::oidc::DEFAULT_REFRESH),
        settings
            .jwt
            .jwks_min_refresh
            .unwrap_or(crate::oidc::DEFAULT_MIN_REFRESH),
    )
    .map_err(|e| StartupError::Config(format!("OpenID Connect HTTP client: {e}")))?;
    Ok(Some(refresher))
}

fn read_hs256_secret(path: &std::path::Path) -> Result<Hs256Secret, StartupError> {
    let mut text = std::fs::read_to_string(path)
        .map_err(|e| StartupError::Config(format!("JWT secret file {}: {e}", path.display())))?;
    // Trimmed in place so that the secret is never copied into a string that outlives it.
    text.truncate(text.trim_end().len());
    Ok(Hs256Secret::new(SecretString::from(text))?)
}

/// Loads the credential keyring (generating it in the data directory outside production mode).
///
/// # Errors
/// [`StartupError::Keys`] when it is missing in production mode, unreadable or invalid.
pub fn credential_keyring(settings: &Settings) -> Result<CredentialKeyring, StartupError> {
    let loaded = load_credential_keyring(&settings.credential_key, &settings.data_dir, settings.production)?;
    warn_about(&loaded, "credential key");
    Ok(loaded.value)
}

/// Opens the store and builds the service over it (for `serve` and the operator commands). The
/// database is opened first, so that a configuration whose database is wrong or unreachable
/// leaves no generated key behind.
///
/// # Errors
/// As [`open_store`] and [`credential_keyring`].
pub async fn service(settings: &Settings, migrate: bool) -> Result<Service, StartupError> {
    check_production_keys(settings)?;
    let store = open_store(settings, migrate).await?;
    let keyring = credential_keyring(settings)?;
    Ok(Service::new(store, Arc::new(SystemClock), keyring))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer collecting log lines for a test.
    #[derive(Clone, Default)]
    struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_database_that_does_not_answer_is_waited_for_out_loud_and_generates_nothing() {
        // A "database" that accepts connections and never says a word.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in silent.incoming().take(64) {
                held.push(stream);
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_data_dir(dir.path()).unwrap();
        settings.database_url = format!("postgres://slipway:hunter2@127.0.0.1:{port}/slipway");
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let waited = tokio::time::timeout(
            Duration::from_millis(1500),
            open_store_logging_every(&settings, true, Duration::from_millis(200)),
        )
        .await;
        assert!(waited.is_err(), "the silent database is still awaited");
        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logs.contains("still waiting for the database to answer"), "{logs}");
        assert!(logs.contains(&format!("127.0.0.1:{port}")), "{logs}");
        assert!(!logs.contains("hunter2"), "the password is never logged: {logs}");
        // No key was generated for a configuration whose database is not there.
        assert_eq!(std::fs::read_dir(dir.path()).map(Iterator::count).unwrap_or(0), 0);
    }

    #[test]
    fn token_and_serve_share_the_generated_secret() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::for_data_dir(dir.path()).unwrap();
        let first = jwt_config(&settings).unwrap();
        let token = first
            .mint(
                &slipway_auth::TokenRequest::new("alice", chrono::Duration::hours(1)),
                chrono::Utc::now(),
            )
            .unwrap();
        let second = jwt_config(&settings).unwrap();
        let principal = slipway_auth::JwtVerifier::new(second).verify(&token).unwrap();
        assert_eq!(principal.subject, "alice");
    }

    #[test]
    fn production_refuses_generated_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_data_dir(dir.path()).unwrap();
        settings.production = true;
        assert!(matches!(jwt_config(&settings), Err(StartupError::Config(_))));
        assert!(matches!(
            credential_keyring(&settings),
            Err(StartupError::Keys(ConfigError::MissingCredentialKey))
        ));
        // Nothing was generated.
        assert_eq!(std::fs::read_dir(dir.path()).map(Iterator::count).unwrap_or(0), 0);
    }

    #[test]
    fn explicit_secret_files_are_trimmed_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "short\n").unwrap();
        let mut settings = Settings::for_data_dir(dir.path()).unwrap();
        settings.jwt.secret_file = Some(path.clone());
        assert!(matches!(jwt_config(&settings), Err(StartupError::Keys(_))));
        std::fs::write(&path, format!("{}\n", "x".repeat(40))).unwrap();
        assert_eq!(jwt_config(&settings).unwrap().algorithm_name(), "HS256");
        settings.jwt.jwks_file = Some(path);
        assert!(matches!(jwt_config(&settings), Err(StartupError::Config(_))));
    }

    #[test]
    fn an_oidc_issuer_needs_an_audience_and_excludes_the_key_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_data_dir(dir.path()).unwrap();
        settings.production = true;
        settings.jwt.oidc_issuer = Some("https://idp.example.com".into());
        let err = jwt_config(&settings).unwrap_err().to_string();
        assert!(err.contains("SLIPWAY_OIDC_CLIENT_ID"), "{err}");
        settings.jwt.oidc_client_id = Some("slipway".into());
        settings.jwt.subject_claim = Some("oid".into());
        let config = jwt_config(&settings).unwrap();
        assert_eq!(config.issuer(), Some("https://idp.example.com"));
        assert_eq!(config.audience(), Some("slipway"));
        assert_eq!(config.claim_names().subject, "oid");
        assert!(matches!(config.keys(), VerificationKeys::Discovered(_)));
        assert!(
            check_production_keys(&settings).is_err(),
            "still needs a credential key"
        );

        settings.jwt.issuer = Some("https://other.example.com".into());
        assert!(matches!(jwt_config(&settings), Err(StartupError::Config(_))));
        settings.jwt.issuer = None;
        settings.jwt.jwks_file = Some(dir.path().join("jwks.json"));
        assert!(matches!(jwt_config(&settings), Err(StartupError::Config(_))));
        settings.jwt.jwks_file = None;
        settings.jwt.oidc_issuer = Some("http://idp.example.com".into());
        assert!(
            matches!(jwt_config(&settings), Err(StartupError::Keys(_))),
            "plain http off loopback"
        );
        // Nothing was generated.
        assert_eq!(std::fs::read_dir(dir.path()).map(Iterator::count).unwrap_or(0), 0);
    }
}

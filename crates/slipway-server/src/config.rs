//! The server's settings, layered: flags, then `SLIPWAY_*` environment variables (both parsed by
//! [`cli`](crate::cli)), then an optional TOML file, then defaults. Secrets never appear in
//! `Debug` output.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use slipway_auth::CredentialKeySource;
use slipway_domain::webhook::address::AddressScope;

use crate::cli::{LogFormat, Options};
pub use crate::group_settings::GroupSettings;
use crate::rate_limit::RateLimitSettings;
use crate::startup::StartupError;

/// The default data directory.
pub const DEFAULT_DATA_DIR: &str = "./slipway-data";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The SQLite file name inside the data directory.
pub const SQLITE_FILE: &str = "slipway.db";
/// The default time a client has to send a request's complete headers.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time one webhook attempt may take.
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a webhook attempt may be given: well inside the two-minute claim on a delivery.
pub const MAX_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(60);
/// The default delay before a failed delivery's first retry.
pub const DEFAULT_WEBHOOK_RETRY_DELAY: Duration = Duration::from_secs(30);
/// The default time limit of a chat call, all its attempts included.
pub const DEFAULT_CHAT_TIMEOUT: Duration = Duration::from_secs(600);
/// The default time a keep-alive connection may stay idle between requests.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The default number of connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 4096;
/// The environment variable holding the credential keyring itself (never a flag: command lines
/// are visible to every user of the machine).
pub const CREDENTIAL_KEY_ENV: &str = "SLIPWAY_CREDENTIAL_KEY";

/// How bearer JWTs are verified, as configured (keys are loaded by
/// [`startup::jwt_config`](crate::startup::jwt_config)).
#[derive(Debug, Clone, Default)]
pub struct JwtSettings {
    /// PEM public key file (RS256/ES256).
    pub public_key_file: Option<PathBuf>,
    /// JWKS file (RS256/ES256).
    pub jwks_file: Option<PathBuf>,
    /// `RS256` or `ES256` for the two above.
    pub algorithm: Option<String>,
    /// An explicit HS256 secret file (instead of the generated one).
    pub secret_file: Option<PathBuf>,
    /// Required issuer.
    pub issuer: Option<String>,
    /// Required audience.
    pub audience: Option<String>,
    /// Clock-skew allowance in seconds.
    pub leeway_seconds: Option<u64>,
    /// OpenID Connect issuer whose discovered JWKS verifies tokens.
    pub oidc_issuer: Option<String>,
    /// The dashboard's OpenID Connect client id (the default audience with an issuer).
    pub oidc_client_id: Option<String>,
    /// Scopes the dashboard asks for, space-separated.
    pub oidc_scopes: Option<String>,
    /// Claims naming the user (`sub`, `name`, `email` by default).
    pub subject_claim: Option<String>,
    /// See `subject_claim`.
    pub name_claim: Option<String>,
    /// See `subject_claim`.
    pub email_claim: Option<String>,
    /// Interval of scheduled JWKS fetches.
    pub jwks_refresh: Option<Duration>,
    /// Shortest gap between fetches caused by unknown `kid`s.
    pub jwks_min_refresh: Option<Duration>,
    /// The identity provider's group mapping (claim and entries), when on.
    pub groups: Option<GroupSettings>,
}

impl JwtSettings {
    /// Whether anything but the generated embedded secret was configured (production mode
    /// insists on it).
    pub fn is_explicit(&self) -> bool {
        self.public_key_file.is_some()
            || self.jwks_file.is_some()
            || self.secret_file.is_some()
            || self.oidc_issuer.is_some()
    }
}

/// Everything the binary needs to run, fully resolved.
#[derive(Clone)]
pub struct Settings {
    /// Where the SQLite database and generated secrets live.
    pub data_dir: PathBuf,
    /// The database URL (may hold a password: use [`Settings::database_display`] to show it).
    pub database_url: String,
    /// Pool size override.
    pub database_max_connections: Option<u32>,
    /// How long a use of the database waits for a pooled connection before failing with
    /// `UNAVAILABLE` (short, so that writes fail fast during an outage).
    pub database_acquire_timeout: Duration,
    /// Run migrations when serving starts.
    pub migrate_on_start: bool,
    /// Listen address (port 0 picks a free port).
    pub listen: SocketAddr,
    /// A separate address serving only `/metrics` (which the main address then leaves out).
    pub metrics_addr: Option<SocketAddr>,
    /// Production mode.
    pub production: bool,
    /// Serve GraphiQL.
    pub graphiql: bool,
    /// Largest request body in bytes.
    pub body_limit: usize,
    /// Per-request time limit (not applied to the body of streams).
    pub request_timeout: Duration,
    /// Time limit of a chat call, all its attempts included.
    pub chat_timeout: Duration,
    /// Browser origins allowed by CORS (`*` for any); empty turns CORS off.
    pub cors_origins: Vec<String>,
    /// Time from a request's first byte (or a connection's opening) to its complete headers.
    pub header_read_timeout: Duration,
    /// Time a keep-alive connection may wait idle for its next request.
    pub idle_timeout: Duration,
    /// Connections served at once (at least 1); more wait in the accept queue.
    pub max_connections: u32,
    /// Background tick interval.
    pub tick_interval: Duration,
    /// Keep-alive interval of the watch stream (and of GraphQL WebSockets).
    pub watch_keepalive: Duration,
    /// JWT verification.
    pub jwt: JwtSettings,
    /// Rate limiting.
    pub rate_limit: RateLimitSettings,
    /// Where the credential keyring comes from.
    pub credential_key: CredentialKeySource,
    /// Log filter.
    pub log_filter: String,
    /// Log format.
    pub log_format: LogFormat,
    /// The dashboard's public base URL (webhook payloads link to it).
    pub public_url: Option<String>,
    /// Which addresses webhook deliveries may connect to.
    pub webhook_addresses: AddressScope,
    /// How long one webhook attempt may take.
    pub webhook_timeout: Duration,
    /// How long a failed delivery waits before its first retry.
    pub webhook_retry_delay: Duration,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credential_key = match &self.credential_key {
            CredentialKeySource::Inline(_) => "inline [REDACTED]".to_owned(),
            CredentialKeySource::File(p) => format!("file {}", p.display()),
            CredentialKeySource::Unset => "generated in the data directory".to_owned(),
        };
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_display())
            .field("database_max_connections", &self.database_max_connections)
            .field("database_acquire_timeout", &self.database_acquire_timeout)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("listen", &self.listen)
            .field("metrics_addr", &self.metrics_addr)
            .field("production", &self.production)
            .field("graphiql", &self.graphiql)
            .field("body_limit", &self.body_limit)
            .field("request_timeout", &self.request_timeout)
            .field("chat_timeout", &self.chat_timeout)
            .field("cors_origins", &self.cors_origins)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("tick_interval", &self.tick_interval)
            .field("watch_keepalive", &self.watch_keepalive)
            .field("jwt", &self.jwt)
            .field("rate_limit", &self.rate_limit)
            .field("credential_key", &credential_key)
            .field("log_filter", &self.log_filter)
            .field("log_format", &self.log_format)
            .field("public_url", &self.public_url)
            .field("webhook_addresses", &self.webhook_addresses)
            .field("webhook_timeout", &self.webhook_timeout)
            .field("webhook_retry_delay", &self.webhook_retry_delay)
            .finish()
    }
}

/// The TOML file, read into the same [`Options`] as the flags (every key optional, none unknown).
fn read_file(path: &Path) -> Result<Options, StartupError> {
    let text = std::fs::read_to_string(path).map_err(|e| StartupError::Config(format!("{}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let place = e.span().map(|span| {
            let (line, column) = line_and_column(&text, span.start);
            format!(" line {line}, column {column}")
        });
        StartupError::Config(format!(
            "{}{}: {}",
            path.display(),
            place.unwrap_or_default(),
            e.message()
        ))
    })
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// `value`, else `default`; a zero duration (which would close every connection at once) is
/// refused.
fn positive(value: Option<Duration>, default: Duration, key: &str) -> Result<Duration, StartupError> {
    match value {
        Some(d) if d.is_zero() => Err(StartupError::Config(format!("{key}: must be longer than zero"))),
        Some(d) => Ok(d),
        None => Ok(default),
    }
}

/// The rate limits from `options`, then the file, then the defaults.
fn rate_limit_settings(options: &Options, file: &Options) -> RateLimitSettings {
    let defaults = RateLimitSettings::default();
    RateLimitSettings {
        enabled: options.rate_limit.or(file.rate_limit).unwrap_or(defaults.enabled),
        address: options
            .rate_limit_address
            .or(file.rate_limit_address)
            .unwrap_or(defaults.address),
        credential: options
            .rate_limit_credential
            .or(file.rate_limit_credential)
            .unwrap_or(defaults.credential),
        gateway: options
            .rate_limit_gateway
            .or(file.rate_limit_gateway)
            .unwrap_or(defaults.gateway),
        failed_auth: options
            .rate_limit_failed_auth
            .or(file.rate_limit_failed_auth)
            .unwrap_or(defaults.failed_auth),
        mutations: options
            .rate_limit_mutations
            .or(file.rate_limit_mutations)
            .unwrap_or(defaults.mutations),
    }
}

impl Settings {
    /// Resolves the settings: `options` (flags and environment variables), then the TOML file
    /// they name, then defaults. `credential_key_env` is the value of `SLIPWAY_CREDENTIAL_KEY`.
    ///
    /// # Errors
    /// An unreadable or invalid TOML file, or an invalid value in it.
    pub fn resolve(options: Options, credential_key_env: Option<SecretString>) -> Result<Self, StartupError> {
        let file = match &options.config {
            Some(path) => read_file(path)?,
            None => Options::default(),
        };
        let rate_limit = rate_limit_settings(&options, &file);
        let data_dir = options
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = options
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join(SQLITE_FILE).display()));
        let production = options.production.or(file.production).unwrap_or(false);
        let credential_key = match (
            credential_key_env,
            options.credential_key_file.or(file.credential_key_file),
        ) {
            (Some(inline), _) => CredentialKeySource::Inline(inline),
            (None, Some(path)) => CredentialKeySource::File(path),
            (None, None) => CredentialKeySource::Unset,
        };
        let default_listen = DEFAULT_LISTEN
            .parse()
            .map_err(|_| StartupError::Config("invalid built-in listen address".into()))?;
        let webhook_addresses = options
            .webhook_addresses
            .or(file.webhook_addresses)
            .map(|s| s.parse::<AddressScope>())
            .transpose()
            .map_err(|e| StartupError::Config(e.to_string()))?
            .unwrap_or_default();
        let public_url = options.public_url.or(file.public_url);
        let webhook_timeout = positive(
            options.webhook_timeout.or(file.webhook_timeout),
            DEFAULT_WEBHOOK_TIMEOUT,
            "webhook_timeout",
        )?;
        if webhook_timeout > MAX_WEBHOOK_TIMEOUT {
            return Err(StartupError::Config(format!(
                "webhook_timeout: must be at most {}s (a delivery's claim lasts two minutes)",
                MAX_WEBHOOK_TIMEOUT.as_secs()
            )));
        }
        let oidc_issuer = options.oidc_issuer.or(file.oidc_issuer);
        let groups = GroupSettings::resolve(
            options.oidc_groups_claim.or(file.oidc_groups_claim),
            options.oidc_group_roles.or(file.oidc_group_roles),
            oidc_issuer.as_deref(),
        )?;
        Ok(Settings {
            public_url,
            webhook_addresses,
            webhook_timeout,
            webhook_retry_delay: positive(
                options.webhook_retry_delay.or(file.webhook_retry_delay),
                DEFAULT_WEBHOOK_RETRY_DELAY,
                "webhook_retry_delay",
            )?,
            database_max_connections: options.database_max_connections.or(file.database_max_connections),
            database_acquire_timeout: positive(
                options.database_acquire_timeout.or(file.database_acquire_timeout),
                slipway_store::DEFAULT_ACQUIRE_TIMEOUT,
                "database_acquire_timeout",
            )?,
            migrate_on_start: options.migrate_on_start.or(file.migrate_on_start).unwrap_or(true),
            listen: options.listen.or(file.listen).unwrap_or(default_listen),
            metrics_addr: options.metrics_addr.or(file.metrics_addr),
            graphiql: options.graphiql.or(file.graphiql).unwrap_or(!production),
            body_limit: options.body_limit.or(file.body_limit).unwrap_or(1024 * 1024),
            request_timeout: options
                .request_timeout
                .or(file.request_timeout)
                .unwrap_or(Duration::from_secs(30)),
            chat_timeout: positive(
                options.chat_timeout.or(file.chat_timeout),
                DEFAULT_CHAT_TIMEOUT,
                "chat_timeout",
            )?,
            cors_origins: options.cors_origins.or(file.cors_origins).unwrap_or_default(),
            header_read_timeout: positive(
                options.header_read_timeout.or(file.header_read_timeout),
                DEFAULT_HEADER_READ_TIMEOUT,
                "header_read_timeout",
            )?,
            idle_timeout: positive(
                options.idle_timeout.or(file.idle_timeout),
                DEFAULT_IDLE_TIMEOUT,
                "idle_timeout",
            )?,
            max_connections: match options.max_connections.or(file.max_connections) {
                Some(0) => return Err(StartupError::Config("max_connections: must be at least 1".into())),
                Some(n) => n,
                None => DEFAULT_MAX_CONNECTIONS,
            },
            tick_interval: options
                .tick_interval
                .or(file.tick_interval)
                .unwrap_or(Duration::from_secs(5)),
            watch_keepalive: options
                .watch_keepalive
                .or(file.watch_keepalive)
                .unwrap_or(Duration::from_secs(15)),
            jwt: JwtSettings {
                public_key_file: options.jwt_public_key_file.or(file.jwt_public_key_file),
                jwks_file: options.jwks_file.or(file.jwks_file),
                algorithm: options.jwt_algorithm.or(file.jwt_algorithm),
                secret_file: options.jwt_secret_file.or(file.jwt_secret_file),
                issuer: options.jwt_issuer.or(file.jwt_issuer),
                audience: options.jwt_audience.or(file.jwt_audience),
                leeway_seconds: options.jwt_leeway.or(file.jwt_leeway),
                oidc_issuer,
                oidc_client_id: options.oidc_client_id.or(file.oidc_client_id),
                oidc_scopes: options.oidc_scopes.or(file.oidc_scopes),
                subject_claim: options.oidc_subject_claim.or(file.oidc_subject_claim),
                name_claim: options.oidc_name_claim.or(file.oidc_name_claim),
                email_claim: options.oidc_email_claim.or(file.oidc_email_claim),
                jwks_refresh: options.oidc_jwks_refresh.or(file.oidc_jwks_refresh),
                jwks_min_refresh: options.oidc_jwks_min_refresh.or(file.oidc_jwks_min_refresh),
                groups,
            },
            credential_key,
            rate_limit,
            log_filter: options.log.or(file.log).unwrap_or_else(|| "info".to_owned()),
            log_format: options.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            data_dir,
            database_url,
            production,
        })
    }

    /// Settings for a server in `data_dir` on `127.0.0.1` with a free port and every other
    /// value at its default (what tests start from).
    ///
    /// # Errors
    /// None in practice: without a file nothing can be invalid.
    pub fn for_data_dir(data_dir: &Path) -> Result<Self, StartupError> {
        let options = Options {
            data_dir: Some(data_dir.to_path_buf()),
            listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..Options::default()
        };
        Self::resolve(options, None)
    }

    /// The database URL with any password replaced by `***`, for logs.
    pub fn database_display(&self) -> String {
        redact_url(&self.database_url)
    }
}

/// Replaces the password of a `scheme://user:password@host/…` URL with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let masked = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{masked}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::rate_limit::Budget;

    #[test]
    fn toml_errors_name_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slipway.toml");
        for (text, place, what) in [
            ("listen = 5\n", "line 1, column 10", "socket address"),
            ("log = \"info\"\nbody_limit = \"x\"\n", "line 2, column 14", "usize"),
            (
                "# about\n\nnonsense = 1\n",
                "line 3, column 1",
                "unknown field `nonsense`",
            ),
            ("listen = \"unterminated\n", "line 1, column", "string"),
        ] {
            std::fs::write(&path, text).unwrap();
            let options = Options {
                config: Some(path.clone()),
                ..Options::default()
            };
            let message = Settings::resolve(options, None).unwrap_err().to_string();
            assert!(message.contains(place) && message.contains(what), "{text:?}: {message}");
            assert!(!message.contains('\n'), "{message}");
        }
        assert_eq!(line_and_column("a = 1\nbé = 2\n", 10), (2, 4));
    }

    #[test]
    fn defaults_follow_the_data_directory() {
        let s = Settings::resolve(Options::default(), None).unwrap();
        assert_eq!(s.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(s.database_url, "sqlite://./slipway-data/slipway.db");
        assert_eq!(s.listen, DEFAULT_LISTEN.parse().unwrap());
        assert!(s.graphiql && !s.production && s.migrate_on_start);
        assert_eq!(s.tick_interval, Duration::from_secs(5));
        assert_eq!(s.database_acquire_timeout, Duration::from_secs(5));
        assert_eq!(s.metrics_addr, None);
        assert_eq!(
            (s.header_read_timeout, s.idle_timeout, s.max_connections),
            (Duration::from_secs(10), Duration::from_secs(60), 4096)
        );
        let s = Settings::resolve(
            Options {
                data_dir: Some("/var/lib/slipway".into()),
                ..Options::default()
            },
            None,
        )
        .unwrap();
        assert_eq!(s.database_url, "sqlite:///var/lib/slipway/slipway.db");
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "listen = \"0.0.0.0:9000\"\ntick_interval = \"1m\"\nproduction = true\ndatabase_url = \"postgres://u:hunter2@db/s\"\nidle_timeout = \"2m\"\nmax_connections = 64\ndatabase_acquire_timeout = \"2s\"\nmetrics_addr = \"0.0.0.0:9090\""
        )
        .unwrap();
        let options = Options {
            config: Some(file.path().to_path_buf()),
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            ..Options::default()
        };
        let s = Settings::resolve(options, None).unwrap();
        assert_eq!(s.listen, "127.0.0.1:7000".parse().unwrap());
        assert_eq!(s.tick_interval, Duration::from_secs(60));
        assert_eq!((s.idle_timeout, s.max_connections), (Duration::from_secs(120), 64));
        assert_eq!(s.database_acquire_timeout, Duration::from_secs(2));
        assert_eq!(s.metrics_addr, Some("0.0.0.0:9090".parse().unwrap()));
        assert!(s.production);
        assert!(!s.graphiql, "GraphiQL is off in production unless asked for");
        assert!(
            !format!("{s:?}").contains("hunter2"),
            "the password never shows in Debug"
        );
    }

    #[test]
    fn unknown_or_invalid_file_settings_are_refused() {
        for text in [
            "colour = \"red\"",
            "tick_interval = \"soon\"",
            "listen = 5",
            "max_connections = 0",
            "header_read_timeout = \"0s\"",
            "idle_timeout = \"0ms\"",
            "database_acquire_timeout = \"0s\"",
            "metrics_addr = \"nowhere\"",
            "rate_limit_failed_auth = \"lots\"",
        ] {
            let mut file = tempfile::NamedTempFile::new().unwrap();
            writeln!(file, "{text}").unwrap();
            let options = Options {
                config: Some(file.path().to_path_buf()),
                ..Options::default()
            };
            assert!(
                matches!(Settings::resolve(options, None), Err(StartupError::Config(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn rate_limits_come_from_flags_then_the_file_then_defaults() {
        let s = Settings::resolve(Options::default(), None).unwrap();
        assert_eq!(s.rate_limit, RateLimitSettings::default());
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "rate_limit = false\nrate_limit_address = \"10/1s\"\nrate_limit_gateway = \"100/1s\""
        )
        .unwrap();
        let options = Options {
            config: Some(file.path().to_path_buf()),
            rate_limit_address: Some(Budget::parse("20/1s").unwrap()),
            ..Options::default()
        };
        let s = Settings::resolve(options, None).unwrap();
        assert!(!s.rate_limit.enabled);
        assert_eq!(s.rate_limit.address.to_string(), "20/1s", "the flag wins");
        assert_eq!(s.rate_limit.gateway.to_string(), "100/1s", "then the file");
        assert_eq!(s.rate_limit.mutations, RateLimitSettings::default().mutations);
    }

    #[test]
    fn inline_credential_keys_never_show() {
        let s = Settings::resolve(Options::default(), Some(SecretString::from("c2VjcmV0"))).unwrap();
        assert!(matches!(s.credential_key, CredentialKeySource::Inline(_)));
        assert!(!format!("{s:?}").contains("c2VjcmV0"));
    }

    #[test]
    fn webhook_timing_has_defaults_and_bounds() {
        let s = Settings::resolve(Options::default(), None).unwrap();
        assert_eq!(
            (s.webhook_timeout, s.webhook_retry_delay),
            (DEFAULT_WEBHOOK_TIMEOUT, DEFAULT_WEBHOOK_RETRY_DELAY)
        );
        let long = Options {
            webhook_timeout: Some(Duration::from_secs(61)),
            ..Options::default()
        };
        let error = Settings::resolve(long, None).unwrap_err().to_string();
        assert!(error.contains("webhook_timeout: must be at most 60s"), "{error}");
        let zero = Options {
            webhook_retry_delay: Some(Duration::ZERO),
            ..Options::default()
        };
        let error = Settings::resolve(zero, None).unwrap_err().to_string();
        assert!(
            error.contains("webhook_retry_delay: must be longer than zero"),
            "{error}"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://./x.db"), "sqlite://./x.db");
    }
}

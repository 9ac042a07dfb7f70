//! The command line: subcommands and the flags (each with its `SLIPWAY_*` environment variable)
//! that [`Settings::resolve`](crate::config::Settings::resolve) layers over the TOML file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::duration::parse_duration;
use crate::rate_limit::Budget;

/// `slipway`: the control plane that decides which version of each LLM configuration is live in
/// which environment.
#[derive(Debug, Parser)]
#[command(name = "slipway", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub options: Options,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (GraphQL API, gateway endpoints, health and metrics).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Print a JWT signed with the embedded HS256 secret (the one `serve` verifies).
    Token(TokenArgs),
    /// Audit log commands.
    Audit {
        /// The audit command.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the GraphQL schema (SDL) to standard output.
    Schema,
    /// Print the OpenAPI description of the REST endpoints (JSON) to standard output.
    Openapi,
    /// Print the reference of every setting (Markdown: docs/configuration.md) to standard output.
    ConfigReference,
    /// Set an organization's plan limit on environments per project (an operator's action).
    Quota(QuotaArgs),
    /// Provider-credential commands.
    Credentials {
        /// The credentials command.
        #[command(subcommand)]
        command: CredentialsCommand,
    },
    /// The commands for people and pipelines, which talk to a running server.
    #[command(flatten)]
    People(crate::remote::PeopleCommand),
}

/// `slipway credentials …`.
#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Re-encrypt every stored provider credential under the keyring's current key version (the
    /// last step of a key rotation; afterwards older key versions may be removed from the
    /// keyring). Exits with status 1 if a credential could not be decrypted.
    Reencrypt,
}

/// `slipway token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The user the token identifies (its `sub`).
    #[arg(long, value_name = "NAME")]
    pub sub: String,
    /// A display name (`name` claim).
    #[arg(long)]
    pub name: Option<String>,
    /// An email address (`email` claim).
    #[arg(long)]
    pub email: Option<String>,
    /// How long the token stays valid (e.g. 30m, 12h, 7d; at most 366d).
    #[arg(long, default_value = "12h", value_parser = parse_duration)]
    pub ttl: Duration,
    /// Print a dashboard sign-in link instead of the bare token: the token rides in the URL's
    /// fragment, which browsers never send to a server, so it reaches no log.
    #[arg(long)]
    pub link: bool,
    /// The address people open Slipway at, for `--link` (default: the listen address).
    #[arg(long, value_name = "URL", requires = "link")]
    pub base_url: Option<String>,
}

/// `slipway audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify a project's hash-chained audit log: every event, and against the stored chain head
    /// that none was removed from its end; exits with status 1 when it is broken.
    Verify {
        /// The project, as ORG/PROJECT.
        #[arg(long, value_name = "ORG/PROJECT")]
        project: String,
    },
}

/// `slipway quota`.
#[derive(Debug, Args)]
pub struct QuotaArgs {
    /// The organization's slug.
    #[arg(long)]
    pub org: String,
    /// Environments allowed per project: a number, or `unlimited`.
    #[arg(long, value_name = "N|unlimited", value_parser = parse_quota)]
    pub environments: Quota,
}

/// An environment quota as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota(pub Option<u32>);

fn parse_quota(text: &str) -> Result<Quota, String> {
    if text.eq_ignore_ascii_case("unlimited") {
        return Ok(Quota(None));
    }
    text.parse::<u32>()
        .map(|n| Quota(Some(n)))
        .map_err(|_| format!("'{text}' is neither a number nor `unlimited`"))
}

/// The format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// Every setting of the server, declared once: its flag and `SLIPWAY_*` variable (clap), its TOML
/// key and type (serde: the TOML file is read into this same struct, the field's name being the
/// key), its default (the `[default: …]` of its doc comment, applied by
/// [`Settings::resolve`](crate::config::Settings::resolve)) and its meaning (the doc comment, also
/// in `docs/configuration.md`). All are optional here: a flag or variable wins over the file,
/// the file over the default.
#[derive(Debug, Default, Args, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// A TOML configuration file (flags and environment variables take precedence over it).
    #[arg(long, env = "SLIPWAY_CONFIG", global = true, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    /// Directory holding the SQLite database, the generated JWT secret and credential key
    /// [default: ./slipway-data].
    #[arg(
        long,
        env = "SLIPWAY_DATA_DIR",
        global = true,
        value_name = "DIR",
        help_heading = "Storage"
    )]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER:PASSWORD@HOST/DB
    /// [default: sqlite://<data dir>/slipway.db].
    #[arg(
        long,
        env = "SLIPWAY_DATABASE_URL",
        global = true,
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Storage"
    )]
    pub database_url: Option<String>,
    /// Database connection pool size [default: 8 for SQLite, 10 for PostgreSQL].
    #[arg(
        long,
        env = "SLIPWAY_DATABASE_MAX_CONNECTIONS",
        global = true,
        help_heading = "Storage"
    )]
    pub database_max_connections: Option<u32>,
    /// How long a request waits for a database connection before failing with UNAVAILABLE
    /// (during an outage, writes fail this fast) [default: 5s].
    #[arg(long, env = "SLIPWAY_DATABASE_ACQUIRE_TIMEOUT", global = true, value_parser = parse_duration,
          help_heading = "Storage")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub database_acquire_timeout: Option<Duration>,
    /// Apply pending migrations when `serve` starts [default: true].
    #[arg(long, env = "SLIPWAY_MIGRATE_ON_START", global = true, value_parser = BoolishValueParser::new(),
          num_args = 0..=1, require_equals = true, default_missing_value = "true", help_heading = "Storage")]
    pub migrate_on_start: Option<bool>,

    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(
        long,
        env = "SLIPWAY_LISTEN",
        global = true,
        value_name = "ADDR",
        help_heading = "Server"
    )]
    pub listen: Option<SocketAddr>,
    /// Serve `/metrics` on this address only, apart from the API (e.g. a port only the
    /// scraper reaches); unset, `/metrics` is served on the listen address.
    #[arg(
        long,
        env = "SLIPWAY_METRICS_ADDR",
        global = true,
        value_name = "ADDR",
        help_heading = "Server"
    )]
    pub metrics_addr: Option<SocketAddr>,
    /// Production mode: requires an explicit credential key and JWT configuration, and turns
    /// GraphiQL and introspection off [default: false].
    #[arg(long, env = "SLIPWAY_PRODUCTION", global = true, value_parser = BoolishValueParser::new(),
          num_args = 0..=1, require_equals = true, default_missing_value = "true", help_heading = "Server")]
    pub production: Option<bool>,
    /// Serve GraphiQL on GET /graphql [default: on, off in production mode].
    #[arg(long, env = "SLIPWAY_GRAPHIQL", global = true, value_parser = BoolishValueParser::new(),
          num_args = 0..=1, require_equals = true, default_missing_value = "true", help_heading = "Server")]
    pub graphiql: Option<bool>,
    /// Largest accepted request body, in bytes [default: 1048576].
    #[arg(
        long,
        env = "SLIPWAY_BODY_LIMIT",
        global = true,
        value_name = "BYTES",
        help_heading = "Server"
    )]
    pub body_limit: Option<usize>,
    /// Longest time a request may take before it fails with 503 (the body of a stream is not
    /// limited) [default: 30s].
    #[arg(long, env = "SLIPWAY_REQUEST_TIMEOUT", global = true, value_parser = parse_duration, help_heading = "Server")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub request_timeout: Option<Duration>,
    /// Longest time a call of the chat endpoints may take before it fails with 503, all its
    /// attempts, retries and fallbacks included (a streamed answer is not limited once it
    /// started) [default: 10m].
    #[arg(long, env = "SLIPWAY_CHAT_TIMEOUT", global = true, value_parser = parse_duration, help_heading = "Server")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub chat_timeout: Option<Duration>,
    /// Origins allowed to call the API from a browser, comma-separated, or `*` [default: none].
    #[arg(
        long,
        env = "SLIPWAY_CORS_ORIGINS",
        global = true,
        value_delimiter = ',',
        help_heading = "Server"
    )]
    pub cors_origins: Option<Vec<String>>,
    /// The dashboard's public base URL, which webhook payloads link to [default: the listen
    /// address].
    #[arg(
        long,
        env = "SLIPWAY_PUBLIC_URL",
        global = true,
        value_name = "URL",
        help_heading = "Webhooks"
    )]
    pub public_url: Option<String>,
    /// Which addresses webhook deliveries may connect to: `public`, `loopback` (public and
    /// loopback) or `private` (also private, link-local and metadata addresses)
    /// [default: loopback].
    #[arg(
        long,
        env = "SLIPWAY_WEBHOOK_ADDRESSES",
        global = true,
        value_name = "SCOPE",
        help_heading = "Webhooks"
    )]
    pub webhook_addresses: Option<String>,
    /// How long one webhook attempt may take, connecting included, before it counts as failed
    /// (at most 60s) [default: 10s].
    #[arg(long, env = "SLIPWAY_WEBHOOK_TIMEOUT", global = true, value_parser = parse_duration, help_heading = "Webhooks")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub webhook_timeout: Option<Duration>,
    /// How long a failed webhook delivery waits before its first retry; each further retry waits
    /// twice as long (up to 2h, with jitter), and a delivery is retried for 24h after its event
    /// [default: 30s].
    #[arg(long, env = "SLIPWAY_WEBHOOK_RETRY_DELAY", global = true, value_parser = parse_duration, help_heading = "Webhooks")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub webhook_retry_delay: Option<Duration>,
    /// How often background work runs: release expiry, auto-apply after a freeze, the revision
    /// check across instances [default: 5s].
    #[arg(long, env = "SLIPWAY_TICK_INTERVAL", global = true, value_parser = parse_duration, help_heading = "Server")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub tick_interval: Option<Duration>,
    /// Time a client has to send a request's complete headers, from its first byte (or from
    /// connecting); also the time a WebSocket has to send `connection_init` [default: 10s].
    #[arg(long, env = "SLIPWAY_HEADER_READ_TIMEOUT", global = true, value_parser = parse_duration, help_heading = "Server")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub header_read_timeout: Option<Duration>,
    /// Time a keep-alive connection may stay idle between requests before it is closed (watch
    /// streams and WebSockets are not idle) [default: 60s].
    #[arg(long, env = "SLIPWAY_IDLE_TIMEOUT", global = true, value_parser = parse_duration, help_heading = "Server")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub idle_timeout: Option<Duration>,
    /// Connections served at once; further clients wait in the accept queue [default: 4096].
    #[arg(long, env = "SLIPWAY_MAX_CONNECTIONS", global = true, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..), help_heading = "Server")]
    pub max_connections: Option<u32>,
    /// Interval of keep-alive comments on /v1/config/watch [default: 15s].
    #[arg(long, env = "SLIPWAY_WATCH_KEEPALIVE", global = true, value_parser = parse_duration, help_heading = "Server")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub watch_keepalive: Option<Duration>,

    /// Rate limiting on or off [default: true]. Budgets are COUNT/PERIOD: bursts of COUNT,
    /// refilled evenly over PERIOD.
    #[arg(long, env = "SLIPWAY_RATE_LIMIT", global = true, value_parser = BoolishValueParser::new(),
          num_args = 0..=1, require_equals = true, default_missing_value = "true", help_heading = "Rate limits")]
    pub rate_limit: Option<bool>,
    /// Requests per client address (health, metrics and gateway reads with an API key
    /// excepted) [default: 1200/1m].
    #[arg(long, env = "SLIPWAY_RATE_LIMIT_ADDRESS", global = true, value_name = "BUDGET",
          value_parser = Budget::parse, help_heading = "Rate limits")]
    #[serde(deserialize_with = "crate::rate_limit::budget::deserialize_opt")]
    pub rate_limit_address: Option<Budget>,
    /// Requests per signed-in user (JWT subject) [default: 600/1m].
    #[arg(long, env = "SLIPWAY_RATE_LIMIT_CREDENTIAL", global = true, value_name = "BUDGET",
          value_parser = Budget::parse, help_heading = "Rate limits")]
    #[serde(deserialize_with = "crate::rate_limit::budget::deserialize_opt")]
    pub rate_limit_credential: Option<Budget>,
    /// Requests per API key (gateway reads) [default: 5000/1s].
    #[arg(long, env = "SLIPWAY_RATE_LIMIT_GATEWAY", global = true, value_name = "BUDGET",
          value_parser = Budget::parse, help_heading = "Rate limits")]
    #[serde(deserialize_with = "crate::rate_limit::budget::deserialize_opt")]
    pub rate_limit_gateway: Option<Budget>,
    /// Failed authentications per client address; then 429 instead of 401 [default: 30/1m].
    #[arg(long, env = "SLIPWAY_RATE_LIMIT_FAILED_AUTH", global = true, value_name = "BUDGET",
          value_parser = Budget::parse, help_heading = "Rate limits")]
    #[serde(deserialize_with = "crate::rate_limit::budget::deserialize_opt")]
    pub rate_limit_failed_auth: Option<Budget>,
    /// GraphQL mutation requests per caller (per address when anonymous) [default: 120/1m].
    #[arg(long, env = "SLIPWAY_RATE_LIMIT_MUTATIONS", global = true, value_name = "BUDGET",
          value_parser = Budget::parse, help_heading = "Rate limits")]
    #[serde(deserialize_with = "crate::rate_limit::budget::deserialize_opt")]
    pub rate_limit_mutations: Option<Budget>,

    /// PEM public key verifying RS256/ES256 tokens (instead of the embedded HS256 secret).
    #[arg(
        long,
        env = "SLIPWAY_JWT_PUBLIC_KEY_FILE",
        global = true,
        value_name = "FILE",
        help_heading = "Authentication"
    )]
    pub jwt_public_key_file: Option<PathBuf>,
    /// JWKS document verifying RS256/ES256 tokens (keys chosen by `kid`).
    #[arg(
        long,
        env = "SLIPWAY_JWKS_FILE",
        global = true,
        value_name = "FILE",
        help_heading = "Authentication"
    )]
    pub jwks_file: Option<PathBuf>,
    /// Algorithm of the public key or JWKS: RS256 or ES256 [default: RS256].
    #[arg(long, env = "SLIPWAY_JWT_ALGORITHM", global = true, help_heading = "Authentication")]
    pub jwt_algorithm: Option<String>,
    /// File holding an explicit HS256 secret (at least 32 bytes) [default: <data dir>/jwt-secret,
    /// generated on first use].
    #[arg(
        long,
        env = "SLIPWAY_JWT_SECRET_FILE",
        global = true,
        value_name = "FILE",
        help_heading = "Authentication"
    )]
    pub jwt_secret_file: Option<PathBuf>,
    /// Required `iss` of tokens (and the one `slipway token` writes).
    #[arg(long, env = "SLIPWAY_JWT_ISSUER", global = true, help_heading = "Authentication")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` of tokens (and the one `slipway token` writes).
    #[arg(long, env = "SLIPWAY_JWT_AUDIENCE", global = true, help_heading = "Authentication")]
    pub jwt_audience: Option<String>,
    /// Allowed clock skew on `exp`/`nbf`, in seconds (at most 300) [default: 30].
    #[arg(
        long,
        env = "SLIPWAY_JWT_LEEWAY",
        global = true,
        value_name = "SECONDS",
        help_heading = "Authentication"
    )]
    pub jwt_leeway: Option<u64>,
    /// OpenID Connect issuer whose discovered JWKS verifies tokens (`iss` must equal it).
    #[arg(
        long,
        env = "SLIPWAY_OIDC_ISSUER",
        global = true,
        value_name = "URL",
        help_heading = "Authentication"
    )]
    pub oidc_issuer: Option<String>,
    /// OpenID Connect client id of the dashboard; the required `aud` unless SLIPWAY_JWT_AUDIENCE
    /// says otherwise.
    #[arg(long, env = "SLIPWAY_OIDC_CLIENT_ID", global = true, help_heading = "Authentication")]
    pub oidc_client_id: Option<String>,
    /// Scopes the dashboard asks the issuer for, space-separated [default: openid profile email].
    #[arg(long, env = "SLIPWAY_OIDC_SCOPES", global = true, help_heading = "Authentication")]
    pub oidc_scopes: Option<String>,
    /// Claim holding the user's stable id [default: sub].
    #[arg(
        long,
        env = "SLIPWAY_OIDC_SUBJECT_CLAIM",
        global = true,
        value_name = "CLAIM",
        help_heading = "Authentication"
    )]
    pub oidc_subject_claim: Option<String>,
    /// Claim holding the user's display name [default: name].
    #[arg(
        long,
        env = "SLIPWAY_OIDC_NAME_CLAIM",
        global = true,
        value_name = "CLAIM",
        help_heading = "Authentication"
    )]
    pub oidc_name_claim: Option<String>,
    /// Claim holding the user's email [default: email].
    #[arg(
        long,
        env = "SLIPWAY_OIDC_EMAIL_CLAIM",
        global = true,
        value_name = "CLAIM",
        help_heading = "Authentication"
    )]
    pub oidc_email_claim: Option<String>,
    /// Claim of verified tokens holding the user's groups (an array of strings, or one string);
    /// with SLIPWAY_OIDC_GROUP_ROLES it maps groups to project roles (without both, membership
    /// is managed in Slipway only).
    #[arg(
        long,
        env = "SLIPWAY_OIDC_GROUPS_CLAIM",
        global = true,
        value_name = "CLAIM",
        help_heading = "Authentication"
    )]
    pub oidc_groups_claim: Option<String>,
    /// Project roles granted by groups, as GROUP=ORG/PROJECT:ROLE entries (role: admin,
    /// developer, approver or viewer; never owner): the flag repeated, `;`-separated in the
    /// variable, an array of strings in TOML [default: none].
    #[arg(
        long = "oidc-group-role",
        env = "SLIPWAY_OIDC_GROUP_ROLES",
        global = true,
        value_delimiter = ';',
        value_name = "GROUP=ORG/PROJECT:ROLE",
        help_heading = "Authentication"
    )]
    pub oidc_group_roles: Option<Vec<String>>,
    /// How often the issuer's JWKS is fetched again [default: 5m].
    #[arg(long, env = "SLIPWAY_OIDC_JWKS_REFRESH", global = true, value_parser = parse_duration, help_heading = "Authentication")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub oidc_jwks_refresh: Option<Duration>,
    /// Shortest time between two fetches caused by tokens naming an unknown `kid` [default: 1m].
    #[arg(long, env = "SLIPWAY_OIDC_JWKS_MIN_REFRESH", global = true, value_parser = parse_duration, help_heading = "Authentication")]
    #[serde(deserialize_with = "crate::duration::deserialize_opt")]
    pub oidc_jwks_min_refresh: Option<Duration>,
    /// File holding the credential keyring that encrypts provider credentials (the key itself can
    /// be given in SLIPWAY_CREDENTIAL_KEY) [default: <data dir>/credential-key, generated].
    #[arg(
        long,
        env = "SLIPWAY_CREDENTIAL_KEY_FILE",
        global = true,
        value_name = "FILE",
        help_heading = "Authentication"
    )]
    pub credential_key_file: Option<PathBuf>,

    /// Log filter, in `RUST_LOG` syntax [default: info].
    #[arg(
        long,
        env = "SLIPWAY_LOG",
        global = true,
        value_name = "FILTER",
        help_heading = "Logging"
    )]
    pub log: Option<String>,
    /// Log line format [default: text].
    #[arg(long, env = "SLIPWAY_LOG_FORMAT", global = true, help_heading = "Logging")]
    pub log_format: Option<LogFormat>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_parse_after_the_subcommand() {
        let cli = Cli::try_parse_from(["slipway", "serve", "--listen", "127.0.0.1:0", "--production"]).unwrap();
        assert!(matches!(cli.command, Command::Serve));
        assert_eq!(cli.options.listen, Some("127.0.0.1:0".parse().unwrap()));
        assert_eq!(cli.options.production, Some(true));
        let cli = Cli::try_parse_from(["slipway", "--production=false", "migrate"]).unwrap();
        assert_eq!(cli.options.production, Some(false));
    }

    #[test]
    fn rate_limits_are_flags_with_budgets() {
        let cli = Cli::try_parse_from([
            "slipway",
            "serve",
            "--rate-limit=false",
            "--rate-limit-mutations",
            "10/1m",
        ])
        .unwrap();
        assert_eq!(cli.options.rate_limit, Some(false));
        assert_eq!(cli.options.rate_limit_mutations.unwrap().to_string(), "10/60s");
        assert!(Cli::try_parse_from(["slipway", "serve", "--rate-limit-address", "often"]).is_err());
    }

    #[test]
    fn quotas_are_numbers_or_unlimited() {
        assert_eq!(parse_quota("3"), Ok(Quota(Some(3))));
        assert_eq!(parse_quota("unlimited"), Ok(Quota(None)));
        assert!(parse_quota("-1").is_err());
        let cli = Cli::try_parse_from(["slipway", "quota", "--org", "acme", "--environments", "unlimited"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Quota(QuotaArgs {
                environments: Quota(None),
                ..
            })
        ));
    }

    #[test]
    fn token_ttls_are_durations() {
        let cli = Cli::try_parse_from(["slipway", "token", "--sub", "alice", "--ttl", "30m"]).unwrap();
        let Command::Token(args) = cli.command else {
            panic!("not a token command")
        };
        assert_eq!(args.ttl, Duration::from_secs(1800));
    }
}

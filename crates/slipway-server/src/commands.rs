//! The operator commands behind the CLI (`serve`, `migrate`, `token`, `audit verify`, `quota`),
//! returning values for the binary to print.

use slipway_auth::TokenRequest;
use slipway_domain::Organization;
use slipway_domain::audit::ChainBreak;
use slipway_service::Ctx;

use crate::config::Settings;
use crate::server::Server;
use crate::shutdown;
use crate::startup::{self, StartupError};

/// `slipway serve`: runs until SIGTERM or SIGINT.
///
/// # Errors
/// As [`Server::build`] and [`Server::run`].
pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    let server = Server::build(settings).await?;
    let trigger = server.shutdown_handle();
    tokio::spawn(async move {
        shutdown::os_signal().await;
        trigger.trigger();
    });
    server.run().await
}

/// `slipway migrate`: applies pending migrations.
///
/// # Errors
/// The database cannot be reached or a migration fails.
pub async fn migrate(settings: &Settings) -> Result<(), StartupError> {
    let store = startup::open_store(settings, true).await?;
    store.close().await?;
    Ok(())
}

/// `slipway token`: a JWT for `request` signed with the configured HS256 secret (with the
/// configured issuer and audience).
///
/// # Errors
/// RS256/ES256 configurations (Slipway never holds an identity provider's private key), an
/// invalid request.
pub fn token(
    settings: &Settings,
    subject: &str,
    name: Option<String>,
    email: Option<String>,
    ttl: std::time::Duration,
) -> Result<String, StartupError> {
    let config = startup::jwt_config(settings)?;
    let lifetime = chrono::Duration::from_std(ttl).map_err(|_| StartupError::Config("--ttl is too long".into()))?;
    let mut request = TokenRequest::new(subject, lifetime);
    request.name = name;
    request.email = email;
    config
        .mint(&request, chrono::Utc::now())
        .map_err(|e| StartupError::Config(e.to_string()))
}

/// `slipway token --link`: the dashboard's sign-in page with `token` in the fragment, at
/// `base_url` or else at the listen address (a wildcard address as the loopback one).
pub fn sign_in_link(settings: &Settings, base_url: Option<&str>, token: &str) -> String {
    let base = base_url.map_or_else(
        || {
            let mut addr = settings.listen;
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{addr}")
        },
        |url| url.trim_end_matches('/').to_owned(),
    );
    format!("{base}/signin#token={token}")
}

/// `slipway audit verify --project ORG/PROJECT`: the number of events verified, or where the
/// chain breaks.
///
/// # Errors
/// A malformed project, an unknown project, the database.
pub async fn audit_verify(settings: &Settings, project: &str) -> Result<Result<u64, ChainBreak>, StartupError> {
    let (org, slug) = project
        .split_once('/')
        .filter(|(o, p)| !o.is_empty() && !p.is_empty())
        .ok_or_else(|| StartupError::Config("--project must be ORG/PROJECT".into()))?;
    let service = startup::service(settings, settings.migrate_on_start).await?;
    let outcome = service
        .verify_audit(org, slug)
        .await
        .map_err(|e| StartupError::Config(e.to_string()));
    service.store().clone().close().await?;
    outcome
}

/// `slipway quota --org ORG --environments N|unlimited`.
///
/// # Errors
/// An unknown organization, the database.
pub async fn quota(settings: &Settings, org: &str, environments: Option<u32>) -> Result<Organization, StartupError> {
    let service = startup::service(settings, settings.migrate_on_start).await?;
    let outcome = service
        .set_environment_quota(&Ctx::system(), org, environments)
        .await
        .map_err(|e| StartupError::Config(e.to_string()));
    service.store().clone().close().await?;
    outcome
}

/// `slipway credentials reencrypt`.
///
/// # Errors
/// The database, or the keyring configuration.
pub async fn reencrypt_credentials(settings: &Settings) -> Result<slipway_service::ReencryptReport, StartupError> {
    let service = startup::service(settings, settings.migrate_on_start).await?;
    let outcome = service
        .reencrypt_credentials(&Ctx::system())
        .await
        .map_err(|e| StartupError::Config(e.to_string()));
    service.store().clone().close().await?;
    outcome
}

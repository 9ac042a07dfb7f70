//! The running server: built from [`Settings`] (database, keys, service, schema, router, bound
//! listener, and the metrics' own listener when `metrics_addr` is set), then run until its [`Shutdown`] fires — after which it stops accepting, lets
//! in-flight requests finish, stops the background work and closes the database.

use std::net::SocketAddr;

use axum::Router;
use slipway_auth::{JwtConfig, JwtVerifier, VerificationKeys};
use slipway_service::Service;
use tokio::net::TcpListener;

use crate::app::{self, HttpOptions};
use crate::auth::Authenticator;
use crate::config::Settings;
use crate::connection::Deadlines;
use crate::graphql::GraphqlState;
use crate::listener::{self, ListenerOptions};
use crate::metrics::Metrics;
use crate::oidc::JwksRefresher;
use crate::rate_limit::{self, RateLimits};
use crate::shutdown::Shutdown;
use crate::startup::{self, StartupError};
use crate::state::{AppState, SharedState};

/// A server bound to its address, ready to run.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    /// `/metrics` on an address of its own, when asked for.
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    settings: Settings,
    token_hint: &'static str,
    webhooks: slipway_gateway::webhook::WebhookSender,
    jwks: Option<JwksRefresher>,
}

impl Server {
    /// Opens the database (migrating it unless turned off), loads the keys, builds the service
    /// and router, and binds the listen address.
    ///
    /// # Errors
    /// Any [`StartupError`]: invalid settings or keys, an unreachable database, a taken port.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        // Cheap checks and the port first; slow work (the database) next; the embedded
        // default's secrets are generated only once the rest is known good.
        startup::check_production_keys(&settings)?;
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(|source| StartupError::Bind {
                addr: settings.listen,
                source,
            })?;
        let metrics_listener = match settings.metrics_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|source| StartupError::Bind { addr, source })?,
            ),
            None => None,
        };
        let service = startup::service(&settings, settings.migrate_on_start).await?;
        let jwt = startup::jwt_config(&settings)?;
        let token_hint = token_hint(&jwt);
        let jwks = startup::jwks_refresher(&settings, &jwt)?;
        if let Some(refresher) = &jwks {
            // The first fetch is awaited so that tokens verify from the first request; a
            // provider that is down does not stop the start: refreshes keep trying.
            if let Err(error) = refresher.refresh().await {
                tracing::warn!(%error, "could not fetch the identity provider's keys yet; retrying");
            }
        }
        let rate_limits = RateLimits::new(&settings.rate_limit);
        let gateway = slipway_gateway::Gateway::new(service.clone(), &slipway_gateway::ClientOptions::default())
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let webhooks =
            slipway_gateway::webhook::WebhookSender::new(settings.webhook_addresses, settings.webhook_timeout)
                .map_err(|e| StartupError::Config(e.to_string()))?;
        service.set_webhook_retry_delay(settings.webhook_retry_delay);
        service.set_dashboard_url(&settings.public_url.clone().unwrap_or_else(|| {
            let mut addr = listener.local_addr().unwrap_or(settings.listen);
            if addr.ip().is_unspecified() {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{addr}")
        }));
        // A killed embedded server's claims end now: it was the only sender.
        match service.store().release_webhook_claims().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deliveries = n,
                "webhook deliveries of a stopped server will be sent again"
            ),
            Err(e) => tracing::warn!(error = %e, "could not release the webhook claims of a stopped server"),
        }
        let metrics = Metrics::new();
        // The metrics count committed release transitions as an outbound adapter.
        service.add_outbound(std::sync::Arc::new(metrics.clone()));
        let state = AppState::new(SharedState {
            gateway,
            auth: Authenticator::new(service.clone(), JwtVerifier::new(jwt), rate_limits.clone())
                .with_key_refresher(jwks.clone())
                .with_group_mapping(settings.jwt.groups.as_ref().map(|g| g.mapping.clone())),
            rate_limits,
            metrics,
            graphql: GraphqlState::new(&service, &settings),
            shutdown: Shutdown::new(),
            keepalive: settings.watch_keepalive,
            service,
        });
        let router = app::router(
            state.clone(),
            &HttpOptions {
                body_limit: settings.body_limit,
                request_timeout: settings.request_timeout,
                chat_timeout: settings.chat_timeout,
                cors_origins: settings.cors_origins.clone(),
                graphiql: settings.graphiql,
                metrics: metrics_listener.is_none(),
                public_oidc: crate::oidc_client::public_settings(&settings.jwt),
                identity_origin: crate::oidc_client::issuer_origin(&settings.jwt),
            },
        )?;
        Ok(Self {
            listener,
            metrics_listener,
            router,
            state,
            settings,
            token_hint,
            webhooks,
            jwks,
        })
    }

    /// The address actually bound (useful with port 0).
    ///
    /// # Errors
    /// When the socket cannot tell (not expected).
    pub fn local_addr(&self) -> Result<SocketAddr, StartupError> {
        self.listener.local_addr().map_err(StartupError::Serve)
    }

    /// The address `/metrics` is served on apart from the API, when `metrics_addr` is set.
    ///
    /// # Errors
    /// When the socket cannot tell (not expected).
    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>, StartupError> {
        self.metrics_listener
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()
            .map_err(StartupError::Serve)
    }

    /// The trigger that stops this server gracefully.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.state.shutdown.clone()
    }

    /// The service the server runs (for operator tooling embedded in the same process).
    pub fn service(&self) -> &Service {
        &self.state.service
    }

    /// Serves until the shutdown handle fires, then drains and closes the database.
    ///
    /// # Errors
    /// [`StartupError::Serve`] when the bound address cannot be read, [`StartupError::Store`]
    /// when closing the database fails. (A failed `accept` is logged and retried.)
    pub async fn run(self) -> Result<(), StartupError> {
        let Server {
            listener,
            metrics_listener,
            router,
            state,
            settings,
            token_hint,
            webhooks,
            jwks,
        } = self;
        let jwks_refresh = jwks.as_ref().map(JwksRefresher::spawn);
        let addr = listener.local_addr().map_err(StartupError::Serve)?;
        let background = state.service.spawn_background(settings.tick_interval);
        let credential_warmer = state.gateway.follow_deployments();
        let follower = crate::follow::spawn(state.service.clone(), state.metrics.clone());
        let open_releases =
            crate::metrics::open_releases::spawn(state.service.clone(), state.metrics.clone(), settings.tick_interval);
        let webhook_sender = crate::webhooks::spawn(state.service.clone(), webhooks);
        let sweeper = rate_limit::sweeper::spawn(
            state.rate_limits.clone(),
            state.shutdown.signal(),
            rate_limit::sweeper::SWEEP_INTERVAL,
        );
        tracing::info!(
            database = %settings.database_display(),
            production = settings.production,
            graphiql = settings.graphiql,
            rate_limit = settings.rate_limit.enabled,
            "Slipway listening on http://{addr} (dashboard at /, GraphQL at /graphql, gateway at /v1/config)"
        );
        tracing::info!("{token_hint}");
        // The listener gives every request its peer address as `ConnectInfo`, which the rate
        // limits count per.
        let options = ListenerOptions {
            deadlines: Deadlines {
                header_read: settings.header_read_timeout,
                idle: settings.idle_timeout,
            },
            max_connections: settings.max_connections,
        };
        let metrics_served = async {
            if let Some(metrics_listener) = metrics_listener {
                if let Ok(addr) = metrics_listener.local_addr() {
                    tracing::info!("metrics on http://{addr}/metrics");
                }
                let router = Router::new()
                    .route("/metrics", axum::routing::get(crate::metrics::endpoint::endpoint))
                    .with_state(state.clone());
                listener::serve(metrics_listener, router, options, state.shutdown.signal()).await;
            }
        };
        tokio::join!(
            listener::serve(listener, router, options, state.shutdown.signal()),
            metrics_served
        );
        tracing::info!("no more requests in flight; stopping background work");
        // The API keys' last uses noted in memory since the last tick.
        state.service.flush_api_key_usage().await;
        background.abort();
        open_releases.abort();
        credential_warmer.abort();
        follower.abort();
        sweeper.abort();
        webhook_sender.abort();
        if let Some(task) = &jwks_refresh {
            task.abort();
        }
        // Awaiting the aborted tasks makes sure no tick still holds a connection when the pool
        // closes; an aborted transaction rolls back.
        let _aborted = background.await;
        let _aborted = follower.await;
        let _aborted = sweeper.await;
        let _aborted = webhook_sender.await;
        let _aborted = open_releases.await;
        state.service.store().clone().close().await?;
        tracing::info!("database closed; bye");
        Ok(())
    }
}

fn token_hint(jwt: &JwtConfig) -> &'static str {
    match jwt.keys() {
        VerificationKeys::Hs256(_) => {
            "sign in to the dashboard with a link from: slipway token --sub <your name> --link   \
             (or a bare token without --link; run with the same data directory and settings)"
        }
        VerificationKeys::Asymmetric(_) => "tokens come from your identity provider (RS256/ES256 verification)",
        VerificationKeys::Discovered(_) => {
            "tokens come from your OpenID Connect issuer (keys from its discovered JWKS, refreshed)"
        }
    }
}

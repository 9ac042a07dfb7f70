//! The running server: built from [`Settings`] (database, keys, service, schema, router, bound
//! listener), then run until its [`Shutdown`] fires — after which it stops accepting, lets
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
use crate::rate_limit::{self, RateLimits};
use crate::shutdown::Shutdown;
use crate::startup::{self, StartupError};
use crate::state::{AppState, SharedState};

/// A server bound to its address, ready to run.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    router: Router,
    state: AppState,
    settings: Settings,
    token_hint: &'static str,
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
        let service = startup::service(&settings, settings.migrate_on_start).await?;
        let jwt = startup::jwt_config(&settings)?;
        let token_hint = token_hint(&jwt);
        let rate_limits = RateLimits::new(&settings.rate_limit);
        let gateway = slipway_gateway::Gateway::new(service.clone(), &slipway_gateway::ClientOptions::default())
            .map_err(|e| StartupError::Config(e.to_string()))?;
        let metrics = Metrics::default();
        // The metrics count committed release transitions as an outbound adapter.
        service.add_outbound(std::sync::Arc::new(metrics.clone()));
        let state = AppState::new(SharedState {
            gateway,
            auth: Authenticator::new(service.clone(), JwtVerifier::new(jwt), rate_limits.clone()),
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
                cors_origins: settings.cors_origins.clone(),
                graphiql: settings.graphiql,
            },
        )?;
        Ok(Self {
            listener,
            router,
            state,
            settings,
            token_hint,
        })
    }

    /// The address actually bound (useful with port 0).
    ///
    /// # Errors
    /// When the socket cannot tell (not expected).
    pub fn local_addr(&self) -> Result<SocketAddr, StartupError> {
        self.listener.local_addr().map_err(StartupError::Serve)
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
            router,
            state,
            settings,
            token_hint,
        } = self;
        let addr = listener.local_addr().map_err(StartupError::Serve)?;
        let background = state.service.spawn_background(settings.tick_interval);
        let credential_warmer = state.gateway.follow_deployments();
        let follower = crate::follow::spawn(state.service.clone());
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
        listener::serve(listener, router, options, state.shutdown.signal()).await;
        tracing::info!("no more requests in flight; stopping background work");
        background.abort();
        credential_warmer.abort();
        follower.abort();
        sweeper.abort();
        // Awaiting the aborted tasks makes sure no tick still holds a connection when the pool
        // closes; an aborted transaction rolls back.
        let _aborted = background.await;
        let _aborted = follower.await;
        let _aborted = sweeper.await;
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
    }
}

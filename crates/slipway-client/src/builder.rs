//! [`ClientBuilder`]: where Slipway is, which environments to follow, how long to wait for the
//! first load, where a cold start finds its configuration, and the reconnection timings.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

use crate::client::{Client, Inner};
use crate::follow::{Credential, Endpoint, Follower, Phase};
use crate::shared::{Callback, Change, Shared, name_of};
use crate::{Configuration, Error};

/// Settings of a [`Client`]; [`build`](Self::build) starts it.
pub struct ClientBuilder {
    base_url: String,
    credential: Credential,
    project: Option<String>,
    environment: Option<String>,
    follow: Vec<String>,
    wait: Option<Duration>,
    bootstrap_file: Option<PathBuf>,
    bootstrap: Vec<(Option<String>, Value)>,
    persist: Option<PathBuf>,
    on_change: Option<Callback>,
    request_timeout: Duration,
    idle_timeout: Duration,
    backoff_base: Duration,
    backoff_max: Duration,
    revalidate_every: Duration,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credential", &self.credential)
            .field("project", &self.project)
            .field("environment", &self.environment)
            .field("follow", &self.follow)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A client of the Slipway at `base_url` (`http://…` or `https://…`) reading with
    /// `credential`: an API key (`slw_…`, its project implied) or a JWT (then set
    /// [`project`](Self::project)). It follows the gateway fallback environment unless
    /// [`environment`](Self::environment) names one, and waits up to 10 s for the first load.
    pub fn new(base_url: impl Into<String>, credential: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            credential: Credential(credential.into()),
            project: None,
            environment: None,
            follow: Vec::new(),
            wait: Some(Duration::from_secs(10)),
            bootstrap_file: None,
            bootstrap: Vec::new(),
            persist: None,
            on_change: None,
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(45),
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            revalidate_every: Duration::from_secs(15),
        }
    }

    /// The project as `ORG/PROJECT`: needed with a JWT, ignored by Slipway for an API key.
    #[must_use]
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// The environment reads use when they pin none.
    #[must_use]
    pub fn environment(mut self, slug: impl Into<String>) -> Self {
        self.environment = Some(slug.into());
        self
    }

    /// Another environment to follow, so reads may pin it (`get_prompt(key, Some(slug))`).
    #[must_use]
    pub fn follow(mut self, slug: impl Into<String>) -> Self {
        self.follow.push(slug.into());
        self
    }

    /// How long [`build`](Self::build) waits for the first load of every followed environment
    /// (`None`: not at all; reads fail with [`Error::Unavailable`] until it arrives, unless a
    /// bootstrap configuration is held).
    #[must_use]
    pub fn wait(mut self, timeout: Option<Duration>) -> Self {
        self.wait = timeout;
        self
    }

    /// Starts from the configuration saved in `path` (by [`persist_to`](Self::persist_to)) when
    /// Slipway cannot be reached. A file that does not exist yet is no error.
    #[must_use]
    pub fn bootstrap_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.bootstrap_file = Some(path.into());
        self
    }

    /// Starts from `config` (a `GET /v1/config` body) for `environment` (`None`: the default
    /// one) until Slipway answers.
    #[must_use]
    pub fn bootstrap(mut self, environment: Option<&str>, config: Value) -> Self {
        self.bootstrap.push((environment.map(str::to_owned), config));
        self
    }

    /// Saves the last good configuration to `path` after each change (atomically), for the
    /// next start's [`bootstrap_file`](Self::bootstrap_file).
    #[must_use]
    pub fn persist_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.persist = Some(path.into());
        self
    }

    /// Called after each change of a followed environment's configuration, on the client's
    /// background task (keep it quick; [`Client::subscribe`] suits slow work better).
    #[must_use]
    pub fn on_change(mut self, callback: impl Fn(&Change) + Send + Sync + 'static) -> Self {
        self.on_change = Some(Box::new(callback));
        self
    }

    /// Reconnection delays: from `base` (or the server's `retry:` hint), doubling up to `max`,
    /// with jitter. Defaults: 500 ms and 30 s.
    #[must_use]
    pub fn reconnect_delays(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max;
        self
    }

    /// While disconnected, how often to revalidate with `If-None-Match` (default 15 s).
    #[must_use]
    pub fn revalidate_every(mut self, interval: Duration) -> Self {
        self.revalidate_every = interval.max(Duration::from_millis(10));
        self
    }

    /// A watch stream silent this long is taken as dropped (default 45 s: three of the
    /// server's default keep-alives).
    #[must_use]
    pub fn watch_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Time limit of each plain request (default 10 s).
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Starts the client: holds the bootstrap configuration, starts following every environment
    /// on the current Tokio runtime and, unless [`wait`](Self::wait) is `None`, waits for the
    /// first load.
    ///
    /// # Errors
    /// [`Error::Settings`] for a base URL that is not `http`/`https`; [`Error::Bootstrap`] for
    /// an unusable bootstrap file or value; within the wait, a refusal that retrying cannot cure
    /// ([`Error::Unauthenticated`], [`Error::Forbidden`], [`Error::NotFound`],
    /// [`Error::Invalid`]); after it, [`Error::Unavailable`] when an environment has neither
    /// loaded nor a bootstrap configuration.
    pub async fn build(self) -> Result<Client, Error> {
        let url = reqwest::Url::parse(&self.base_url).map_err(|e| Error::Settings {
            reason: format!("base URL: {e}"),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Settings {
                reason: "base URL: must be http or https".into(),
            });
        }
        let mut held: BTreeMap<String, Configuration> = match &self.bootstrap_file {
            Some(path) => crate::persist::read(path)?,
            None => BTreeMap::new(),
        };
        for (environment, value) in self.bootstrap {
            let config =
                Configuration::from_json(value, None).map_err(|e| Error::Bootstrap { reason: e.to_string() })?;
            held.insert(name_of(environment.as_deref().or(self.environment.as_deref())), config);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.request_timeout)
            .build()
            .map_err(|_| Error::Settings {
                reason: "the HTTP client could not be set up".into(),
            })?;
        let endpoint = Arc::new(Endpoint {
            base: self.base_url,
            credential: self.credential,
            project: self.project,
            http,
            request_timeout: self.request_timeout,
            idle_timeout: self.idle_timeout,
            backoff_base: self.backoff_base,
            backoff_max: self.backoff_max,
            revalidate_every: self.revalidate_every,
        });
        let shared = Arc::new(Shared::new(held, self.on_change, self.persist));
        let mut followed: Vec<Option<String>> = vec![self.environment.clone()];
        for slug in self.follow {
            if !followed.contains(&Some(slug.clone())) {
                followed.push(Some(slug));
            }
        }
        let (stop, stopped) = watch::channel(());
        let mut phases = Vec::new();
        for environment in &followed {
            let (phase, watching) = watch::channel(Phase::Starting);
            let follower = Follower {
                shared: Arc::clone(&shared),
                endpoint: Arc::clone(&endpoint),
                environment: environment.clone(),
                phase,
            };
            tokio::spawn(follower.run(stopped.clone()));
            phases.push((environment.clone(), watching));
        }
        let client = Client {
            inner: Arc::new(Inner {
                shared,
                followed,
                base_url: endpoint.base.clone(),
                _stop: stop,
            }),
        };
        if let Some(timeout) = self.wait {
            let first_loads = async {
                for (_, watching) in &mut phases {
                    // An error here means the follower ended, which it does only on stop.
                    let _ = watching.wait_for(|p| *p != Phase::Starting).await;
                }
            };
            let _ = tokio::time::timeout(timeout, first_loads).await;
            for (environment, watching) in &phases {
                if let Phase::Refused(error) = &*watching.borrow() {
                    return Err(error.clone());
                }
                let name = name_of(environment.as_deref());
                if client.inner.shared.get(&name).is_none() {
                    return Err(client
                        .inner
                        .shared
                        .status(&name)
                        .last_error
                        .unwrap_or(Error::Unavailable {
                            reason: format!("no configuration within {timeout:?}"),
                        }));
                }
            }
        }
        Ok(client)
    }
}

//! Keeps the configured OpenID Connect issuer's keys fresh: fetches its discovery document and
//! the JWKS it names (never a URL a token names), at start, on an interval, and when a token
//! names an unknown `kid` — at most once per minimum interval however many such tokens arrive
//! (slipway-auth's [`RefreshGate`]). A failed fetch keeps the last good keys serving.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use slipway_auth::discovery::MAX_DOCUMENT_BYTES;
use slipway_auth::{ConfigError, DiscoveredKeys, Issuer, KeySet, RefreshGate};
use tokio::task::JoinHandle;

/// The default interval of scheduled fetches.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(300);
/// The default shortest gap between fetches caused by unknown `kid`s.
pub const DEFAULT_MIN_REFRESH: Duration = Duration::from_secs(60);
/// How long one HTTP exchange with the provider may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// While no key was ever fetched, scheduled retries come at least this often.
const RETRY_WITHOUT_KEYS: Duration = Duration::from_secs(5);

/// Why a fetch failed. The messages name the step and the URL the operator configured (or the
/// provider published), never a response body.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// The provider could not be reached, or did not answer in time.
    #[error("could not fetch {url}: {reason}")]
    Unreachable {
        /// What was fetched.
        url: String,
        /// The transport error.
        reason: String,
    },
    /// The provider answered with an error status.
    #[error("{url} answered {status}")]
    Status {
        /// What was fetched.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The answer was larger than Slipway reads.
    #[error("{url} answered more than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge {
        /// What was fetched.
        url: String,
    },
    /// The discovery document or JWKS was unusable.
    #[error(transparent)]
    Document(#[from] ConfigError),
}

/// Fetches and installs the issuer's keys (see the module docs). Cheap to clone.
#[derive(Debug, Clone)]
pub struct JwksRefresher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    issuer: Issuer,
    client: reqwest::Client,
    keys: DiscoveredKeys,
    interval: Duration,
    gate: Mutex<RefreshGate>,
    /// Held during a fetch: concurrent callers wait for it instead of fetching again.
    fetching: tokio::sync::Mutex<()>,
}

impl JwksRefresher {
    /// A refresher installing `issuer`'s keys into `keys`, fetching every `interval` and, for
    /// unknown `kid`s, at most once per `min_interval`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (no TLS roots, say).
    pub fn new(
        issuer: Issuer,
        keys: DiscoveredKeys,
        interval: Duration,
        min_interval: Duration,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            // A redirect could lead anywhere; the issuer's own URLs are what is trusted.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(JwksRefresher {
            inner: Arc::new(Inner {
                issuer,
                client,
                keys,
                interval,
                gate: Mutex::new(RefreshGate::new(min_interval)),
                fetching: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Fetches the discovery document and the JWKS now and installs the keys; on failure the
    /// last good keys stay.
    ///
    /// # Errors
    /// A [`RefreshError`] naming the step that failed.
    pub async fn refresh(&self) -> Result<(), RefreshError> {
        let _fetching = self.inner.fetching.lock().await;
        self.fetch_and_install().await
    }

    /// Called when a token names a `kid` the current keys lack: fetches again if the gate
    /// allows, or else waits for a fetch already under way, so that the caller can verify
    /// once more against whatever keys are current afterwards.
    pub async fn on_unknown_key(&self) {
        let allowed = self
            .inner
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .try_on_demand(Instant::now());
        let _fetching = self.inner.fetching.lock().await;
        if allowed && let Err(error) = self.fetch_and_install().await {
            tracing::warn!(%error, "refreshing the identity provider's keys failed; the last good keys stay");
        }
    }

    /// Refreshes on the interval (more often while no key was ever fetched) until aborted.
    pub fn spawn(&self) -> JoinHandle<()> {
        let refresher = self.clone();
        tokio::spawn(async move {
            loop {
                let wait = if refresher.inner.keys.current().is_some() {
                    refresher.inner.interval
                } else {
                    refresher.inner.interval.min(RETRY_WITHOUT_KEYS)
                };
                tokio::time::sleep(wait).await;
                if let Err(error) = refresher.refresh().await {
                    tracing::warn!(%error, "refreshing the identity provider's keys failed; the last good keys stay");
                }
            }
        })
    }

    async fn fetch_and_install(&self) -> Result<(), RefreshError> {
        let discovery = self.fetch(&self.inner.issuer.discovery_url()).await?;
        let jwks_uri = self.inner.issuer.jwks_uri(&discovery)?;
        let jwks = self.fetch(&jwks_uri).await?;
        let keys = KeySet::from_discovered_jwks(&jwks)?;
        tracing::debug!(kids = ?keys.kids(), "installed the identity provider's keys");
        self.inner.keys.replace(keys);
        Ok(())
    }

    async fn fetch(&self, url: &str) -> Result<String, RefreshError> {
        let unreachable = |e: reqwest::Error| RefreshError::Unreachable {
            url: url.to_owned(),
            reason: e.without_url().to_string(),
        };
        let mut response = self
            .inner
            .client
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(RefreshError::Status {
                url: url.to_owned(),
                status: response.status().as_u16(),
            });
        }
        let too_large = || RefreshError::TooLarge { url: url.to_owned() };
        if response.content_length().is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| {
            RefreshError::Document(ConfigError::InvalidKey {
                what: "OpenID Connect document",
                reason: "not UTF-8".to_owned(),
            })
        })
    }
}

//! [`Client`]: typed reads from memory. Nothing here waits on the network; the followers keep
//! the held configurations current.

use std::sync::Arc;

use slipway_domain::content::{Content, PromptContent, ProviderActivation, RoutingRuleContent};
use slipway_domain::resource::ResourceKind;
use tokio::sync::{broadcast, watch};

use crate::shared::{Change, Shared, Status, name_of};
use crate::{ClientBuilder, Configuration, Entry, Error, Served};

/// A running client; cheap to clone (clones share everything). Following stops when the last
/// clone is dropped.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub shared: Arc<Shared>,
    /// The default environment first (`None`: the gateway fallback), then the others followed.
    pub followed: Vec<Option<String>>,
    pub base_url: String,
    /// Dropped with the last clone: the followers see it and stop.
    pub _stop: watch::Sender<()>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("followed", &self.inner.followed)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Settings for a client of `base_url` with `credential` (an API key or a JWT).
    pub fn builder(base_url: impl Into<String>, credential: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url, credential)
    }

    /// Which held configuration a read of `environment` uses.
    fn name_for(&self, environment: Option<&str>) -> Result<String, Error> {
        let followed = &self.inner.followed;
        let Some(slug) = environment else {
            return Ok(name_of(followed.first().and_then(Option::as_deref)));
        };
        if followed.iter().any(|f| f.as_deref() == Some(slug)) {
            return Ok(name_of(Some(slug)));
        }
        // Following the gateway fallback, the pinned slug may be the one it names.
        if followed.first() == Some(&None) && self.inner.shared.get("").is_some_and(|c| c.environment() == slug) {
            return Ok(String::new());
        }
        Err(Error::NotFollowed(slug.to_owned()))
    }

    /// The whole configuration of `environment` (`None`: the default one), as held now.
    ///
    /// # Errors
    /// [`Error::NotFollowed`] for an environment this client does not follow; when nothing is
    /// held yet, the follower's last error (or [`Error::Unavailable`]).
    pub fn get_config(&self, environment: Option<&str>) -> Result<Arc<Configuration>, Error> {
        let name = self.name_for(environment)?;
        self.inner.shared.get(&name).ok_or_else(|| {
            self.inner
                .shared
                .status(&name)
                .last_error
                .unwrap_or(Error::Unavailable {
                    reason: "the configuration has not loaded yet".into(),
                })
        })
    }

    fn entry<T>(
        &self,
        kind: ResourceKind,
        key: &str,
        environment: Option<&str>,
        pick: impl Fn(&Content) -> Option<&T>,
    ) -> Result<Served<T>, Error>
    where
        T: Clone,
    {
        let config = self.get_config(environment)?;
        let found: Option<(&Entry, &T)> = config.get(kind, key).and_then(|e| pick(&e.content).map(|c| (e, c)));
        match found {
            Some((entry, content)) => Ok(Served::of(entry, content.clone())),
            None => Err(Error::NotFound {
                message: format!("{kind} '{key}' is not served in '{}'", config.environment()),
            }),
        }
    }

    /// The prompt `key` as `environment` (`None`: the default one) serves it.
    ///
    /// # Errors
    /// [`Error::NotFound`] when nothing serves it; as [`get_config`](Self::get_config).
    pub fn get_prompt(&self, key: &str, environment: Option<&str>) -> Result<Served<PromptContent>, Error> {
        self.entry(ResourceKind::Prompt, key, environment, |c| match c {
            Content::Prompt(p) => Some(p),
            _ => None,
        })
    }

    /// The routing rule `key` as `environment` serves it.
    ///
    /// # Errors
    /// As [`get_prompt`](Self::get_prompt).
    pub fn get_routing_rule(&self, key: &str, environment: Option<&str>) -> Result<Served<RoutingRuleContent>, Error> {
        self.entry(ResourceKind::RoutingRule, key, environment, |c| match c {
            Content::RoutingRule(r) => Some(r),
            _ => None,
        })
    }

    /// The provider activation `key` as `environment` serves it.
    ///
    /// # Errors
    /// As [`get_prompt`](Self::get_prompt).
    pub fn get_provider(&self, key: &str, environment: Option<&str>) -> Result<Served<ProviderActivation>, Error> {
        self.entry(ResourceKind::Provider, key, environment, |c| match c {
            Content::Provider(p) => Some(p),
            _ => None,
        })
    }

    /// Every change from now on, of every followed environment. A receiver that falls more
    /// than 64 changes behind skips to the newest (see [`broadcast::Receiver::recv`]).
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.shared.subscribe()
    }

    /// How the follower of `environment` (`None`: the default one) is doing.
    ///
    /// # Errors
    /// [`Error::NotFollowed`].
    pub fn status(&self, environment: Option<&str>) -> Result<Status, Error> {
        Ok(self.inner.shared.status(&self.name_for(environment)?))
    }

    /// Why saving the persisted file last failed, if it did (reads are never affected).
    pub fn persist_error(&self) -> Option<String> {
        self.inner.shared.persist_error()
    }
}

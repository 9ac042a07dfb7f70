//! The state a client and its followers share: the configuration held per followed environment
//! (read under a lock held only to clone an `Arc`), each follower's connection status, and the
//! announcement of changes (callback, subscribers, persisted file).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::broadcast;

use crate::{Configuration, Error};

/// A change of what one followed environment serves.
#[derive(Debug, Clone)]
pub struct Change {
    /// The environment as the client follows it (`None`: the gateway fallback).
    pub environment: Option<String>,
    /// The new configuration.
    pub configuration: Arc<Configuration>,
}

/// Called with each change, on the follower's task: keep it short.
pub(crate) type Callback = Box<dyn Fn(&Change) + Send + Sync>;

/// How one follower is doing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Whether its watch stream is open now.
    pub connected: bool,
    /// The last failure, until a request succeeds again.
    pub last_error: Option<Error>,
}

pub(crate) struct Shared {
    configs: RwLock<HashMap<String, Arc<Configuration>>>,
    status: Mutex<HashMap<String, Status>>,
    changes: broadcast::Sender<Change>,
    on_change: Option<Callback>,
    persist: Option<PathBuf>,
    persist_lock: Mutex<()>,
    persist_error: Mutex<Option<String>>,
}

/// The map key of a followed environment.
pub(crate) fn name_of(environment: Option<&str>) -> String {
    environment.unwrap_or_default().to_owned()
}

impl Shared {
    pub fn new(
        bootstrap: BTreeMap<String, Configuration>,
        on_change: Option<Callback>,
        persist: Option<PathBuf>,
    ) -> Self {
        let configs = bootstrap.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        Self {
            configs: RwLock::new(configs),
            status: Mutex::new(HashMap::new()),
            changes: broadcast::channel(64).0,
            on_change,
            persist,
            persist_lock: Mutex::new(()),
            persist_error: Mutex::new(None),
        }
    }

    pub fn get(&self, name: &str) -> Option<Arc<Configuration>> {
        self.configs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    pub fn status(&self, name: &str) -> Status {
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
            .unwrap_or_default()
    }

    pub fn set_status(&self, name: &str, update: impl FnOnce(&mut Status)) {
        let mut all = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        update(all.entry(name.to_owned()).or_default());
    }

    /// Holds `config` for `name`; announces it unless it equals what was held.
    pub fn install(&self, environment: Option<&str>, config: Configuration) {
        let name = name_of(environment);
        let config = Arc::new(config);
        {
            let mut configs = self.configs.write().unwrap_or_else(PoisonError::into_inner);
            if let Some(old) = configs.get(&name)
                && old.etag() == config.etag()
                && old.body() == config.body()
            {
                return;
            }
            configs.insert(name.clone(), Arc::clone(&config));
        }
        self.persist();
        let change = Change {
            environment: environment.map(str::to_owned),
            configuration: config,
        };
        if let Some(callback) = &self.on_change {
            callback(&change);
        }
        // No subscriber is not an error.
        let _ = self.changes.send(change);
    }

    /// Writes every held configuration to the persisted file, if there is one. Failing to write
    /// leaves reads untouched.
    fn persist(&self) {
        let Some(path) = &self.persist else { return };
        let _serial = self.persist_lock.lock().unwrap_or_else(PoisonError::into_inner);
        let snapshot: Vec<(String, Arc<Configuration>)> = self
            .configs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        let outcome = crate::persist::write(path, snapshot.iter().map(|(k, v)| (k, &**v)));
        *self.persist_error.lock().unwrap_or_else(PoisonError::into_inner) = outcome.err();
    }

    /// Why the last write of the persisted file failed, if it did.
    pub fn persist_error(&self) -> Option<String> {
        self.persist_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

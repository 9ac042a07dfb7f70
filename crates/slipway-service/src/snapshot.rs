//! The resolution snapshot: an immutable, pre-serialized picture of what every environment of a
//! project serves, built once per committed change and read without touching the database.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use slipway_domain::environment::Environment;
use slipway_domain::resource::ResourceKind;
use slipway_domain::state::ProjectState;
use slipway_domain::{Project, Resource, ResourceId, Version, VersionId};
use slipway_store::SnapshotData;

use crate::compressed::Compressed;

/// One resolved resource in one environment, with its ready-to-send JSON and ETag.
#[derive(Debug, Clone)]
pub struct ResolvedEntry {
    /// The resource.
    pub resource: Resource,
    /// The version served.
    pub version: Arc<Version>,
    /// The environment whose pointer was used.
    pub served_from: Environment,
    /// Whether the asked environment lacked a pointer and the gateway fallback's was used.
    pub fell_back: bool,
    /// The JSON body of `GET /v1/config/{kind}/{key}`.
    pub body: Arc<str>,
    /// Its ETag (quoted).
    pub etag: Arc<str>,
    /// The body's compressed forms, once made.
    pub compressed: Compressed,
}

/// What one environment serves.
#[derive(Debug, Clone)]
pub struct EnvironmentView {
    /// The environment.
    pub environment: Environment,
    /// Every resource it serves, by kind and key.
    pub entries: BTreeMap<(ResourceKind, String), ResolvedEntry>,
    /// The JSON body of `GET /v1/config`.
    pub body: Arc<str>,
    /// Its ETag (quoted); changes exactly when the body changes.
    pub etag: Arc<str>,
    /// The body's compressed forms, once made.
    pub compressed: Compressed,
}

impl EnvironmentView {
    /// The view of `environment` serving `entries`, with the whole-environment body written
    /// from the entries' own bodies (each serialized once) in their order.
    fn new(
        project: &Project,
        environment: Environment,
        entries: BTreeMap<(ResourceKind, String), ResolvedEntry>,
    ) -> Self {
        let listed: usize = entries.values().map(|e| e.body.len() + 1).sum();
        let mut body = String::with_capacity(listed + 128);
        body.push_str("{\"environment\":");
        body.push_str(&Value::from(environment.slug.as_str()).to_string());
        body.push_str(",\"project_id\":\"");
        body.push_str(&project.id.to_string());
        body.push_str("\",\"resources\":[");
        for (i, entry) in entries.values().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&entry.body);
        }
        body.push_str("]}");
        let body: Arc<str> = Arc::from(body);
        Self {
            environment,
            entries,
            etag: etag_of(&body),
            body,
            compressed: Compressed::default(),
        }
    }

    /// One resource as this environment serves it (its own pointer, or the gateway fallback's).
    ///
    /// # Errors
    /// Nothing served for the resource, here or in the gateway fallback.
    pub fn resource(&self, kind: ResourceKind, key: &str) -> Result<&ResolvedEntry, LookupError> {
        self.entries
            .get(&(kind, key.to_owned()))
            .ok_or_else(|| LookupError::NotDeployed {
                kind,
                key: key.to_owned(),
            })
    }
}

/// What [`Service::resolve_environment`](crate::Service::resolve_environment) found: the view
/// of the environment it resolved and the snapshot (project, revision) that view belongs to.
#[derive(Debug, Clone)]
pub struct ResolvedEnvironment {
    /// The project's snapshot the view was taken from.
    pub snapshot: Arc<Snapshot>,
    /// What the resolved environment serves.
    pub view: Arc<EnvironmentView>,
}

/// Everything a project serves, at one serving revision.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The project.
    pub project: Project,
    /// The store's serving revision this snapshot was built from.
    pub revision: i64,
    /// Environments and pointers.
    pub state: ProjectState,
    views: HashMap<String, Arc<EnvironmentView>>,
    fallback_slug: String,
}

/// Why a resolution found nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The environment slug is unknown in this project.
    #[error("environment '{0}' not found")]
    UnknownEnvironment(String),
    /// The resource is not served by the environment nor by the gateway fallback.
    #[error("{kind} '{key}' is not deployed in this environment or the gateway fallback")]
    NotDeployed {
        /// The resource's kind.
        kind: ResourceKind,
        /// The resource's key.
        key: String,
    },
}

fn etag_of(body: &str) -> Arc<str> {
    let digest = Sha256::digest(body.as_bytes());
    Arc::from(format!("\"{}\"", &hex::encode(digest)[..32]))
}

fn entry_json(
    resource: &Resource,
    version: &Version,
    asked: &Environment,
    served_from: &Environment,
    fell_back: bool,
) -> Value {
    json!({
        "kind": resource.kind.as_str(),
        "key": resource.key.as_str(),
        "version": version.number.get(),
        "version_id": version.id.to_string(),
        "content_hash": version.content_hash.as_str(),
        "content": version.content.to_json(),
        "environment": asked.slug.as_str(),
        "served_from": served_from.slug.as_str(),
        "fell_back": fell_back,
    })
}

impl Snapshot {
    /// Builds the snapshot and every pre-serialized answer.
    ///
    /// # Errors
    /// A pointer names a version or resource the data does not hold (a store bug), or the
    /// project's invariants are broken.
    pub fn build(data: SnapshotData) -> Result<Self, String> {
        Self::rebuild(data, None)
    }

    /// Builds the snapshot, reusing from `previous` (the project's snapshot before the change)
    /// every answer whose inputs did not change: an entry serving the same version of the same
    /// resource from the same environment keeps its body and ETag, and an environment none of
    /// whose entries changed keeps its whole view. A deployment so costs what it changed, not
    /// what the project holds.
    ///
    /// # Errors
    /// As [`Snapshot::build`].
    pub fn rebuild(data: SnapshotData, previous: Option<&Snapshot>) -> Result<Self, String> {
        let SnapshotData {
            project,
            state,
            resources,
            versions,
            serving_revision,
        } = data;
        let previous = previous.filter(|p| p.project.id == project.id);
        let resources: HashMap<ResourceId, Resource> = resources.into_iter().map(|r| (r.id, r)).collect();
        let versions: HashMap<VersionId, Arc<Version>> = versions.into_iter().map(|v| (v.id, Arc::new(v))).collect();
        let fallback = state
            .environments
            .gateway_fallback()
            .map_err(|e| e.to_string())?
            .clone();
        let mut views = HashMap::new();
        for environment in state.environments.all() {
            let before = previous
                .and_then(|p| p.views.get(environment.slug.as_str()))
                .filter(|view| view.environment == *environment);
            let resolved = state.resolve_all(environment).map_err(|e| e.to_string())?;
            let mut entries = BTreeMap::new();
            let mut reused = 0_usize;
            for r in resolved {
                let resource = resources
                    .get(&r.resource_id)
                    .ok_or("snapshot lacks a pointed resource")?;
                let version = versions.get(&r.version_id).ok_or("snapshot lacks a pointed version")?;
                let served_from = if r.fell_back { &fallback } else { environment };
                let sort_key = (resource.kind, resource.key.as_str().to_owned());
                let same = before.and_then(|view| view.entries.get(&sort_key)).filter(|old| {
                    old.version.id == version.id
                        && old.fell_back == r.fell_back
                        && old.resource == *resource
                        && old.served_from == *served_from
                });
                let entry = match same {
                    Some(old) => {
                        reused += 1;
                        old.clone()
                    }
                    None => {
                        let body: Arc<str> =
                            Arc::from(entry_json(resource, version, environment, served_from, r.fell_back).to_string());
                        ResolvedEntry {
                            resource: resource.clone(),
                            version: Arc::clone(version),
                            served_from: served_from.clone(),
                            fell_back: r.fell_back,
                            etag: etag_of(&body),
                            body,
                            compressed: Compressed::default(),
                        }
                    }
                };
                entries.insert(sort_key, entry);
            }
            let view = match before {
                Some(view) if reused == entries.len() && view.entries.len() == entries.len() => Arc::clone(view),
                _ => Arc::new(EnvironmentView::new(&project, environment.clone(), entries)),
            };
            views.insert(environment.slug.as_str().to_owned(), view);
        }
        Ok(Self {
            project,
            revision: serving_revision,
            state,
            views,
            fallback_slug: fallback.slug.as_str().to_owned(),
        })
    }

    /// The environment a gateway asked for (the gateway fallback when it named none).
    ///
    /// # Errors
    /// An unknown slug: never a silent fallback.
    pub fn environment(&self, slug: Option<&str>) -> Result<&Arc<EnvironmentView>, LookupError> {
        let slug = slug.unwrap_or(&self.fallback_slug);
        self.views
            .get(slug)
            .ok_or_else(|| LookupError::UnknownEnvironment(slug.to_owned()))
    }

    /// One resource as an environment serves it.
    ///
    /// # Errors
    /// Unknown environment, or nothing served for the resource.
    pub fn resource(&self, slug: Option<&str>, kind: ResourceKind, key: &str) -> Result<&ResolvedEntry, LookupError> {
        self.environment(slug)?.resource(kind, key)
    }

    /// Every environment's view.
    pub fn views(&self) -> impl Iterator<Item = &EnvironmentView> {
        self.views.values().map(|view| &**view)
    }
}

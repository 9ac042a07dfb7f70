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
}

impl EnvironmentView {
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
        let SnapshotData {
            project,
            state,
            resources,
            versions,
            serving_revision,
        } = data;
        let resources: HashMap<ResourceId, Resource> = resources.into_iter().map(|r| (r.id, r)).collect();
        let versions: HashMap<VersionId, Arc<Version>> = versions.into_iter().map(|v| (v.id, Arc::new(v))).collect();
        let fallback = state
            .environments
            .gateway_fallback()
            .map_err(|e| e.to_string())?
            .clone();
        let mut views = HashMap::new();
        for environment in state.environments.all() {
            let resolved = state.resolve_all(environment).map_err(|e| e.to_string())?;
            let mut entries = BTreeMap::new();
            let mut values = BTreeMap::new();
            for r in resolved {
                let resource = resources
                    .get(&r.resource_id)
                    .ok_or("snapshot lacks a pointed resource")?;
                let version = versions.get(&r.version_id).ok_or("snapshot lacks a pointed version")?;
                let served_from = if r.fell_back { &fallback } else { environment };
                let value = entry_json(resource, version, environment, served_from, r.fell_back);
                let body: Arc<str> = Arc::from(value.to_string());
                let entry = ResolvedEntry {
                    resource: resource.clone(),
                    version: Arc::clone(version),
                    served_from: served_from.clone(),
                    fell_back: r.fell_back,
                    etag: etag_of(&body),
                    body,
                };
                let sort_key = (resource.kind, resource.key.as_str().to_owned());
                values.insert(sort_key.clone(), value);
                entries.insert(sort_key, entry);
            }
            // The whole-environment body lists the same entries, in the same order, built once.
            let list: Vec<Value> = values.into_values().collect();
            let body: Arc<str> = Arc::from(
                json!({
                    "project_id": project.id.to_string(),
                    "environment": environment.slug.as_str(),
                    "resources": list,
                })
                .to_string(),
            );
            let view = EnvironmentView {
                environment: environment.clone(),
                entries,
                etag: etag_of(&body),
                body,
            };
            views.insert(environment.slug.as_str().to_owned(), Arc::new(view));
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

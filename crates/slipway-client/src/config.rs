//! What an environment serves, as this client holds it: the body of `GET /v1/config` parsed
//! into typed content, with its ETag, and the typed answer of one read ([`Served`]).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use slipway_domain::content::{Content, PromptContent};
use slipway_domain::resource::ResourceKind;

use crate::{Error, RenderedMessage};

/// One resource as an environment serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The kind of resource.
    pub kind: ResourceKind,
    /// The resource key.
    pub key: String,
    /// The version number served.
    pub version: u32,
    /// SHA-256 of the version's canonical JSON, as Slipway computed it.
    pub content_hash: String,
    /// The version's content, typed by kind.
    pub content: Content,
    /// The environment asked for.
    pub environment: String,
    /// The environment whose pointer was used (the gateway fallback when `fell_back`).
    pub served_from: String,
    /// Whether the asked environment had no pointer and the gateway fallback's was used.
    pub fell_back: bool,
}

/// A whole environment's configuration at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    environment: String,
    etag: Option<String>,
    entries: BTreeMap<(ResourceKind, String), Entry>,
    body: Value,
}

/// `GET /v1/config`'s body, as sent.
#[derive(Deserialize)]
struct WireConfig {
    environment: String,
    resources: Vec<WireEntry>,
}

#[derive(Deserialize)]
struct WireEntry {
    kind: String,
    key: String,
    version: u32,
    content_hash: String,
    content: Value,
    environment: String,
    served_from: String,
    fell_back: bool,
}

impl Configuration {
    /// Parses a `GET /v1/config` body (also an `event: config`'s data, and what bootstrap files
    /// hold).
    ///
    /// # Errors
    /// [`Error::InvalidResponse`] when the body is not a configuration this client understands.
    pub fn from_json(body: Value, etag: Option<String>) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidResponse { reason };
        let wire: WireConfig = serde_json::from_value(body.clone()).map_err(|e| invalid(e.to_string()))?;
        let mut entries = BTreeMap::new();
        for entry in wire.resources {
            let kind: ResourceKind = entry.kind.parse().map_err(|e| invalid(format!("{e}")))?;
            let content = Content::parse(kind, entry.content)
                .map_err(|e| invalid(format!("content of {kind} '{}': {e}", entry.key)))?;
            let parsed = Entry {
                kind,
                key: entry.key,
                version: entry.version,
                content_hash: entry.content_hash,
                content,
                environment: entry.environment,
                served_from: entry.served_from,
                fell_back: entry.fell_back,
            };
            entries.insert((kind, parsed.key.clone()), parsed);
        }
        Ok(Self {
            environment: wire.environment,
            etag,
            entries,
            body,
        })
    }

    /// The environment's slug, as the server named it (the gateway fallback's when the client
    /// follows "no environment").
    pub fn environment(&self) -> &str {
        &self.environment
    }

    /// The ETag the server gave this configuration (`None` for a bootstrap value given without
    /// one).
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// Every resource served, sorted by kind, then key.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// One resource, if the environment serves it.
    pub fn get(&self, kind: ResourceKind, key: &str) -> Option<&Entry> {
        self.entries.get(&(kind, key.to_owned()))
    }

    /// The body as the server sent it (what the persisted file keeps).
    pub(crate) fn body(&self) -> &Value {
        &self.body
    }
}

/// A typed read and what served it.
#[derive(Debug, Clone, PartialEq)]
pub struct Served<T> {
    /// The content.
    pub content: T,
    /// The resource key.
    pub key: String,
    /// The version number.
    pub version: u32,
    /// SHA-256 of the content's canonical JSON.
    pub content_hash: String,
    /// The environment asked for.
    pub environment: String,
    /// The environment whose pointer served it.
    pub served_from: String,
    /// Whether the gateway fallback environment served it.
    pub fell_back: bool,
}

impl<T> Served<T> {
    /// The read of `entry`, with `content` taken from it.
    pub(crate) fn of(entry: &Entry, content: T) -> Self {
        Self {
            content,
            key: entry.key.clone(),
            version: entry.version,
            content_hash: entry.content_hash.clone(),
            environment: entry.environment.clone(),
            served_from: entry.served_from.clone(),
            fell_back: entry.fell_back,
        }
    }
}

impl Served<PromptContent> {
    /// The prompt's messages with `variables` filled in (see [`render`](crate::render)).
    ///
    /// # Errors
    /// [`Error::MissingVariable`] and [`Error::UnknownVariable`].
    pub fn render(&self, variables: &BTreeMap<String, String>) -> Result<Vec<RenderedMessage>, Error> {
        crate::render(&self.content, variables)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn body() -> Value {
        json!({
            "project_id": "0190f5c0-0000-7000-8000-000000000000",
            "environment": "staging",
            "resources": [{
                "kind": "prompt", "key": "greeting", "version": 3,
                "version_id": "0190f5c0-0000-7000-8000-000000000001",
                "content_hash": "abc", "environment": "staging", "served_from": "prod", "fell_back": true,
                "content": { "model": "m", "messages": [{ "role": "system", "content": "Hi {{name}}" }],
                             "variables": ["name"] }
            }]
        })
    }

    #[test]
    fn a_configuration_body_parses_into_typed_entries() {
        let config = Configuration::from_json(body(), Some("\"e\"".into())).unwrap();
        assert_eq!(config.environment(), "staging");
        let entry = config.get(ResourceKind::Prompt, "greeting").unwrap();
        assert_eq!(
            (entry.version, entry.fell_back, entry.served_from.as_str()),
            (3, true, "prod")
        );
        assert!(matches!(entry.content, Content::Prompt(_)));
        assert!(config.get(ResourceKind::Provider, "greeting").is_none());
    }

    #[test]
    fn content_that_is_not_valid_for_its_kind_is_refused() {
        let mut bad = body();
        bad["resources"][0]["content"] = json!({ "model": "" , "messages": [] });
        assert!(matches!(
            Configuration::from_json(bad, None),
            Err(Error::InvalidResponse { .. })
        ));
        assert!(Configuration::from_json(json!({ "nope": 1 }), None).is_err());
    }
}

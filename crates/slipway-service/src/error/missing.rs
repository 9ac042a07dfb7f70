//! What a NOT_FOUND names: a typed value per kind of target, written out once here, so no call
//! site formats a message and no caller has to read one back.

use std::fmt;

use slipway_domain::resource::ResourceKind;

/// The thing a use case could not find (or that the caller may not see: the two read alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// Something the store named by its table (`project`, `release`, `credential under that key
    /// version`, …).
    Row(&'static str),
    /// An organization by slug.
    Organization(String),
    /// A project by `org/slug`.
    Project(String),
    /// An environment by slug.
    Environment(String),
    /// A resource by kind and key.
    Resource {
        /// Its kind.
        kind: ResourceKind,
        /// Its key.
        key: String,
    },
    /// A version by number, of a resource when it is known.
    Version {
        /// The number asked for.
        number: u32,
        /// The resource (kind and key), when the request named one.
        of: Option<(ResourceKind, String)>,
    },
    /// A release by id.
    Release(String),
    /// A deployment by id, of an environment (by slug) when the request named one.
    Deployment {
        /// The deployment id.
        id: String,
        /// The environment it should belong to.
        of: Option<String>,
    },
    /// A member by subject.
    Member(String),
    /// A credential by id.
    Credential(String),
    /// An API key by id.
    ApiKey(String),
    /// A resource served neither by the asked environment nor by the gateway fallback.
    NotDeployed {
        /// Its kind.
        kind: ResourceKind,
        /// Its key.
        key: String,
    },
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Row(what) => f.write_str(what),
            Missing::Organization(slug) => write!(f, "organization '{slug}'"),
            Missing::Project(path) => write!(f, "project '{path}'"),
            Missing::Environment(slug) => write!(f, "environment '{slug}'"),
            Missing::Resource { kind, key } => write!(f, "{kind} '{key}'"),
            Missing::Version { number, of: None } => write!(f, "version {number}"),
            Missing::Version {
                number,
                of: Some((kind, key)),
            } => write!(f, "version {number} of {kind} '{key}'"),
            Missing::Release(id) => write!(f, "release {id}"),
            Missing::Deployment { id, of: None } => write!(f, "deployment {id}"),
            Missing::Deployment { id, of: Some(env) } => write!(f, "deployment {id} of '{env}'"),
            Missing::Member(subject) => write!(f, "member '{subject}'"),
            Missing::Credential(id) => write!(f, "credential {id}"),
            Missing::ApiKey(id) => write!(f, "API key {id}"),
            Missing::NotDeployed { kind, key } => write!(
                f,
                "{kind} '{key}' is not deployed in this environment or the gateway fallback"
            ),
        }
    }
}

impl Missing {
    /// A project named by its organization's slug and its own.
    pub fn project(org: &str, slug: &str) -> Self {
        Missing::Project(format!("{org}/{slug}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_missing_thing_reads_as_before() {
        assert_eq!(Missing::project("acme", "shop").to_string(), "project 'acme/shop'");
        assert_eq!(Missing::Environment("qa".into()).to_string(), "environment 'qa'");
        let of = Some((ResourceKind::Prompt, "greet".to_owned()));
        assert_eq!(
            Missing::Version { number: 3, of }.to_string(),
            "version 3 of prompt 'greet'"
        );
        assert_eq!(Missing::Row("release").to_string(), "release");
    }
}

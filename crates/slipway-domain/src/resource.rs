//! Resources and their immutable versions: kinds, keys, version numbers and content hashes.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::content::Content;
use crate::text::Message;
use crate::{ProjectId, ResourceId, UserId, ValidationError, VersionId};

/// What a resource is; it decides how its versions' content is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// A prompt: model, message templates, parameters.
    Prompt,
    /// A routing rule: routes with weighted targets; its versions are called releases.
    RoutingRule,
    /// A provider connection; its versions are called activations.
    Provider,
}

impl ResourceKind {
    /// Every kind: prompt, routing rule, provider.
    pub const ALL: [ResourceKind; 3] = [ResourceKind::Prompt, ResourceKind::RoutingRule, ResourceKind::Provider];

    /// The wire name: `prompt`, `routing_rule`, `provider`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Prompt => "prompt",
            ResourceKind::RoutingRule => "routing_rule",
            ResourceKind::Provider => "provider",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ResourceKind {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResourceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ValidationError::new("kind", "must be one of prompt, routing_rule, provider"))
    }
}

/// A resource's key, unique per kind in a project: `[a-z0-9][a-z0-9._/-]{0,127}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKey(String);

impl ResourceKey {
    /// The longest key accepted.
    pub const MAX_LEN: usize = 128;

    /// Parses a resource key.
    ///
    /// # Errors
    /// Empty, longer than 128 characters, or outside `[a-z0-9][a-z0-9._/-]*`.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let mut chars = value.chars();
        match chars.next() {
            None => return Err(ValidationError::new("key", "must not be empty")),
            Some(c) if !(c.is_ascii_lowercase() || c.is_ascii_digit()) => {
                return Err(ValidationError::new("key", "must start with a-z or 0-9"));
            }
            Some(_) => {}
        }
        if value.len() > Self::MAX_LEN {
            return Err(ValidationError::new("key", "must be at most 128 characters"));
        }
        if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '/' | '-')) {
            return Err(ValidationError::new(
                "key",
                "may contain only a-z, 0-9, '.', '_', '/' and '-'",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A version's number: 1, 2, … per resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionNumber(u32);

impl VersionNumber {
    /// The first version of every resource.
    pub const FIRST: VersionNumber = VersionNumber(1);

    /// Parses a version number (at least 1).
    ///
    /// # Errors
    /// Zero, negative, or beyond `u32`.
    pub fn new(value: i64) -> Result<Self, ValidationError> {
        u32::try_from(value)
            .ok()
            .filter(|n| *n >= 1)
            .map(Self)
            .ok_or_else(|| ValidationError::new("version", "must be a positive integer"))
    }

    /// The number, 1 for a resource's first version.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The number after this one.
    ///
    /// # Errors
    /// When the resource already has `u32::MAX` versions.
    pub fn next(self) -> Result<Self, ValidationError> {
        self.0
            .checked_add(1)
            .map(Self)
            .ok_or_else(|| ValidationError::new("version", "the resource has too many versions"))
    }
}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// SHA-256 of a version's canonical JSON content, as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    /// The hash of the given canonical bytes.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        use sha2::{Digest, Sha256};
        Self(hex::encode(Sha256::digest(bytes)))
    }

    /// Parses a stored hash.
    ///
    /// # Errors
    /// Not 64 lowercase hex digits.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        if value.len() == 64 && value.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
            Ok(Self(value.to_owned()))
        } else {
            Err(ValidationError::new("content_hash", "must be 64 lowercase hex digits"))
        }
    }

    /// The hash as hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A resource: something environments point at, identified by kind and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Generated at creation; versions and pointers refer to it.
    pub id: ResourceId,
    /// The owning project.
    pub project_id: ProjectId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its key, unique per kind in the project.
    pub key: ResourceKey,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// One immutable version of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Generated at creation; pointers and releases refer to it.
    pub id: VersionId,
    /// The resource it belongs to.
    pub resource_id: ResourceId,
    /// 1, 2, … per resource.
    pub number: VersionNumber,
    /// The validated content.
    pub content: Content,
    /// SHA-256 of the canonical content.
    pub content_hash: ContentHash,
    /// Who created it.
    pub author: UserId,
    /// Why it was created.
    pub message: Message,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// What creating a version amounts to, given the resource's latest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewVersion {
    /// The content equals the latest version's: nothing is created, that version is returned.
    Unchanged(VersionId),
    /// A new version with this number is to be created.
    Create(VersionNumber),
}

/// Decides whether new content makes a new version (DESIGN.md: creating a version identical to the
/// latest one is a no-op that returns the existing version).
pub fn plan_new_version(
    latest: Option<(&VersionId, VersionNumber, &ContentHash)>,
    new_hash: &ContentHash,
) -> Result<NewVersion, ValidationError> {
    match latest {
        None => Ok(NewVersion::Create(VersionNumber::FIRST)),
        Some((id, _, hash)) if hash == new_hash => Ok(NewVersion::Unchanged(*id)),
        Some((_, number, _)) => Ok(NewVersion::Create(number.next()?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for ok in ["greeting", "support/triage.v2", "0day", "a_b-c"] {
            assert!(ResourceKey::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-x", ".x", "Greeting", "a b", "a:b", &"a".repeat(129)] {
            assert_eq!(ResourceKey::parse(bad).unwrap_err().field(), "key", "{bad}");
        }
        assert!(ResourceKey::parse(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in ResourceKind::ALL {
            assert_eq!(kind.as_str().parse::<ResourceKind>().unwrap(), kind);
        }
        assert!("model".parse::<ResourceKind>().is_err());
    }

    #[test]
    fn version_numbers() {
        assert_eq!(VersionNumber::new(1).unwrap(), VersionNumber::FIRST);
        assert!(VersionNumber::new(0).is_err());
        assert!(VersionNumber::new(-3).is_err());
        assert!(VersionNumber::new(i64::from(u32::MAX) + 1).is_err());
        assert_eq!(VersionNumber::FIRST.next().unwrap().get(), 2);
        assert!(VersionNumber::new(i64::from(u32::MAX)).unwrap().next().is_err());
    }

    #[test]
    fn content_hashes() {
        let h = ContentHash::of_bytes(b"{}");
        assert_eq!(
            h.as_str(),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(ContentHash::parse(h.as_str()).unwrap(), h);
        assert!(ContentHash::parse("ABC").is_err());
    }

    #[test]
    fn identical_content_makes_no_new_version() {
        let id = VersionId::from_uuid(uuid::Uuid::from_u128(7));
        let a = ContentHash::of_bytes(b"a");
        let b = ContentHash::of_bytes(b"b");
        let two = VersionNumber::new(2).unwrap();
        assert_eq!(
            plan_new_version(None, &a).unwrap(),
            NewVersion::Create(VersionNumber::FIRST)
        );
        assert_eq!(
            plan_new_version(Some((&id, two, &a)), &a).unwrap(),
            NewVersion::Unchanged(id)
        );
        assert_eq!(
            plan_new_version(Some((&id, two, &a)), &b).unwrap(),
            NewVersion::Create(VersionNumber::new(3).unwrap())
        );
    }
}

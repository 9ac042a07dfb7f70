//! Slugs and resource keys: each parser accepts exactly its documented pattern, and an accepted
//! value is the input itself.

use proptest::prelude::*;
use slipway_domain::resource::ResourceKey;
use slipway_domain::slug::{EnvironmentSlug, OrganizationSlug, ProjectSlug};

use crate::support::{config, hostile_string};

/// `[a-z][a-z0-9-]*`, not ending in `-`, at most `max` bytes: organization and project slugs.
fn is_slug(s: &str, max: usize) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= max
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && !s.ends_with('-')
}

/// DESIGN.md's environment slug: `[a-z][a-z0-9-]{0,31}`.
fn is_environment_slug(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// DESIGN.md's resource key: `[a-z0-9][a-z0-9._/-]{0,127}`.
fn is_resource_key(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._/-".contains(c))
}

/// Strings near the patterns (so that both sides of each rule are reached), and anything.
fn candidate() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z0-9][a-z0-9._/-]{0,40}",
        2 => "[a-z][a-z0-9-]{0,35}",
        1 => "[a-z0-9]{60,70}",
        1 => "[a-z0-9._/-]{120,135}",
        1 => Just("prod".to_owned()),
        1 => Just("staging".to_owned()),
        3 => hostile_string(40),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn organization_and_project_slugs_accept_exactly_their_pattern(s in candidate()) {
        let org = OrganizationSlug::parse(&s);
        let project = ProjectSlug::parse(&s);
        prop_assert_eq!(org.is_ok(), is_slug(&s, 63), "{:?}", s);
        prop_assert_eq!(project.is_ok(), is_slug(&s, 63), "{:?}", s);
        match org {
            Ok(slug) => {
                prop_assert_eq!(slug.as_str(), s.as_str());
                prop_assert_eq!(OrganizationSlug::parse(&format!("{slug}")), Ok(slug));
            }
            Err(e) => {
                prop_assert_eq!(e.field(), "slug");
                prop_assert!(!e.message().is_empty());
            }
        }
    }

    #[test]
    fn environment_slugs_accept_their_pattern_and_reserve_the_system_ones(s in candidate()) {
        let existing = EnvironmentSlug::parse_existing(&s);
        prop_assert_eq!(existing.is_ok(), is_environment_slug(&s), "{:?}", s);
        let new = EnvironmentSlug::parse(&s);
        let reserved = EnvironmentSlug::RESERVED.contains(&s.as_str());
        prop_assert_eq!(new.is_ok(), is_environment_slug(&s) && !reserved, "{:?}", s);
        for result in [existing, new] {
            match result {
                Ok(slug) => {
                    prop_assert_eq!(slug.as_str(), s.as_str());
                    prop_assert_eq!(EnvironmentSlug::parse_existing(&format!("{slug}")), Ok(slug));
                }
                Err(e) => {
                    prop_assert_eq!(e.field(), "slug");
                    prop_assert!(!e.message().is_empty());
                }
            }
        }
    }

    #[test]
    fn resource_keys_accept_exactly_their_pattern(s in candidate()) {
        let key = ResourceKey::parse(&s);
        prop_assert_eq!(key.is_ok(), is_resource_key(&s), "{:?}", s);
        match key {
            Ok(key) => {
                prop_assert_eq!(key.as_str(), s.as_str());
                prop_assert_eq!(ResourceKey::parse(&key.to_string()), Ok(key));
            }
            Err(e) => prop_assert_eq!(e.field(), "key"),
        }
    }
}

//! Identifiers, instants and the proptest configuration shared by the property tests.

use chrono::{DateTime, TimeZone, Utc};
use proptest::test_runner::Config;
use slipway_domain::environment::NewEnvironment;
use slipway_domain::slug::EnvironmentSlug;
use slipway_domain::text::{Color, Description, Name};
use slipway_domain::{EnvironmentId, ProjectId, ResourceId, UserId, VersionId};
use uuid::Uuid;

/// Few enough cases that the whole suite runs in seconds in a debug build.
pub fn config() -> Config {
    Config {
        cases: 96,
        ..Config::default()
    }
}

pub fn project() -> ProjectId {
    ProjectId::from_uuid(Uuid::from_u128(0xABC))
}

pub fn env(n: u128) -> EnvironmentId {
    EnvironmentId::from_uuid(Uuid::from_u128(n))
}

pub fn res(n: u128) -> ResourceId {
    ResourceId::from_uuid(Uuid::from_u128(100 + n))
}

pub fn ver(resource: u128, n: u128) -> VersionId {
    VersionId::from_uuid(Uuid::from_u128(10_000 + resource * 100 + n))
}

pub fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

pub fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap()
}

pub fn new_env(slug: &str, is_production: bool) -> NewEnvironment {
    NewEnvironment {
        slug: EnvironmentSlug::parse(slug).unwrap(),
        name: Name::parse(slug).unwrap(),
        description: Description::default(),
        color: Color::rgb(1, 2, 3),
        is_production,
    }
}

//! Identifiers and enumerations read from outside: ids, version numbers, content hashes, kinds,
//! roles, permissions, release states and audit actor labels.

use std::str::FromStr;

use proptest::prelude::*;
use slipway_domain::audit::Actor;
use slipway_domain::release::ReleaseState;
use slipway_domain::resource::{ContentHash, ResourceKind, VersionNumber};
use slipway_domain::{ApiKeyId, EnvironmentId, Permission, ProjectId, Role, UserId, VersionId};
use uuid::Uuid;

use crate::support::{config, hostile_string};

/// Checks that `T::from_str` accepts exactly the wire names of `all`, giving the value back.
fn names_round_trip<T>(
    input: &str,
    all: &[T],
    name: impl Fn(&T) -> &'static str,
    field: &str,
) -> Result<(), TestCaseError>
where
    T: FromStr<Err = slipway_domain::ValidationError> + PartialEq + std::fmt::Debug,
{
    match T::from_str(input) {
        Ok(value) => {
            prop_assert_eq!(name(&value), input);
            prop_assert!(all.contains(&value));
        }
        Err(e) => {
            prop_assert!(all.iter().all(|v| name(v) != input), "{:?}", input);
            prop_assert_eq!(e.field(), field);
        }
    }
    for value in all {
        let parsed = T::from_str(name(value));
        prop_assert_eq!(parsed.as_ref(), Ok(value));
    }
    Ok(())
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(&[
            "prompt", "routing_rule", "provider", "owner", "admin", "developer", "approver", "viewer",
            "pending", "approved", "deployed", "rejected", "cancelled", "superseded", "expired",
            "project:view", "release:approve", "policy:bypass", "Prompt", "OWNER", " owner", "owner ",
        ][..]).prop_map(str::to_owned),
        3 => hostile_string(16),
    ]
}

fn uuid_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u128>().prop_map(|n| Uuid::from_u128(n).to_string()),
        any::<u128>().prop_map(|n| Uuid::from_u128(n).simple().to_string().to_uppercase()),
        any::<u128>().prop_map(|n| format!("{{{}}}", Uuid::from_u128(n))),
        "[0-9a-f-]{30,40}",
        hostile_string(40),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ids_parse_uuids_only_and_round_trip(s in uuid_text(), n in any::<u128>()) {
        match ProjectId::from_str(&s) {
            Ok(id) => {
                prop_assert_eq!(Uuid::parse_str(&s).ok(), Some(id.as_uuid()));
                prop_assert_eq!(ProjectId::from_str(&id.to_string()), Ok(id));
            }
            Err(e) => {
                prop_assert!(Uuid::parse_str(&s).is_err());
                prop_assert_eq!(e.field(), "id");
            }
        }
        let id = EnvironmentId::from_uuid(Uuid::from_u128(n));
        prop_assert_eq!(EnvironmentId::from_str(&id.to_string()), Ok(id));
        let id = VersionId::from_uuid(Uuid::from_u128(n));
        prop_assert_eq!(VersionId::from_str(&id.to_string()), Ok(id));
    }

    #[test]
    fn version_numbers_are_positive_u32s(n in prop_oneof![any::<i64>(), -2i64..3, (u32::MAX as i64 - 2)..(u32::MAX as i64 + 3)]) {
        match VersionNumber::new(n) {
            Ok(v) => {
                prop_assert!((1..=i64::from(u32::MAX)).contains(&n));
                prop_assert_eq!(i64::from(v.get()), n);
                prop_assert_eq!(v.to_string(), format!("v{n}"));
                match v.next() {
                    Ok(next) => prop_assert_eq!(i64::from(next.get()), n + 1),
                    Err(e) => {
                        prop_assert_eq!(v.get(), u32::MAX);
                        prop_assert_eq!(e.field(), "version");
                    }
                }
            }
            Err(e) => {
                prop_assert!(!(1..=i64::from(u32::MAX)).contains(&n));
                prop_assert_eq!(e.field(), "version");
            }
        }
    }

    #[test]
    fn content_hashes_are_64_lowercase_hex_digits(
        s in prop_oneof!["[0-9a-f]{63,65}", "[0-9a-fA-F]{64}", hostile_string(70)],
        bytes in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let expected = s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        match ContentHash::parse(&s) {
            Ok(hash) => {
                prop_assert!(expected);
                prop_assert_eq!(hash.as_str(), s.as_str());
            }
            Err(e) => {
                prop_assert!(!expected, "{:?}", s);
                prop_assert_eq!(e.field(), "content_hash");
            }
        }
        let hash = ContentHash::of_bytes(&bytes);
        prop_assert_eq!(ContentHash::parse(&hash.to_string()), Ok(hash));
    }

    #[test]
    fn enumerations_parse_exactly_their_wire_names(s in word()) {
        names_round_trip(&s, &ResourceKind::ALL, |k| k.as_str(), "kind")?;
        names_round_trip(&s, &Role::ALL, |r| r.as_str(), "role")?;
        names_round_trip(&s, &Permission::ALL, |p| p.as_str(), "permission")?;
        names_round_trip(&s, &ReleaseState::ALL, |st| st.as_str(), "state")?;
    }

    #[test]
    fn actor_labels_round_trip(
        s in prop_oneof![
            Just("system".to_owned()),
            uuid_text().prop_map(|u| format!("user:{u}")),
            uuid_text().prop_map(|u| format!("api_key:{u}")),
            uuid_text().prop_map(|u| format!("robot:{u}")),
            hostile_string(50),
        ],
        n in any::<u128>(),
    ) {
        if let Some(actor) = Actor::from_label(&s) {
            prop_assert_eq!(Actor::from_label(&actor.label()), Some(actor));
        }
        for actor in [
            Actor::System,
            Actor::User(UserId::from_uuid(Uuid::from_u128(n))),
            Actor::ApiKey(ApiKeyId::from_uuid(Uuid::from_u128(n))),
        ] {
            prop_assert_eq!(Actor::from_label(&actor.label()), Some(actor));
        }
    }
}

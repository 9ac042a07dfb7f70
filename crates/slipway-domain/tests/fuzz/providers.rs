//! Provider activations and their base URLs: only `https://` (or `http://` to loopback) URLs
//! without credentials, query, fragment or spaces are accepted; valid activations round-trip.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Value, json};
use slipway_domain::content::provider::check_base_url;
use slipway_domain::content::{Content, ProviderActivation};
use slipway_domain::resource::ResourceKind;
use uuid::Uuid;

use crate::support::{assert_content_round_trips, config, hostile_string, mutated};

const KINDS: &[&str] = &[
    "openai",
    "anthropic",
    "azure_openai",
    "google",
    "mistral",
    "bedrock",
    "openai_compatible",
];

fn url() -> impl Strategy<Value = String> {
    let host = prop_oneof![
        "[a-z0-9][a-z0-9.-]{0,20}",
        Just("localhost".to_owned()),
        Just("127.0.0.1".to_owned()),
        Just("[::1]".to_owned()),
        Just("127.0.0.1.evil.com".to_owned()),
        hostile_string(8),
    ];
    let port = prop_oneof![
        Just(String::new()),
        (0u32..70_000).prop_map(|p| format!(":{p}")),
        hostile_string(4)
    ];
    let path = prop_oneof![Just(String::new()), "/[a-z0-9/._-]{0,12}", hostile_string(10)];
    (
        prop::sample::select(&["https://", "http://", "HTTPS://", "ftp://", "", "https:/"][..]),
        prop_oneof![Just(String::new()), Just("user:pw@".to_owned())],
        host,
        port,
        path,
    )
        .prop_map(|(scheme, userinfo, host, port, path)| format!("{scheme}{userinfo}{host}{port}{path}"))
}

/// Where the activation's URL may point: the scheme and host of an accepted URL.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|rest| {
            let parts: Vec<&str> = rest.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok())
        })
}

fn assert_url_rules(url: &str) -> Result<(), TestCaseError> {
    prop_assert!(url.len() <= 2048);
    prop_assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()));
    let (scheme, rest) = url.split_once("://").unwrap();
    let authority = rest.split('/').next().unwrap_or_default();
    prop_assert!(!authority.contains('@') && !rest.contains('?') && !rest.contains('#'));
    if scheme == "http" {
        let host = if authority.starts_with('[') {
            authority.split_inclusive(']').next().unwrap_or_default()
        } else {
            authority.split(':').next().unwrap_or_default()
        };
        prop_assert!(is_loopback(&host.to_ascii_lowercase()), "{}", url);
    } else {
        prop_assert_eq!(scheme, "https");
    }
    Ok(())
}

fn activation() -> impl Strategy<Value = Value> {
    (
        prop_oneof![8 => prop::sample::select(KINDS).prop_map(str::to_owned), 1 => hostile_string(6)],
        prop_oneof![
            4 => "https://[a-z0-9][a-z0-9.-]{0,12}(:[1-9][0-9]{0,3})?(/[a-z0-9]{0,4}){0,2}",
            1 => "http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?",
            3 => url(),
        ],
        prop_oneof![
            8 => prop::collection::btree_set("[a-z0-9][a-z0-9.-]{0,8}", 1..4).prop_map(|s| s.into_iter().collect()),
            1 => prop::collection::vec(prop_oneof![Just("gpt-4o".to_owned()), Just(" x".to_owned()), hostile_string(5)], 0..4),
        ],
        prop_oneof![
            4 => Just(None),
            4 => any::<u128>().prop_map(|n| Some(Uuid::from_u128(n).to_string())),
            1 => hostile_string(8).prop_map(Some),
        ],
    )
        .prop_map(|(kind, url, models, credential): (String, String, Vec<String>, Option<String>)| {
            let mut value = json!({"provider_kind": kind, "base_url": url, "models": models});
            if let Some(credential) = credential {
                value["credential"] = json!(credential);
            }
            value
        })
}

fn assert_activation_rules(activation: &ProviderActivation) -> Result<(), TestCaseError> {
    assert_url_rules(&activation.base_url)?;
    prop_assert!((1..=500).contains(&activation.models.len()));
    let unique: BTreeSet<&String> = activation.models.iter().collect();
    prop_assert_eq!(unique.len(), activation.models.len());
    for model in &activation.models {
        prop_assert!(!model.is_empty() && model.len() <= 128 && model.trim() == model);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn base_urls_are_accepted_only_when_every_rule_holds(url in prop_oneof![3 => url(), 1 => hostile_string(40)]) {
        match check_base_url(&url) {
            Ok(()) => assert_url_rules(&url)?,
            Err(e) => prop_assert_eq!(e.field(), "base_url"),
        }
    }

    #[test]
    fn https_urls_with_a_plain_host_are_accepted(
        host in "[a-z0-9][a-z0-9.-]{0,30}",
        port in prop::option::of(1u16..),
        path in "(/[a-z0-9._-]{0,8}){0,3}",
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let url = format!("https://{host}{port}{path}");
        prop_assert_eq!(check_base_url(&url), Ok(()), "{}", url);
    }

    #[test]
    fn activations_are_accepted_only_when_every_rule_holds(value in prop_oneof![activation(), mutated(activation())]) {
        match Content::parse(ResourceKind::Provider, value) {
            Ok(content) => {
                let Content::Provider(activation) = &content else { panic!("an activation") };
                assert_activation_rules(activation)?;
                assert_content_round_trips(&content, ResourceKind::Provider)?;
            }
            Err(e) => prop_assert!(e.field().starts_with("content"), "{}", e),
        }
    }
}

//! The schema's limits: depth, complexity, and introspection switched off.

use serde_json::json;
use slipway_graphql::SchemaOptions;

use crate::harness::Harness;

/// 19 levels deep (release → target → deployments → edges → node → release → …), but cheap:
/// every connection asks for one item.
const DEEP: &str = r#"{ project(org: "acme", slug: "chat") { releases(first: 1) { edges { node {
  targetEnvironment { deployments(first: 1) { edges { node { release { targetEnvironment {
  deployments(first: 1) { edges { node { release { targetEnvironment {
  deployments(first: 1) { edges { node { id } } } } } } } } } } } } } } } } } } }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_nested_too_deep_is_refused_before_it_runs() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    let response = h.run(Some(&alice), DEEP, json!({})).await;
    let message = response["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(message.contains("nested too deep"), "{response:#}");
    assert_eq!(response["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    assert!(response["data"].is_null(), "nothing ran: {response:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_too_complex_is_refused() {
    let h = Harness::with_options(SchemaOptions {
        max_complexity: 50,
        ..SchemaOptions::default()
    })
    .await;
    let alice = h.user("alice").await;
    let query = r#"{ project(org: "acme", slug: "chat") { releases(first: 100) { edges { node { id state } } } } }"#;
    let response = h.run(Some(&alice), query, json!({})).await;
    let message = response["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(message.contains("complex"), "{response:#}");
    assert_eq!(response["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_that_do_not_parse_or_validate_carry_a_code() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    let broken = h.error(Some(&alice), "{ viewer {", json!({})).await;
    assert_eq!(broken["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
    let unknown = h.error(Some(&alice), "{ viewer { password } }", json!({})).await;
    assert_eq!(unknown["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    let bad_enum = h
        .error(
            Some(&alice),
            r#"mutation { addMember(org: "a", project: "b", subject: "c", role: GOD) { role } }"#,
            json!({}),
        )
        .await;
    assert_eq!(bad_enum["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_can_be_switched_off() {
    let query = "{ __schema { queryType { name } } }";
    let open = Harness::start().await;
    let alice = open.user("alice").await;
    assert_eq!(
        open.ok(&alice, query, json!({})).await["__schema"]["queryType"]["name"],
        "Query"
    );

    let closed = Harness::with_options(SchemaOptions {
        introspection: false,
        ..SchemaOptions::default()
    })
    .await;
    let alice = closed.user("alice").await;
    let response = closed.run(Some(&alice), query, json!({})).await;
    assert!(
        response["errors"].is_array() || response["data"]["__schema"].is_null(),
        "{response:#}"
    );
}

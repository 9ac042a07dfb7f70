//! The document guard in process: each class of hostile document is refused with a code before
//! it runs, at every size, while the documents real clients send (GraphiQL's introspection
//! query, fragments used sensibly) pass.

use std::time::Instant;

use serde_json::{Value, json};

use crate::harness::Harness;

/// The introspection query GraphiQL sends (graphql-js `getIntrospectionQuery`, with
/// descriptions and `isRepeatable`).
const INTROSPECTION: &str = r"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}";

fn nested(depth: usize, open: &str, close: &str) -> String {
    format!("{}1{}", open.repeat(depth), close.repeat(depth))
}

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiqls_introspection_query_passes() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    let data = h.ok(&alice, INTROSPECTION, json!({})).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_literals_are_refused_at_every_depth_wherever_they_are() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    for depth in [65, 100, 1_000, 10_000, 100_000, 1_000_000] {
        let list = nested(depth, "[", "]");
        let object = format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth));
        let places = [
            format!("{{ project(org: {list}, slug: \"x\") {{ id }} }}"),
            format!(
                "mutation {{ createPromptVersion(org: \"a\", project: \"b\", key: \"k\", content: {object}) {{ version {{ number }} }} }}"
            ),
            format!("query($v: JSON = {object}) {{ viewer {{ user {{ id }} }} }}"),
            "{ viewer ".repeat(depth) + &"}".repeat(depth),
            format!("{{ viewer @include(if: {list}) {{ user {{ id }} }} }}"),
        ];
        for query in places {
            let response = h.run(Some(&alice), &query, json!({})).await;
            assert_eq!(code(&response), "GRAPHQL_PARSE_FAILED", "depth {depth}: {response:#}");
            assert!(response["data"].is_null());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shallow_literals_still_reach_validation() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    for depth in [1, 2, 10, 40] {
        let query = format!("{{ project(org: {}, slug: \"x\") {{ id }} }}", nested(depth, "[", "]"));
        let response = h.run(Some(&alice), &query, json!({})).await;
        // A list where a string belongs: a validation error, not the guard's.
        assert_eq!(
            code(&response),
            "GRAPHQL_VALIDATION_FAILED",
            "depth {depth}: {response:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_variables_are_refused() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    for depth in [65, 100, 120] {
        let mut value = json!(1);
        for _ in 0..depth {
            value = json!({ "a": [value] });
        }
        let query = "mutation($c: JSON!) { createPromptVersion(org: \"a\", project: \"b\", key: \"k\", content: $c) { version { number } } }";
        let response = h.run(Some(&alice), query, json!({ "c": value })).await;
        assert_eq!(
            code(&response),
            "GRAPHQL_VALIDATION_FAILED",
            "depth {depth}: {response:#}"
        );
        assert!(
            response["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("variables")
        );
    }
}

/// `levels` fragments, each spreading the next `fanout` times.
fn explosion(levels: usize, fanout: usize) -> String {
    let mut query = String::from("{ ...F0 }\nfragment F0 on Query { ...F1 }\n");
    for level in 1..levels {
        let spread = format!(" ...F{}", level + 1);
        query.push_str(&format!("fragment F{level} on Query {{{}}}\n", spread.repeat(fanout)));
    }
    query.push_str(&format!(
        "fragment F{levels} on Query {{ viewer {{ user {{ id }} }} }}\n"
    ));
    query
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragment_explosions_are_refused_in_milliseconds() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    for (levels, fanout) in [(4, 10), (10, 10), (30, 10), (20, 50), (8, 200)] {
        let query = explosion(levels, fanout);
        let started = Instant::now();
        let response = h.run(Some(&alice), &query, json!({})).await;
        assert_eq!(
            code(&response),
            "GRAPHQL_VALIDATION_FAILED",
            "{levels}x{fanout}: {response:#}"
        );
        assert!(
            response["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("fragments")
        );
        // Not a timing assertion on the product: a guard against the test itself hanging for
        // minutes, which is what an unguarded validation does with these documents.
        assert!(started.elapsed().as_secs() < 30);
    }
    // A few fragments used sensibly pass.
    let fine = explosion(2, 3);
    assert!(h.run(Some(&alice), &fine, json!({})).await["errors"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wide_flat_documents_are_refused() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    for width in [2_001, 10_000, 100_000] {
        let query = format!("{{{} }}", " __typename".repeat(width));
        let response = h.run(Some(&alice), &query, json!({})).await;
        assert_eq!(code(&response), "GRAPHQL_VALIDATION_FAILED", "width {width}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliases_and_root_mutation_fields_are_limited() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    let aliases: String = (0..31).map(|n| format!(" a{n}: viewer {{ user {{ id }} }}")).collect();
    let response = h.run(Some(&alice), &format!("{{{aliases} }}"), json!({})).await;
    assert_eq!(code(&response), "GRAPHQL_VALIDATION_FAILED", "{response:#}");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("aliases")
    );

    for count in [6, 30, 1_000] {
        let writes: String = (0..count.min(30))
            .map(|n| format!(" o{n}: createOrganization(slug: \"org{n}\", name: \"Org\") {{ slug }}"))
            .collect();
        // Past the alias limit too once there are many: either refusal is fine, and nothing runs.
        let writes = if count > 30 {
            let plain: String = (0..count)
                .map(|_| " createOrganization(slug: \"same\", name: \"Org\") { slug }")
                .collect();
            plain
        } else {
            writes
        };
        let response = h.run(Some(&alice), &format!("mutation {{{writes} }}"), json!({})).await;
        assert_eq!(code(&response), "GRAPHQL_VALIDATION_FAILED", "{count}: {response:#}");
        assert!(response["data"].is_null());
    }
    let none = h
        .ok(
            &alice,
            "{ viewer { organizations(first: 50) { nodes { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        none["viewer"]["organizations"]["nodes"],
        json!([]),
        "no write ran: {none:#}"
    );

    let five: String = (0..5)
        .map(|n| format!(" o{n}: createOrganization(slug: \"org{n}\", name: \"Org\") {{ slug }}"))
        .collect();
    let data = h.ok(&alice, &format!("mutation {{{five} }}"), json!({})).await;
    assert_eq!(data["o4"]["slug"], "org4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syntax_errors_do_not_echo_the_query() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    let secret = "sk-live-0123456789abcdef";
    for query in [
        format!("mutation {{ setProviderCredential(org: \"a\", project: \"b\", key: \"p\", secret: \"{secret}\" }}"),
        format!("mutation {{ setProviderCredential(secret: \"{secret}\") {{ ! }} }}"),
        secret.to_owned(),
    ] {
        let response = h.run(Some(&alice), &query, json!({})).await;
        assert_eq!(code(&response), "GRAPHQL_PARSE_FAILED", "{response:#}");
        assert!(!response.to_string().contains(secret), "{response:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_fan_out_counts_against_complexity() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    for levels in [3, 5, 10] {
        let open = "organization { projects(first: 100) { nodes { ".repeat(levels);
        let close = "} } } ".repeat(levels);
        let query = format!(
            "{{ viewer {{ organizations(first: 100) {{ nodes {{ projects(first: 100) {{ nodes {{ {open} slug {close} }} }} }} }} }} }}"
        );
        let response = h.run(Some(&alice), &query, json!({})).await;
        assert_eq!(
            code(&response),
            "GRAPHQL_VALIDATION_FAILED",
            "{levels} levels: {response:#}"
        );
    }
    // Two levels of default-sized pages are a normal dashboard read.
    let fine = "{ viewer { organizations { nodes { slug projects { nodes { slug viewerRole } } } } } }";
    let response = h.run(Some(&alice), fine, json!({})).await;
    assert!(response["errors"].is_null(), "{response:#}");
}

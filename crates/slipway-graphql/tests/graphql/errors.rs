//! Every error a client can act on carries its `extensions.code` (and its field or rule).

use serde_json::json;

use crate::harness::{Harness, PUBLISH, prompt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organizations_project_is_not_found() {
    let h = Harness::start().await;
    let (alice, ..) = h.acme().await;
    let mallory = h.user("mallory").await;
    h.ok(
        &mallory,
        r#"mutation { createOrganization(slug: "evil", name: "Evil") { id } }"#,
        json!({}),
    )
    .await;
    let query = r#"{ project(org: "acme", slug: "chat") { id } }"#;
    let err = h.error(Some(&mallory), query, json!({})).await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
    // Exactly the answer for a project that does not exist.
    let missing = h
        .error(
            Some(&alice),
            r#"{ project(org: "acme", slug: "nope") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(missing["extensions"]["code"], "NOT_FOUND");
    let err = h
        .error(
            Some(&mallory),
            r#"mutation { createPrompt(org: "acme", project: "chat", key: "x") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_validation_error_naming_the_field() {
    let h = Harness::start().await;
    let alice = h.user("alice").await;
    let err = h
        .error(
            Some(&alice),
            r#"mutation { createOrganization(slug: "Bad Slug!", name: "Acme") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "slug");

    h.ok(
        &alice,
        r#"mutation { createOrganization(slug: "acme", name: "Acme") { id } }"#,
        json!({}),
    )
    .await;
    let long = "x".repeat(65);
    let err = h
        .error(
            Some(&alice),
            r#"mutation($name: String!) { createProject(org: "acme", slug: "chat", name: $name) { id } }"#,
            json!({"name": long}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "name");

    // A display name that would render reversed is refused, naming the code point.
    let err = h
        .error(
            Some(&alice),
            r#"mutation($name: String!) { createProject(org: "acme", slug: "chat", name: $name) { id } }"#,
            json!({"name": "Chat\u{202e}gnp.exe"}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert_eq!(err["extensions"]["field"], "name");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("U+202E (bidirectional override)")),
        "{err}"
    );

    let err = h
        .error(Some(&alice), r#"{ release(id: "not-a-uuid") { id } }"#, json!({}))
        .await;
    assert_eq!(err["extensions"]["field"], "id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_is_forbidden_and_a_stranger_unauthenticated() {
    let h = Harness::start().await;
    let (_, _, dave) = h.acme().await;
    let err = h
        .error(
            Some(&dave),
            r#"mutation { createPrompt(org: "acme", project: "chat", key: "other") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "FORBIDDEN");
    assert_eq!(err["extensions"]["permission"], "resource:write");

    for query in [
        "{ viewer { user { id } } }",
        r#"{ project(org: "acme", slug: "chat") { id } }"#,
        r#"mutation { createOrganization(slug: "anon", name: "Anon") { id } }"#,
    ] {
        let err = h.error(None, query, json!({})).await;
        assert_eq!(err["extensions"]["code"], "UNAUTHENTICATED", "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_violation_names_the_rule() {
    let h = Harness::start().await;
    let (alice, ..) = h.acme().await;
    h.ok(
        &alice,
        r#"mutation { setPromotionPolicy(org: "acme", project: "chat", environment: "prod", input: { allowDirect: false }) { slug } }"#,
        json!({}),
    )
    .await;
    let err = h
        .error(Some(&alice), PUBLISH, json!({"content": prompt("v2"), "to": ["prod"]}))
        .await;
    assert_eq!(err["extensions"]["code"], "POLICY_VIOLATION");
    assert_eq!(err["extensions"]["rule"], "allow_direct");
    // Nothing was written: v2 does not exist.
    let data = h
        .ok(&alice, r#"{ project(org: "acme", slug: "chat") { resource(kind: PROMPT, key: "greeting") { latestVersion { number } } } }"#, json!({}))
        .await;
    assert_eq!(data["project"]["resource"]["latestVersion"]["number"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_and_bad_content_are_reported() {
    let h = Harness::start().await;
    let (alice, ..) = h.acme().await;
    let err = h
        .error(
            Some(&alice),
            r#"mutation { createPrompt(org: "acme", project: "chat", key: "greeting") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    let err = h
        .error(Some(&alice), PUBLISH, json!({"content": {"model": 3}, "to": []}))
        .await;
    assert_eq!(err["extensions"]["code"], "VALIDATION");
    assert!(
        err["extensions"]["field"].as_str().unwrap().starts_with("content"),
        "{err}"
    );
    let err = h
        .error(
            Some(&alice),
            r#"mutation { deleteEnvironment(org: "acme", project: "chat", slug: "prod") { slug } }"#,
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
}

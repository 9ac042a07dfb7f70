//! The identity provider's group mapping end to end: a token whose groups claim holds a mapped
//! group signs its user in with the mapped project role (stored, listed among the members as
//! granted by the identity provider); the same user's next token without the group loses it; a
//! token without the claim changes nothing; a membership added through `addMember` is never
//! touched by the mapping.

use serde_json::{Value, json};
use slipway_domain::group_mapping::GroupMapping;
use slipway_server::Settings;
use slipway_server::config::GroupSettings;

use crate::helpers::{TestApp, prompt_content, spawn_with};
use crate::oidc_issuer::{CLIENT_ID, FakeIssuer, RSA1_PRIVATE, SigningKey};

async fn server(issuer: &FakeIssuer) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path()).unwrap();
    settings.rate_limit.enabled = false;
    settings.jwt.oidc_issuer = Some(issuer.issuer.clone());
    settings.jwt.oidc_client_id = Some(CLIENT_ID.to_owned());
    settings.jwt.groups = Some(GroupSettings {
        claim: "groups".to_owned(),
        mapping: GroupMapping::parse(&["llm-devs=acme/shop:developer", "llm-devs=acme/not-yet:viewer"]).unwrap(),
    });
    spawn_with(settings, Some(dir)).await
}

const PUBLISH: &str = "mutation($content: JSON!) {
  createPromptVersion(org: \"acme\", project: \"shop\", key: \"greeting\", content: $content) { version { number } } }";

/// The version number `token`'s user published, or the error code.
async fn publish(app: &TestApp, token: &str, text: &str) -> Result<i64, String> {
    let (_, body) = app
        .gql_raw(Some(token), PUBLISH, json!({ "content": prompt_content(text) }))
        .await;
    match body["data"]["createPromptVersion"]["version"]["number"].as_i64() {
        Some(n) => Ok(n),
        None => Err(body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("?")
            .to_owned()),
    }
}

/// `(subject, role, source)` of every member of acme/shop, as its owner sees them.
async fn members(app: &TestApp, owner: &str) -> Vec<(String, String, String)> {
    let data = app
        .gql(
            owner,
            "{ project(org: \"acme\", slug: \"shop\") { members { edges { node { user { subject } role source } } } } }",
            json!({}),
        )
        .await;
    let mut members: Vec<_> = data["project"]["members"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let node = &e["node"];
            let text = |v: &Value| v.as_str().unwrap_or("?").to_owned();
            (
                text(&node["user"]["subject"]),
                text(&node["role"]),
                text(&node["source"]),
            )
        })
        .collect();
    members.sort();
    members
}

fn member(subject: &str, role: &str, source: &str) -> (String, String, String) {
    (subject.to_owned(), role.to_owned(), source.to_owned())
}

#[tokio::test]
async fn groups_grant_roles_that_follow_the_token_and_spare_slipways_members() {
    let k1 = SigningKey::rsa("k1", RSA1_PRIVATE);
    let issuer = FakeIssuer::start(vec![k1.clone()]).await;
    let app = server(&issuer).await;
    let token = |subject: &str, groups: Option<Value>| {
        let mut claims = issuer.claims(subject);
        if let Some(groups) = groups {
            claims["groups"] = groups;
        }
        k1.sign(&claims)
    };
    let alice = token("alice", None);
    app.gql(
        &alice,
        "mutation { createOrganization(slug: \"acme\", name: \"Acme\") { slug } }",
        json!({}),
    )
    .await;
    app.gql(
        &alice,
        "mutation { createProject(org: \"acme\", slug: \"shop\", name: \"Shop\") { slug } }",
        json!({}),
    )
    .await;
    app.gql(
        &alice,
        "mutation { createPrompt(org: \"acme\", project: \"shop\", key: \"greeting\") { key } }",
        json!({}),
    )
    .await;
    app.gql(
        &alice,
        "mutation { addMember(org: \"acme\", project: \"shop\", subject: \"bob\", role: VIEWER) { role } }",
        json!({}),
    )
    .await;

    // In the group: a developer of acme/shop (acme/not-yet does not exist and is skipped).
    let ada_dev = token("ada", Some(json!(["llm-devs", "unrelated"])));
    assert_eq!(publish(&app, &ada_dev, "hello").await, Ok(1));
    assert_eq!(
        members(&app, &alice).await,
        [
            member("ada", "DEVELOPER", "IDENTITY_PROVIDER"),
            member("alice", "OWNER", "SLIPWAY"),
            member("bob", "VIEWER", "SLIPWAY"),
        ]
    );
    // A token that does not carry the claim says nothing about groups: the role stays.
    assert_eq!(publish(&app, &token("ada", None), "hello again").await, Ok(2));

    // bob's membership is managed in Slipway: his groups change nothing.
    let bob_dev = token("bob", Some(json!("llm-devs")));
    assert_eq!(publish(&app, &bob_dev, "bob").await, Err("FORBIDDEN".to_owned()));
    assert_eq!(
        publish(&app, &token("bob", Some(json!([]))), "bob").await,
        Err("FORBIDDEN".to_owned())
    );

    // Out of the group: ada loses the role — the project is no longer hers to see.
    let ada_out = token("ada", Some(json!(["unrelated"])));
    assert_eq!(publish(&app, &ada_out, "bye").await, Err("NOT_FOUND".to_owned()));
    let (_, body) = app
        .gql_raw(
            Some(&ada_out),
            "{ project(org: \"acme\", slug: \"shop\") { slug } }",
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND", "{body}");
    assert_eq!(
        members(&app, &alice).await,
        [member("alice", "OWNER", "SLIPWAY"), member("bob", "VIEWER", "SLIPWAY")]
    );

    // Each change is in the project's audit log, naming the identity provider.
    let data = app
        .gql(
            &alice,
            "{ auditLog(org: \"acme\", project: \"shop\", first: 50) { edges { node { action } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = data["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .filter(|a| a.contains("identity_provider"))
        .collect();
    assert_eq!(
        actions,
        ["member.remove_by_identity_provider", "member.add_by_identity_provider"],
        "newest first"
    );
    // And back in the group, back in the project.
    assert_eq!(publish(&app, &ada_dev, "back").await, Ok(3));
    app.finish().await;
}

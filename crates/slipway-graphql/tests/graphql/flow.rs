//! The main story through GraphQL: publish to staging, guard prod with a policy, promote,
//! approve as a second user, resolve — and the dashboard's view of it.

use serde_json::json;

use crate::harness::Harness;

const PROMOTE: &str = r#"mutation {
  promote(org: "acme", project: "chat", source: "staging", target: "prod", message: "ship v1") {
    id state origin policyRevision
    source { slug }
    targetEnvironment { slug }
    author { subject }
    changes { resource { kind key } fromVersion { number } toVersion { number } }
  }
}"#;

const RESOLVE: &str = r#"query($env: String) {
  resolve(org: "acme", project: "chat", environment: $env, kind: PROMPT, key: "greeting") {
    environment { slug }
    etag
    resources { resource { key } version { number content } servedFrom { slug } fellBack }
  }
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_promote_approve_resolve() {
    let h = Harness::start().await;
    let (alice, bob, _) = h.acme().await;

    let policy = h
        .ok(
            &alice,
            r#"mutation {
              setPromotionPolicy(org: "acme", project: "chat", environment: "prod",
                input: { requiredApprovals: 1, allowedSources: ["staging"], allowDirect: false }) {
                slug
                policy { revision requiredApprovals allowedSources allowDirect preventSelfApproval autoApply approverRoles }
              }
            }"#,
            json!({}),
        )
        .await;
    let p = &policy["setPromotionPolicy"]["policy"];
    assert_eq!(p["revision"], 2);
    assert_eq!(p["allowedSources"], json!(["staging"]));
    assert_eq!(p["allowDirect"], false);
    assert_eq!(p["approverRoles"], json!(["OWNER", "ADMIN", "APPROVER"]));

    let promoted = h.ok(&alice, PROMOTE, json!({})).await;
    let release = &promoted["promote"];
    assert_eq!(release["state"], "PENDING", "one approval is required");
    assert_eq!(release["origin"], "PROMOTION");
    assert_eq!(release["source"]["slug"], "staging");
    assert_eq!(release["targetEnvironment"]["slug"], "prod");
    assert_eq!(release["author"]["subject"], "alice");
    assert_eq!(
        release["changes"],
        json!([{"resource": {"kind": "PROMPT", "key": "greeting"}, "fromVersion": null, "toVersion": {"number": 1}}])
    );
    let id = release["id"].as_str().unwrap().to_owned();

    // Nothing is served in prod yet: the gateway fallback (prod) has no pointer.
    let before = h.error(Some(&alice), RESOLVE, json!({"env": "prod"})).await;
    assert_eq!(before["extensions"]["code"], "NOT_FOUND");

    let approved = h
        .ok(
            &bob,
            r#"mutation($id: ID!) { approveRelease(id: $id) { state approvals { user { subject } } deployment { sequence deployedBy { subject } environment { slug } } } }"#,
            json!({"id": id}),
        )
        .await;
    let r = &approved["approveRelease"];
    assert_eq!(r["state"], "DEPLOYED");
    assert_eq!(r["approvals"], json!([{"user": {"subject": "bob"}}]));
    assert_eq!(r["deployment"]["sequence"], 1);
    assert_eq!(r["deployment"]["environment"]["slug"], "prod");

    let resolved = h.ok(&alice, RESOLVE, json!({"env": "prod"})).await;
    let entry = &resolved["resolve"]["resources"][0];
    assert_eq!(entry["version"]["number"], 1);
    assert_eq!(entry["version"]["content"]["messages"][0]["content"], "v1");
    assert_eq!(entry["servedFrom"]["slug"], "prod");
    assert_eq!(entry["fellBack"], false);

    // The release reads back by id, for anyone in the project.
    let read = h
        .ok(
            &bob,
            r#"query($id: ID!) { release(id: $id) { state targetEnvironment { slug } } }"#,
            json!({"id": id}),
        )
        .await;
    assert_eq!(read["release"]["state"], "DEPLOYED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_sees_environments_pointers_and_history() {
    let h = Harness::start().await;
    let (alice, _, dave) = h.acme().await;
    let data = h
        .ok(
            &dave,
            r#"{
              viewer { user { subject } organizations { nodes { slug projects { nodes { slug viewerRole } } } } }
              project(org: "acme", slug: "chat") {
                viewerRole
                environments { nodes {
                  slug isSystem isDefaultPublishTarget isGatewayFallback color
                  pointers { nodes { resource { kind key } version { number author { subject } } revision } }
                  deployments(first: 5) { edges { node { sequence release { origin state } changes { toVersion { number } } } } }
                } }
                members { nodes { user { subject } role } }
                releases(first: 10) { edges { node { origin state targetEnvironment { slug } } } }
              }
              diffEnvironments(org: "acme", project: "chat", left: "prod", right: "staging") {
                resource { key } left { number } right { number }
              }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["viewer"]["user"]["subject"], "dave");
    assert_eq!(
        data["viewer"]["organizations"]["nodes"][0]["projects"]["nodes"][0]["viewerRole"],
        "VIEWER"
    );
    let project = &data["project"];
    assert_eq!(project["viewerRole"], "VIEWER");
    let envs = project["environments"]["nodes"].as_array().unwrap();
    assert_eq!(
        envs.iter().map(|e| e["slug"].as_str().unwrap()).collect::<Vec<_>>(),
        ["prod", "staging"]
    );
    assert_eq!(envs[0]["pointers"]["nodes"], json!([]));
    assert_eq!(envs[1]["pointers"]["nodes"][0]["version"]["number"], 1);
    assert_eq!(envs[1]["pointers"]["nodes"][0]["version"]["author"]["subject"], "alice");
    let history = &envs[1]["deployments"]["edges"][0]["node"];
    assert_eq!(history["sequence"], 1);
    assert_eq!(history["release"]["origin"], "PUBLISH");
    assert_eq!(history["changes"][0]["toVersion"]["number"], 1);
    let members: Vec<(String, String)> = project["members"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user"]["subject"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(members.contains(&("bob".into(), "APPROVER".into())), "{members:?}");
    assert!(members.contains(&("dave".into(), "VIEWER".into())), "{members:?}");
    assert_eq!(
        data["diffEnvironments"],
        json!([{"resource": {"key": "greeting"}, "left": null, "right": {"number": 1}}])
    );

    // API keys are for managers: the viewer is refused, the owner sees the new key.
    let refused = h
        .error(
            Some(&dave),
            r#"{ project(org: "acme", slug: "chat") { apiKeys { nodes { id } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "FORBIDDEN");
    let created = h
        .ok(
            &alice,
            r#"mutation { createApiKey(org: "acme", project: "chat", name: "gw", environments: ["prod"]) { secret apiKey { name prefix environments } } }"#,
            json!({}),
        )
        .await;
    let secret = created["createApiKey"]["secret"].as_str().unwrap();
    assert!(secret.starts_with("slw_"));
    assert_eq!(created["createApiKey"]["apiKey"]["environments"], json!(["prod"]));
    let listed = h
        .ok(
            &alice,
            r#"{ project(org: "acme", slug: "chat") { apiKeys { nodes { name prefix } } } }"#,
            json!({}),
        )
        .await;
    assert!(!listed.to_string().contains(secret), "the secret is shown once only");
}

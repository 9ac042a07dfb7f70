//! What the dashboard's release, inbox, diff and audit screens read: a release's approval
//! status and waiting reasons, the releases waiting for the caller's approval across projects,
//! the diff between two versions, and the audit log's filters and chain status.

use serde_json::{Value, json};

use crate::harness::{Harness, PUBLISH, prompt};

const POLICY: &str = r#"mutation($env: String!, $input: PromotionPolicyInput!) {
  setPromotionPolicy(org: "acme", project: "chat", environment: $env, input: $input) { slug }
}"#;

const PROMOTE: &str = r#"mutation($target: String!) {
  promote(org: "acme", project: "chat", source: "staging", target: $target, message: "ship") { id state }
}"#;

const STATUS: &str = r#"query($id: ID!) {
  release(id: $id) {
    state
    approvalStatus {
      counted required approverRoles expiresAt
      counting { user { subject } }
      waitingFor { kind missingApprovals roles until rule message }
    }
  }
}"#;

const INBOX: &str = r#"query($after: String) {
  releasesAwaitingMyApproval(first: 1, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id organizationSlug projectSlug targetEnvironment { slug } }
  }
}"#;

async fn promote(h: &Harness, who: &slipway_service::Ctx, target: &str) -> String {
    let data = h.ok(who, PROMOTE, json!({"target": target})).await;
    data["promote"]["id"].as_str().unwrap().to_owned()
}

async fn status(h: &Harness, who: &slipway_service::Ctx, id: &str) -> Value {
    h.ok(who, STATUS, json!({"id": id})).await["release"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_says_which_approvals_count_and_why_it_waits() {
    let h = Harness::start().await;
    let (alice, bob, dave) = h.acme().await;
    h.ok(
        &alice,
        POLICY,
        json!({"env": "prod", "input": {"requiredApprovals": 2, "expiresAfterSeconds": 3600}}),
    )
    .await;
    let id = promote(&h, &alice, "prod").await;

    let s = status(&h, &dave, &id).await;
    assert_eq!(s["state"], "PENDING");
    let a = &s["approvalStatus"];
    assert_eq!((a["counted"].clone(), a["required"].clone()), (json!(0), json!(2)));
    assert_eq!(a["approverRoles"], json!(["OWNER", "ADMIN", "APPROVER"]));
    assert_eq!(a["expiresAt"], "2026-11-22T10:00:00+00:00");
    assert_eq!(
        a["waitingFor"],
        json!([{
            "kind": "APPROVALS", "missingApprovals": 2, "roles": ["OWNER", "ADMIN", "APPROVER"],
            "until": null, "rule": null,
            "message": "needs 2 more approvals from owner, admin, approver",
        }])
    );

    // The author's own approval is recorded but does not count; an approver's does.
    h.ok(
        &alice,
        r#"mutation($id: ID!) { approveRelease(id: $id) { state } }"#,
        json!({"id": id}),
    )
    .await;
    h.ok(
        &bob,
        r#"mutation($id: ID!) { approveRelease(id: $id) { state } }"#,
        json!({"id": id}),
    )
    .await;
    let a = status(&h, &dave, &id).await["approvalStatus"].clone();
    assert_eq!(a["counted"], 1);
    assert_eq!(a["counting"], json!([{"user": {"subject": "bob"}}]));
    assert_eq!(a["waitingFor"][0]["missingApprovals"], 1);
    assert_eq!(
        a["waitingFor"][0]["message"],
        "needs 1 more approval from owner, admin, approver"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freeze_window_and_a_manual_apply_are_reasons_too() {
    let h = Harness::start().await;
    let (alice, _, _) = h.acme().await;
    let window = json!({"start": "2026-11-22T08:00:00Z", "end": "2026-11-22T12:00:00Z", "reason": "launch"});
    h.ok(
        &alice,
        POLICY,
        json!({"env": "prod", "input": {"autoApply": false, "freezeWindows": [window]}}),
    )
    .await;
    let id = promote(&h, &alice, "prod").await;
    let s = status(&h, &alice, &id).await;
    assert_eq!(s["state"], "APPROVED", "no approval is needed");
    let kinds: Vec<&str> = s["approvalStatus"]["waitingFor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["FREEZE_WINDOW", "EXPLICIT_APPLY"]);
    assert_eq!(
        s["approvalStatus"]["waitingFor"][0]["until"],
        "2026-11-22T12:00:00+00:00"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_lists_what_waits_for_my_approval_page_by_page() {
    let h = Harness::start().await;
    let (alice, bob, dave) = h.acme().await;
    h.ok(
        &alice,
        r#"mutation { createEnvironment(org: "acme", project: "chat", input: { slug: "qa", name: "QA" }) { slug } }"#,
        json!({}),
    )
    .await;
    for env in ["prod", "qa"] {
        h.ok(&alice, POLICY, json!({"env": env, "input": {"requiredApprovals": 1}}))
            .await;
    }
    let prod = promote(&h, &alice, "prod").await;
    let qa = promote(&h, &alice, "qa").await;

    let first = h.ok(&bob, INBOX, json!({})).await["releasesAwaitingMyApproval"].clone();
    assert_eq!(
        first["nodes"],
        json!([{"id": qa, "organizationSlug": "acme", "projectSlug": "chat", "targetEnvironment": {"slug": "qa"}}]),
        "newest first"
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let after = first["pageInfo"]["endCursor"].clone();
    let second = h.ok(&bob, INBOX, json!({"after": after})).await["releasesAwaitingMyApproval"].clone();
    assert_eq!(second["nodes"][0]["id"], json!(prod));
    assert_eq!(second["pageInfo"]["hasNextPage"], false);

    // The author (self-approval is prevented) and a viewer have nothing to approve.
    for who in [&alice, &dave] {
        let inbox = h.ok(who, INBOX, json!({})).await;
        assert_eq!(inbox["releasesAwaitingMyApproval"]["nodes"], json!([]));
    }
    // Once bob approves, it leaves his inbox (it deployed).
    h.ok(
        &bob,
        r#"mutation($id: ID!) { approveRelease(id: $id) { state } }"#,
        json!({"id": qa}),
    )
    .await;
    let left = h.ok(&bob, INBOX, json!({})).await;
    assert_eq!(
        left["releasesAwaitingMyApproval"]["nodes"],
        json!([{"id": prod, "organizationSlug": "acme", "projectSlug": "chat", "targetEnvironment": {"slug": "prod"}}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_versions_diff_leaf_by_leaf() {
    let h = Harness::start().await;
    let (alice, _, dave) = h.acme().await;
    let mut v2 = prompt("v2");
    v2["parameters"] = json!({"temperature": 0.5});
    h.ok(&alice, PUBLISH, json!({"content": v2, "to": ["staging"]})).await;
    let q = r#"query($from: Int!, $to: Int!) {
      project(org: "acme", slug: "chat") {
        resource(kind: PROMPT, key: "greeting") { diff(from: $from, to: $to) { path kind before after } }
      }
    }"#;
    let data = h.ok(&dave, q, json!({"from": 1, "to": 2})).await;
    let diff = &data["project"]["resource"]["diff"];
    let content = diff
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "messages[0].content")
        .unwrap_or_else(|| panic!("no content change in {diff:#}"));
    assert_eq!(content["kind"], "CHANGED");
    assert_eq!(
        (content["before"].clone(), content["after"].clone()),
        (json!("v1"), json!("v2"))
    );
    let added = diff
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "parameters.temperature")
        .unwrap_or_else(|| panic!("no added parameter in {diff:#}"));
    assert_eq!(
        (added["kind"].clone(), added["before"].clone()),
        (json!("ADDED"), Value::Null)
    );
    let same = h.ok(&dave, q, json!({"from": 2, "to": 2})).await;
    assert_eq!(same["project"]["resource"]["diff"], json!([]));
    let missing = h.error(Some(&dave), q, json!({"from": 1, "to": 9})).await;
    assert_eq!(missing["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_filters_on_the_server_and_its_chain_verifies() {
    let h = Harness::start().await;
    let (alice, bob, dave) = h.acme().await;
    h.ok(
        &alice,
        POLICY,
        json!({"env": "prod", "input": {"requiredApprovals": 1}}),
    )
    .await;
    let id = promote(&h, &alice, "prod").await;
    h.ok(
        &bob,
        r#"mutation($id: ID!) { approveRelease(id: $id) { state } }"#,
        json!({"id": id}),
    )
    .await;
    let q = r#"query($filter: AuditLogFilterInput) {
      auditLog(org: "acme", project: "chat", first: 50, filter: $filter) { nodes { action actor } }
      auditChain(org: "acme", project: "chat") { verified verifiedEvents brokenAt problem }
    }"#;
    let actions = |data: &Value| -> Vec<String> {
        data["auditLog"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = h.ok(&dave, q, json!({})).await;
    let total = actions(&all).len();
    assert_eq!(
        all["auditChain"],
        json!({"verified": true, "verifiedEvents": total, "brokenAt": null, "problem": null})
    );
    let releases = h.ok(&dave, q, json!({"filter": {"actionKind": "release"}})).await;
    assert_eq!(actions(&releases), ["release.approve", "release.promote"]);
    let bobs_actor = releases["auditLog"]["nodes"][0]["actor"].clone();
    let by_bob = h.ok(&dave, q, json!({"filter": {"actor": bobs_actor}})).await;
    assert_eq!(actions(&by_bob), ["release.approve"]);
    let prod = h.ok(&dave, q, json!({"filter": {"environment": "prod"}})).await;
    assert_eq!(actions(&prod), ["release.approve", "release.promote", "policy.set"]);
    let greeting = h
        .ok(
            &dave,
            q,
            json!({"filter": {"resource": {"kind": "PROMPT", "key": "greeting"}}}),
        )
        .await;
    assert!(
        actions(&greeting).contains(&"release.promote".to_owned()) && actions(&greeting).len() >= 3,
        "its creation, its publish and the promotion: {:?}",
        actions(&greeting)
    );
    let unknown = h
        .error(Some(&dave), q, json!({"filter": {"environment": "nope"}}))
        .await;
    assert_eq!(unknown["extensions"]["code"], "NOT_FOUND");
}

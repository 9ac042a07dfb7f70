//! The dashboard's reads send a bounded number of database statements, whatever the project
//! holds: each screen's query is run on a project with a few releases and audit events and again
//! after ten times as many, and must send exactly as many statements both times (no query per
//! listed item) and no more than its budget. A count, never a time.

use serde_json::{Value, json};
use slipway_service::Ctx;

use crate::harness::{Harness, PUBLISH, prompt};

/// The queries of the overview, a release's page, the deployments timeline and the audit log, as
/// the dashboard sends them (`web/src/features/…`), with the statements each may send (what they
/// send today: a budget that catches a regression; the deployments timeline sent 135 for 20
/// deployments before releases were loaded in one batch).
const SCREENS: [(&str, &str, u64); 5] = [
    (
        "overview",
        r#"query($org: String!, $project: String!) { project(org: $org, slug: $project) { id
            environments(first: 20) { pageInfo { hasNextPage endCursor } nodes {
              id slug name color description isSystem isProduction isDefaultPublishTarget isGatewayFallback } } } }"#,
        9,
    ),
    (
        "environment card",
        r#"query($org: String!, $project: String!) { project(org: $org, slug: $project) { id
            releases(environment: "staging", states: [DEPLOYED], first: 10) { pageInfo { hasNextPage endCursor }
              nodes { id state origin changes { resource { kind key } toVersion { number } } } } }
            resolve(org: $org, project: $project, environment: "staging") { etag
              resources { fellBack servedFrom { slug } resource { id kind key } version { number } } } }"#,
        15,
    ),
    (
        "deployments",
        r#"query($org: String!, $project: String!) { environment(org: $org, project: $project, slug: "staging") { id
            deployments(first: 20) { pageInfo { hasNextPage endCursor }
              nodes { id sequence deployedAt deployedBy { subject name } release { id origin }
                changes { resource { key } fromVersion { number } toVersion { number } } } } } }"#,
        21,
    ),
    (
        "audit log",
        r#"query($org: String!, $project: String!) { auditLog(org: $org, project: $project, first: 50) {
            pageInfo { hasNextPage endCursor }
            nodes { id sequence action actor actorUser { subject name } targetKind targetId at requestId } } }"#,
        6,
    ),
    (
        "release",
        r#"query($id: ID!) { release(id: $id) {
            id state origin message policyRevision createdAt updatedAt organizationSlug projectSlug
            author { subject name }
            targetEnvironment { slug name policy { revision requiredApprovals autoApply preventSelfApproval approverRoles } }
            approvalStatus { counted required approverRoles expiresAt counting { user { subject } } waitingFor { kind message until } }
            source { slug }
            changes { resource { id kind key } fromVersion { number } toVersion { number } }
            approvals { user { subject name } at }
            decision { user { subject } reason at }
            bypass { user { subject } reason rules at }
            deployment { id deployedAt } } }"#,
        35,
    ),
];

/// Publishes `count` more versions of `greeting` to staging; the last release's id.
async fn publish(h: &Harness, alice: &Ctx, from: usize, count: usize) -> String {
    let mut last = String::new();
    for n in from..from + count {
        let data = h
            .ok(
                alice,
                PUBLISH,
                json!({"content": prompt(&format!("v{n}")), "to": ["staging"]}),
            )
            .await;
        last = data["createPromptVersion"]["releases"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    last
}

/// The statements each screen's query sends, read by `who`.
async fn counts(h: &Harness, who: &Ctx, release: &str) -> Vec<(&'static str, u64)> {
    let mut out = Vec::new();
    for (name, query, _) in SCREENS {
        let variables: Value = json!({"org": "acme", "project": "chat", "id": release});
        let before = h.service.store().statements_run();
        h.ok(who, query, variables).await;
        out.push((name, h.service.store().statements_run() - before));
    }
    out
}

#[tokio::test]
async fn dashboard_screens_send_as_many_statements_for_a_busy_project_as_for_a_new_one() {
    let h = Harness::start().await;
    let (alice, _bob, dave) = h.acme().await;
    let release = publish(&h, &alice, 2, 3).await;
    // Warm the caches a first read fills (the snapshot, the viewer cache), as a screen would.
    counts(&h, &dave, &release).await;
    let few = counts(&h, &dave, &release).await;

    let release = publish(&h, &alice, 5, 30).await;
    counts(&h, &dave, &release).await;
    let many = counts(&h, &dave, &release).await;

    assert_eq!(few, many, "a screen's statements grew with the project");
    for ((name, sent), (_, _, budget)) in many.iter().zip(SCREENS) {
        assert!(*sent <= budget, "{name} sent {sent} statements (budget {budget})");
    }
}

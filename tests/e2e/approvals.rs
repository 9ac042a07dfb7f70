//! What the dashboard's release screens read, over HTTP from the real server: a release's
//! counting approvals, needed count and waiting reason, the approver's inbox across projects,
//! a diff between two versions, and the audit log filtered on the server.

use serde_json::{Value, json};

use crate::helpers::{fixture, new_prompt_version, publish_prompt, spawn_app};

const STATUS: &str = "query($id: ID!) { release(id: $id) { state approvalStatus {
  counted required counting { user { subject } } waitingFor { kind missingApprovals roles message } } } }";

const INBOX: &str = "{ releasesAwaitingMyApproval { nodes { id targetEnvironment { slug } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approver_finds_a_release_in_the_inbox_sees_why_it_waits_and_approves() {
    let app = spawn_app().await;
    let f = fixture(&app, "inbox", "shop").await;
    let vars = |extra: Value| {
        let mut v = json!({ "org": f.org, "project": f.project });
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        v
    };
    for who in ["bob", "carol"] {
        app.gql(
            &f.owner,
            "mutation($org: String!, $project: String!, $who: String!) {
               addMember(org: $org, project: $project, subject: $who, role: APPROVER) { role } }",
            vars(json!({ "who": who })),
        )
        .await;
    }
    app.gql(
        &f.owner,
        "mutation($org: String!, $project: String!) { setPromotionPolicy(org: $org, project: $project,
           environment: \"prod\", input: { requiredApprovals: 2 }) { slug } }",
        vars(json!({})),
    )
    .await;
    publish_prompt(&app, &f, "greeting", "v1", &["staging"]).await;
    let promoted = app
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!) { promote(org: $org, project: $project,
               source: \"staging\", target: \"prod\", message: \"ship\") { id } }",
            vars(json!({})),
        )
        .await;
    let id = promoted["promote"]["id"].as_str().unwrap().to_owned();

    let (bob, carol) = (app.token("bob"), app.token("carol"));
    let inbox = app.gql(&bob, INBOX, json!({})).await;
    assert_eq!(
        inbox["releasesAwaitingMyApproval"]["nodes"],
        json!([{ "id": id, "targetEnvironment": { "slug": "prod" } }])
    );
    let owner_inbox = app.gql(&f.owner, INBOX, json!({})).await;
    assert_eq!(
        owner_inbox["releasesAwaitingMyApproval"]["nodes"],
        json!([]),
        "not one's own"
    );

    app.gql(
        &bob,
        "mutation($id: ID!) { approveRelease(id: $id) { state } }",
        json!({ "id": id }),
    )
    .await;
    let status = app.gql(&carol, STATUS, json!({ "id": id })).await;
    let s = &status["release"]["approvalStatus"];
    assert_eq!(status["release"]["state"], "PENDING");
    assert_eq!((s["counted"].clone(), s["required"].clone()), (json!(1), json!(2)));
    assert_eq!(s["counting"], json!([{ "user": { "subject": "bob" } }]));
    assert_eq!(s["waitingFor"][0]["kind"], "APPROVALS");
    assert_eq!(s["waitingFor"][0]["missingApprovals"], 1);
    assert_eq!(
        app.gql(&bob, INBOX, json!({})).await["releasesAwaitingMyApproval"]["nodes"],
        json!([]),
        "bob has approved"
    );

    app.gql(
        &carol,
        "mutation($id: ID!) { approveRelease(id: $id) { state } }",
        json!({ "id": id }),
    )
    .await;
    let done = app.gql(&carol, STATUS, json!({ "id": id })).await;
    assert_eq!(done["release"]["state"], "DEPLOYED");
    assert_eq!(done["release"]["approvalStatus"]["waitingFor"], json!([]));

    // The diff between the two versions and the audit log filtered by the server.
    new_prompt_version(&app, &f, "greeting", "v2", &[]).await;
    let diff = app
        .gql(
            &carol,
            "query($org: String!, $project: String!) { project(org: $org, slug: $project) {
               resource(kind: PROMPT, key: \"greeting\") { diff(from: 1, to: 2) { path kind before after } } } }",
            vars(json!({})),
        )
        .await;
    assert_eq!(
        diff["project"]["resource"]["diff"],
        json!([{ "path": "messages[0].content", "kind": "CHANGED", "before": "v1", "after": "v2" }])
    );
    let approvals = app
        .gql(
            &carol,
            "query($org: String!, $project: String!) { auditLog(org: $org, project: $project,
               filter: { action: \"release.approve\", environment: \"prod\" }) { nodes { action actorUser { subject } } } }",
            vars(json!({})),
        )
        .await;
    assert_eq!(
        approvals["auditLog"]["nodes"],
        json!([
            { "action": "release.approve", "actorUser": { "subject": "carol" } },
            { "action": "release.approve", "actorUser": { "subject": "bob" } },
        ])
    );
    app.finish().await;
}

//! Racing writers through the real GraphQL API of the `slipway` binary: 50 simultaneous
//! promotions, approvals or applies of one change deploy it exactly once. Every loser gets a
//! `CONFLICT` error (never "database is locked", `INTERNAL` or `UNAVAILABLE`), the environment
//! ends with one deployment, the audit log records one winning action and its chain verifies.
//! Writers that do not ask for the same thing never see the server's own races: 50 distinct
//! versions of one prompt created (and published) at once all succeed.
//! SQLite always; PostgreSQL too when `SLIPWAY_TEST_DATABASE_URL` is set.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::Barrier;

use crate::helpers::{Db, Fixture, prompt_content};
use crate::process::ServerProcess;

/// How many writers race in each test.
const RACERS: usize = 50;

const PROMOTE: &str = "mutation($org: String!, $project: String!) {
  promote(org: $org, project: $project, source: \"staging\", target: \"prod\") { id state } }";
const APPROVE: &str = "mutation($id: ID!) { approveRelease(id: $id) { id state } }";
const CREATE_VERSION: &str = "mutation($org: String!, $project: String!, $content: JSON!) {
  createPromptVersion(org: $org, project: $project, key: \"greeting\", content: $content) {
    version { number } releases { state } } }";
const APPLY: &str = "mutation($id: ID!) { applyRelease(id: $id) { id state } }";

/// What the racers got back.
#[derive(Debug, Default)]
struct Outcome {
    /// The `data` of every racer that succeeded.
    winners: Vec<Value>,
    /// The messages of the `CONFLICT` errors the others got.
    conflicts: Vec<String>,
    /// Everything else (a different error, a non-JSON answer, no answer), described.
    others: Vec<String>,
}

/// Sends `query` once per `(token, variables)` of `racers`, all at the same moment (the tasks
/// wait on a barrier before sending), and sorts the answers.
async fn race(server: &ServerProcess, query: &'static str, racers: Vec<(String, Value)>) -> Outcome {
    let barrier = Arc::new(Barrier::new(racers.len()));
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|(token, variables)| {
            let client = server.client.clone();
            let url = server.url("/graphql");
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({ "query": query, "variables": variables }))
                    .send()
                    .await
                    .map_err(|e| format!("no answer: {e}"))?;
                let status = response.status().as_u16();
                let text = response.text().await.map_err(|e| format!("no body: {e}"))?;
                let body: Value = serde_json::from_str(&text).map_err(|_| format!("{status}: {text}"))?;
                Ok::<_, String>((status, body))
            })
        })
        .collect();
    let mut outcome = Outcome::default();
    for task in tasks {
        match task.await.unwrap() {
            Ok((200, body)) if body.get("errors").is_none() => outcome.winners.push(body["data"].clone()),
            Ok((200, body)) if body["errors"][0]["extensions"]["code"] == "CONFLICT" => {
                outcome.conflicts.push(body["errors"][0]["message"].to_string());
            }
            Ok((status, body)) => outcome.others.push(format!("{status}: {body}")),
            Err(e) => outcome.others.push(e),
        }
    }
    outcome
}

/// A running binary with project `org/shop` whose staging serves prompt `greeting` v1 (prod
/// serves nothing yet), and prod's policy set to `policy`.
async fn staged(db: Db, org: &str, policy: Value) -> Option<(ServerProcess, Fixture)> {
    let Some(server) = ServerProcess::start(db).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return None;
    };
    let f = server.fixture(org, "shop").await;
    server
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!) {
               createPrompt(org: $org, project: $project, key: \"greeting\") { key } }",
            json!({ "org": f.org, "project": f.project }),
        )
        .await;
    server
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!, $content: JSON!) {
               createPromptVersion(org: $org, project: $project, key: \"greeting\", content: $content,
                                   publishTo: [\"staging\"]) { version { number } } }",
            json!({ "org": f.org, "project": f.project, "content": prompt_content("hello") }),
        )
        .await;
    server
        .gql(
            &f.owner,
            "mutation($org: String!, $project: String!, $input: PromotionPolicyInput!) {
               setPromotionPolicy(org: $org, project: $project, environment: \"prod\", input: $input) { slug } }",
            json!({ "org": f.org, "project": f.project, "input": policy }),
        )
        .await;
    Some((server, f))
}

/// Adds `count` members with `role`; returns their tokens.
async fn members(server: &ServerProcess, f: &Fixture, role: &str, count: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for i in 0..count {
        let subject = format!("{}-{i}", role.to_lowercase());
        server
            .gql(
                &f.owner,
                "mutation($org: String!, $project: String!, $subject: String!, $role: Role!) {
                   addMember(org: $org, project: $project, subject: $subject, role: $role) { role } }",
                json!({ "org": f.org, "project": f.project, "subject": subject, "role": role }),
            )
            .await;
        tokens.push(server.token(&subject));
    }
    tokens
}

/// Promotes staging into prod once; returns the release (`id`, `state`).
async fn promote_once(server: &ServerProcess, f: &Fixture) -> Value {
    let data = server
        .gql(&f.owner, PROMOTE, json!({ "org": f.org, "project": f.project }))
        .await;
    data["promote"].clone()
}

/// Checks what a race must leave: one winner whose answer is `DEPLOYED`, every other racer
/// `CONFLICT`, the server still the same process; prod deployed exactly once (that release,
/// serving greeting v1); one `winning_action` in the audit log, which verifies.
async fn assert_deployed_once(
    server: &ServerProcess,
    f: &Fixture,
    pid: u32,
    outcome: &Outcome,
    field: &str,
    winning_action: &str,
) {
    assert!(
        outcome.others.is_empty(),
        "answers other than success or CONFLICT: {:#?}\nserver log:\n{}",
        outcome.others,
        server.logs()
    );
    assert_eq!(outcome.winners.len(), 1, "exactly one winner: {outcome:?}");
    assert_eq!(outcome.conflicts.len(), RACERS - 1, "{outcome:?}");
    // A busy database is not a conflict: SQLite's lock must never reach a client.
    assert!(
        outcome.conflicts.iter().all(|m| !m.contains("locked")),
        "{:?}",
        outcome.conflicts
    );
    server.assert_alive(pid);
    let winner = &outcome.winners[0][field];
    assert_eq!(winner["state"], "DEPLOYED", "{winner}");

    let vars = json!({ "org": f.org, "project": f.project, "after": null });
    let deployments = server
        .all_nodes(
            &f.owner,
            "query($org: String!, $project: String!, $after: String) {
               environment(org: $org, project: $project, slug: \"prod\") {
                 deployments(first: 100, after: $after) {
                   pageInfo { hasNextPage endCursor } nodes { sequence release { id state } } } } }",
            vars.clone(),
            &["environment", "deployments"],
        )
        .await;
    assert_eq!(deployments.len(), 1, "one deployment: {deployments:?}");
    assert_eq!(deployments[0]["sequence"], 1);
    assert_eq!(deployments[0]["release"]["id"], winner["id"]);
    assert_eq!(deployments[0]["release"]["state"], "DEPLOYED");

    let served = server
        .gql(
            &f.owner,
            "query($org: String!, $project: String!) {
               resolve(org: $org, project: $project, environment: \"prod\", kind: PROMPT, key: \"greeting\") {
                 resources { version { number } servedFrom { slug } fellBack } } }",
            json!({ "org": f.org, "project": f.project }),
        )
        .await;
    assert_eq!(
        served["resolve"]["resources"],
        json!([{ "version": { "number": 1 }, "servedFrom": { "slug": "prod" }, "fellBack": false }]),
        "prod serves the promoted version itself"
    );

    let events = server
        .all_nodes(
            &f.owner,
            "query($org: String!, $project: String!, $after: String) {
               auditLog(org: $org, project: $project, first: 100, after: $after) {
                 pageInfo { hasNextPage endCursor } nodes { action } } }",
            vars,
            &["auditLog"],
        )
        .await;
    let wins = events.iter().filter(|e| e["action"] == winning_action).count();
    assert_eq!(wins, 1, "one {winning_action} event (losers change nothing)");
    let report = server.audit_verify(&format!("{}/{}", f.org, f.project));
    assert!(
        report.contains(&format!(": {} events", events.len())),
        "verify covers every event the API lists ({}): {report}",
        events.len()
    );
}

async fn racing_promotions_deploy_once(db: Db) {
    // No approvals: the first promotion deploys at once; after it there is nothing to promote.
    let Some((server, f)) = staged(db, "race-promote", json!({})).await else {
        return;
    };
    let pid = server.pid();
    let racers = (0..RACERS)
        .map(|_| (f.owner.clone(), json!({ "org": f.org, "project": f.project })))
        .collect();
    let outcome = race(&server, PROMOTE, racers).await;
    assert_deployed_once(&server, &f, pid, &outcome, "promote", "release.promote").await;
    server.finish().await;
}

async fn racing_approvals_deploy_once(db: Db) {
    let Some((server, f)) = staged(db, "race-approve", json!({ "requiredApprovals": 1 })).await else {
        return;
    };
    let approvers = members(&server, &f, "APPROVER", RACERS).await;
    let release = promote_once(&server, &f).await;
    assert_eq!(release["state"], "PENDING");
    let pid = server.pid();
    let racers = approvers
        .into_iter()
        .map(|token| (token, json!({ "id": release["id"] })))
        .collect();
    let outcome = race(&server, APPROVE, racers).await;
    assert_deployed_once(&server, &f, pid, &outcome, "approveRelease", "release.approve").await;
    // Only the approval that completed the quorum is recorded; the others found it deployed.
    let stored = server
        .gql(
            &f.owner,
            "query($id: ID!) { release(id: $id) { state approvals { user { subject } } } }",
            json!({ "id": release["id"] }),
        )
        .await;
    assert_eq!(stored["release"]["approvals"].as_array().unwrap().len(), 1, "{stored}");
    server.finish().await;
}

async fn racing_applies_deploy_once(db: Db) {
    let policy = json!({ "requiredApprovals": 1, "autoApply": false });
    let Some((server, f)) = staged(db, "race-apply", policy).await else {
        return;
    };
    let approver = members(&server, &f, "APPROVER", 1).await.remove(0);
    let developers = members(&server, &f, "DEVELOPER", RACERS).await;
    let release = promote_once(&server, &f).await;
    let approved = server.gql(&approver, APPROVE, json!({ "id": release["id"] })).await;
    assert_eq!(approved["approveRelease"]["state"], "APPROVED", "auto_apply is off");
    let pid = server.pid();
    let racers = developers
        .into_iter()
        .map(|token| (token, json!({ "id": release["id"] })))
        .collect();
    let outcome = race(&server, APPLY, racers).await;
    assert_deployed_once(&server, &f, pid, &outcome, "applyRelease", "release.apply").await;
    server.finish().await;
}

async fn racing_distinct_versions_all_succeed(db: Db) {
    let Some((server, f)) = staged(db, "race-versions", json!({})).await else {
        return;
    };
    let pid = server.pid();
    let racers = (0..RACERS)
        .map(|i| {
            let vars = json!({ "org": f.org, "project": f.project, "content": prompt_content(&format!("hello {i}")) });
            (f.owner.clone(), vars)
        })
        .collect();
    // No publishTo: each version is also published to prod, the default publish target.
    let outcome = race(&server, CREATE_VERSION, racers).await;
    assert!(
        outcome.others.is_empty() && outcome.conflicts.is_empty(),
        "every distinct version is created, the server retrying its own races: {outcome:?}\nserver log:\n{}",
        server.logs()
    );
    server.assert_alive(pid);
    let mut numbers: Vec<u64> = outcome
        .winners
        .iter()
        .map(|w| w["createPromptVersion"]["version"]["number"].as_u64().unwrap())
        .collect();
    numbers.sort_unstable();
    let expected: Vec<u64> = (2..=RACERS as u64 + 1).collect();
    assert_eq!(numbers, expected, "distinct numbers after staging's v1, none lost");
    let deployed = outcome
        .winners
        .iter()
        .filter(|w| w["createPromptVersion"]["releases"][0]["state"] == "DEPLOYED")
        .count();
    assert_eq!(deployed, RACERS, "each version's publish release deployed to prod");
    // The metrics follow commits through the service's outbound port: none is missed.
    let metrics = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = format!(
        "slipway_release_transitions_total{{state=\"deployed\"}} {}\n",
        RACERS + 1
    );
    assert!(
        metrics.contains(&line),
        "staging's v1 and every racer's release: {metrics}"
    );
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_distinct_versions_all_succeed() {
    racing_distinct_versions_all_succeed(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_distinct_versions_all_succeed_on_postgres() {
    racing_distinct_versions_all_succeed(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_promotions_deploy_once() {
    racing_promotions_deploy_once(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_promotions_deploy_once_on_postgres() {
    racing_promotions_deploy_once(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_approvals_deploy_once() {
    racing_approvals_deploy_once(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_approvals_deploy_once_on_postgres() {
    racing_approvals_deploy_once(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_applies_deploy_once() {
    racing_applies_deploy_once(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_applies_deploy_once_on_postgres() {
    racing_applies_deploy_once(Db::Postgres).await;
}

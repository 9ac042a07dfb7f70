//! Crash safety: the `slipway` binary is killed with SIGKILL while several writers publish and
//! deploy prompt versions and move environment roles, then restarted on the same database,
//! three times over. After each restart every deployment the server acknowledged is still
//! there, each environment serves exactly what its last deployment left (deployment numbers
//! 1, 2, … without gaps), each project has exactly one gateway fallback and one default publish
//! target, and `slipway audit verify` passes. SQLite always; PostgreSQL too when
//! `SLIPWAY_TEST_DATABASE_URL` is set.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use tokio::sync::{Mutex, Notify};

use crate::helpers::{Db, Fixture, PATIENCE, prompt_content};
use crate::process::ServerProcess;

/// Kill/restart cycles per test.
const CYCLES: usize = 3;
/// Publishing writers per project (each on its own prompt); one more moves the roles.
const PUBLISHERS: usize = 2;
/// The most requests one writer sends in a cycle (the kill normally comes much sooner).
const MAX_WRITES: usize = 300;
/// Acknowledged deployments after which a cycle's SIGKILL comes, with every writer still busy.
const KILL_AFTER: usize = 30;

/// Environments of each project: the two system ones and `qa`, which takes the roles in turn.
const ENVIRONMENTS: [&str; 3] = ["prod", "staging", "qa"];

/// What the writers of a cycle learnt from the server.
#[derive(Debug, Default)]
struct Ledger {
    /// Acknowledged deployments: (org, environment slug) → deployment ids.
    deployments: BTreeMap<(String, String), BTreeSet<String>>,
    /// Answers that are neither success, `CONFLICT`, nor the lost connection of the kill.
    unexpected: Vec<String>,
}

/// Sends one operation; `None` when no whole JSON answer came back (the server is gone).
async fn send(client: &reqwest::Client, url: &str, token: &str, query: &str, variables: Value) -> Option<Value> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .ok()?;
    let text = response.text().await.ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether `body` succeeded; records it in `ledger.unexpected` unless it is a `CONFLICT`.
async fn succeeded(body: &Value, ledger: &Mutex<Ledger>) -> bool {
    match body.get("errors") {
        None => true,
        Some(errors) => {
            if errors[0]["extensions"]["code"] != "CONFLICT" {
                ledger.lock().await.unexpected.push(body.to_string());
            }
            false
        }
    }
}

/// Everything a writer task needs.
#[derive(Clone)]
struct Writer {
    client: reqwest::Client,
    url: String,
    fixture: Arc<Fixture>,
    ledger: Arc<Mutex<Ledger>>,
    acknowledged: Arc<AtomicUsize>,
    progress: Arc<Notify>,
}

impl Writer {
    /// Publishes new versions of prompt `key` to staging and prod until the server goes away;
    /// returns whether it did (false: `MAX_WRITES` ran out first).
    async fn publish(self, key: String, cycle: usize) -> bool {
        let f = &self.fixture;
        for i in 0..MAX_WRITES {
            let Some(body) = send(
                &self.client,
                &self.url,
                &f.owner,
                "mutation($org: String!, $project: String!, $key: String!, $content: JSON!) {
                   createPromptVersion(org: $org, project: $project, key: $key, content: $content,
                                       publishTo: [\"staging\", \"prod\"]) {
                     releases { state targetEnvironment { slug } deployment { id } } } }",
                json!({ "org": f.org, "project": f.project, "key": key,
                        "content": prompt_content(&format!("{key}, cycle {cycle}, write {i}")) }),
            )
            .await
            else {
                return true;
            };
            if !succeeded(&body, &self.ledger).await {
                continue;
            }
            let releases = body["data"]["createPromptVersion"]["releases"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut ledger = self.ledger.lock().await;
            for release in releases {
                if let (Some(env), Some(id)) = (
                    release["targetEnvironment"]["slug"].as_str(),
                    release["deployment"]["id"].as_str(),
                ) {
                    ledger
                        .deployments
                        .entry((f.org.clone(), env.to_owned()))
                        .or_default()
                        .insert(id.to_owned());
                    self.acknowledged.fetch_add(1, Ordering::SeqCst);
                } else {
                    ledger
                        .unexpected
                        .push(format!("a publish release was not deployed: {release}"));
                }
            }
            drop(ledger);
            self.progress.notify_one();
        }
        false
    }

    /// Moves the default publish target and the gateway fallback between prod and qa, both at
    /// once, until the server goes away (true) or `MAX_WRITES` runs out (false).
    async fn move_roles(self) -> bool {
        let f = &self.fixture;
        for i in 0..MAX_WRITES {
            let to = if i % 2 == 0 { "qa" } else { "prod" };
            let Some(body) = send(
                &self.client,
                &self.url,
                &f.owner,
                "mutation($org: String!, $project: String!, $to: String!) {
                   setEnvironmentRoles(org: $org, project: $project,
                                       input: { defaultPublishTarget: $to, gatewayFallback: $to }) { slug } }",
                json!({ "org": f.org, "project": f.project, "to": to }),
            )
            .await
            else {
                return true;
            };
            succeeded(&body, &self.ledger).await;
        }
        false
    }
}

/// Two projects, each with a `qa` environment and one prompt per publisher.
async fn projects(server: &ServerProcess) -> Vec<Arc<Fixture>> {
    let mut fixtures = Vec::new();
    for org in ["crash-a", "crash-b"] {
        let f = server.fixture(org, "shop").await;
        server
            .gql(
                &f.owner,
                "mutation($org: String!, $project: String!) {
                   createEnvironment(org: $org, project: $project, input: { slug: \"qa\", name: \"QA\" }) { slug } }",
                json!({ "org": f.org, "project": f.project }),
            )
            .await;
        for p in 0..PUBLISHERS {
            server
                .gql(
                    &f.owner,
                    "mutation($org: String!, $project: String!, $key: String!) {
                       createPrompt(org: $org, project: $project, key: $key) { key } }",
                    json!({ "org": f.org, "project": f.project, "key": format!("prompt-{p}") }),
                )
                .await;
        }
        fixtures.push(Arc::new(f));
    }
    fixtures
}

/// Runs the writers against the current server, SIGKILLs it once `KILL_AFTER` deployments are
/// acknowledged, and returns what they learnt.
async fn load_then_kill(server: &ServerProcess, fixtures: &[Arc<Fixture>], cycle: usize) -> Ledger {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let progress = Arc::new(Notify::new());
    let mut tasks = Vec::new();
    for f in fixtures {
        let writer = Writer {
            client: server.client.clone(),
            url: server.url("/graphql"),
            fixture: Arc::clone(f),
            ledger: Arc::clone(&ledger),
            acknowledged: Arc::clone(&acknowledged),
            progress: Arc::clone(&progress),
        };
        for p in 0..PUBLISHERS {
            tasks.push(tokio::spawn(writer.clone().publish(format!("prompt-{p}"), cycle)));
        }
        tasks.push(tokio::spawn(writer.move_roles()));
    }
    let enough_acknowledged = async {
        while acknowledged.load(Ordering::SeqCst) < KILL_AFTER {
            progress.notified().await;
        }
    };
    // Writes come as fast as the machine allows; a busy CI machine may need longer than usual.
    let write_patience = 3 * PATIENCE;
    tokio::time::timeout(write_patience, enough_acknowledged)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "no {KILL_AFTER} acknowledged deployments within {write_patience:?}\n{}",
                server.logs()
            )
        });
    server.kill();
    assert!(!server.is_alive());
    let status = server.exit_status().unwrap();
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status}");
    for (i, task) in tasks.into_iter().enumerate() {
        let cut_off = tokio::time::timeout(PATIENCE, task)
            .await
            .expect("writers stop once the server is gone")
            .unwrap();
        // The kill came mid-load: every publisher was still writing when it lost the server.
        let is_publisher = i % (PUBLISHERS + 1) < PUBLISHERS;
        assert!(cut_off || !is_publisher, "writer {i} ran out of writes before the kill");
    }
    Arc::into_inner(ledger).unwrap().into_inner()
}

/// Every deployment of `env`, newest first: (sequence, id).
async fn deployments(server: &ServerProcess, f: &Fixture, env: &str) -> Vec<(u64, String)> {
    server
        .all_nodes(
            &f.owner,
            "query($org: String!, $project: String!, $env: String!, $after: String) {
               environment(org: $org, project: $project, slug: $env) {
                 deployments(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sequence } } } }",
            json!({ "org": f.org, "project": f.project, "env": env, "after": null }),
            &["environment", "deployments"],
        )
        .await
        .iter()
        .map(|d| (d["sequence"].as_u64().unwrap(), d["id"].as_str().unwrap().to_owned()))
        .collect()
}

/// (prompt key, version number) pairs of a list of pointers.
fn pointer_set(pointers: &Value) -> BTreeSet<(String, u64)> {
    pointers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["resource"]["key"].as_str().unwrap().to_owned(),
                p["version"]["number"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Checks the restarted server's data against everything acknowledged so far.
async fn assert_consistent(
    server: &ServerProcess,
    fixtures: &[Arc<Fixture>],
    acknowledged: &BTreeMap<(String, String), BTreeSet<String>>,
) {
    for f in fixtures {
        let data = server
            .gql(
                &f.owner,
                "query($org: String!, $project: String!) {
                   project(org: $org, slug: $project) { environments(first: 10) {
                     nodes { slug isGatewayFallback isDefaultPublishTarget } } } }",
                json!({ "org": f.org, "project": f.project }),
            )
            .await;
        let environments = data["project"]["environments"]["nodes"].as_array().unwrap();
        let slugs: BTreeSet<&str> = environments.iter().map(|e| e["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ENVIRONMENTS.into_iter().collect(), "{}", f.org);
        for role in ["isGatewayFallback", "isDefaultPublishTarget"] {
            let holders: Vec<_> = environments
                .iter()
                .filter(|e| e[role] == true)
                .map(|e| &e["slug"])
                .collect();
            assert_eq!(
                holders.len(),
                1,
                "{}: exactly one environment has {role}: {holders:?}",
                f.org
            );
        }
        for env in environments {
            let slug = env["slug"].as_str().unwrap();
            // What the environment serves is what its last deployment left: no half-applied one.
            let state = server
                .gql(
                    &f.owner,
                    "query($org: String!, $project: String!, $env: String!) {
                       environment(org: $org, project: $project, slug: $env) {
                         pointers(first: 10) { nodes { resource { key } version { number } } }
                         deployments(first: 1) { nodes { pointersAfter { resource { key } version { number } } } } } }",
                    json!({ "org": f.org, "project": f.project, "env": slug }),
                )
                .await;
            let served = pointer_set(&state["environment"]["pointers"]["nodes"]);
            let left = state["environment"]["deployments"]["nodes"]
                .get(0)
                .map_or_else(BTreeSet::new, |d| pointer_set(&d["pointersAfter"]));
            assert_eq!(served, left, "{}/{slug} serves what its last deployment left", f.org);

            let history = deployments(server, f, slug).await;
            let sequences: Vec<u64> = history.iter().rev().map(|(s, _)| *s).collect();
            let expected: Vec<u64> = (1..=history.len() as u64).collect();
            assert_eq!(
                sequences, expected,
                "{}/{slug}: deployments numbered without gaps",
                f.org
            );
            let present: BTreeSet<String> = history.into_iter().map(|(_, id)| id).collect();
            if let Some(ids) = acknowledged.get(&(f.org.clone(), slug.to_owned())) {
                let lost: Vec<_> = ids.difference(&present).collect();
                assert!(
                    lost.is_empty(),
                    "{}/{slug}: acknowledged deployments lost: {lost:?}",
                    f.org
                );
            }
        }
        server.audit_verify(&format!("{}/{}", f.org, f.project));
    }
}

async fn acknowledged_deployments_survive_sigkill(db: Db) {
    let Some(mut server) = ServerProcess::start(db).await else {
        eprintln!("SLIPWAY_TEST_DATABASE_URL not set; skipping the PostgreSQL run");
        return;
    };
    let fixtures = projects(&server).await;
    let mut acknowledged: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for cycle in 0..CYCLES {
        let ledger = load_then_kill(&server, &fixtures, cycle).await;
        assert!(
            ledger.unexpected.is_empty(),
            "cycle {cycle}: answers other than success or CONFLICT: {:#?}\nserver log:\n{}",
            ledger.unexpected,
            server.logs()
        );
        for (place, ids) in ledger.deployments {
            acknowledged.entry(place).or_default().extend(ids);
        }
        let killed = server.pid();
        server.restart().await;
        assert_ne!(server.pid(), killed);
        assert_consistent(&server, &fixtures, &acknowledged).await;
    }
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_deployments_survive_sigkill_and_restart() {
    acknowledged_deployments_survive_sigkill(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_deployments_survive_sigkill_and_restart_on_postgres() {
    acknowledged_deployments_survive_sigkill(Db::Postgres).await;
}

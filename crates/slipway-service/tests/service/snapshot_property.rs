//! Property: after any random sequence of operations, the cached resolution snapshot answers
//! exactly what a snapshot freshly loaded from the database answers.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use slipway_domain::resource::ResourceKind;
use slipway_service::environments::{EnvironmentInput, RolesInput};
use slipway_service::releases::{DirectDeploy, Promotion};
use slipway_service::resources::VersionInput;
use slipway_service::snapshot::Snapshot;

use crate::harness::{Backend, Harness};
use crate::story::{prompt, publish, setup};

#[derive(Debug, Clone)]
enum Op {
    Publish { key: usize, text: u8, env: usize },
    Promote { from: usize, to: usize },
    MoveFallback { env: usize },
    Undeploy { key: usize, env: usize },
    Rename { env: usize, name: u8 },
}

const KEYS: [&str; 3] = ["greeting", "faq", "summary"];
const ENVS: [&str; 3] = ["prod", "staging", "qa"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..4u8, 0..3usize).prop_map(|(key, text, env)| Op::Publish { key, text, env }),
        (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Promote { from, to }),
        (0..3usize).prop_map(|env| Op::MoveFallback { env }),
        (0..3usize, 0..3usize).prop_map(|(key, env)| Op::Undeploy { key, env }),
        (0..3usize, 0..3u8).prop_map(|(env, name)| Op::Rename { env, name }),
    ]
}

async fn run(ops: Vec<Op>) {
    let h = Harness::start(Backend::Sqlite).await.unwrap();
    let s = &h.service;
    let (alice, ..) = setup(&h).await;
    s.create_environment(
        &alice,
        "acme",
        "chat",
        EnvironmentInput {
            slug: "qa".into(),
            name: "QA".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for key in &KEYS[1..] {
        s.create_resource(&alice, "acme", "chat", ResourceKind::Prompt, key)
            .await
            .unwrap();
    }
    let (project, _) = s.project(&alice, "acme", "chat").await.unwrap();
    // Warm the cache so every later change goes through the refresh path.
    s.snapshot(project.id).await.unwrap();
    for op in ops {
        // Operations may legitimately fail (nothing to promote, …); the property is about what
        // the cache says afterwards, whatever happened.
        let _ = match op.clone() {
            Op::Publish { key, text, env } => s
                .create_version(
                    &alice,
                    "acme",
                    "chat",
                    VersionInput::new(ResourceKind::Prompt, KEYS[key], prompt(&format!("text {text}")))
                        .to(&[ENVS[env]]),
                )
                .await
                .map(|_| ()),
            Op::Promote { from, to } => s
                .promote(&alice, "acme", "chat", Promotion::new(ENVS[from], ENVS[to]))
                .await
                .map(|_| ()),
            Op::MoveFallback { env } => s
                .set_environment_roles(
                    &alice,
                    "acme",
                    "chat",
                    RolesInput {
                        gateway_fallback: Some(ENVS[env].into()),
                        ..Default::default()
                    },
                )
                .await
                .map(|_| ()),
            Op::Undeploy { key, env } => s
                .deploy(
                    &alice,
                    "acme",
                    "chat",
                    DirectDeploy::new(
                        ENVS[env],
                        vec![slipway_service::releases::DirectChange {
                            resource: slipway_service::releases::ResourceRef {
                                kind: ResourceKind::Prompt,
                                key: KEYS[key].into(),
                            },
                            version: None,
                        }],
                    ),
                )
                .await
                .map(|_| ()),
            Op::Rename { env, name } => s
                .update_environment(
                    &alice,
                    "acme",
                    "chat",
                    ENVS[env],
                    slipway_service::environments::EnvironmentUpdate {
                        name: Some(format!("Env {name}")),
                        ..Default::default()
                    },
                )
                .await
                .map(|_| ()),
        };
        let cached = s.snapshot(project.id).await.unwrap();
        let fresh = Snapshot::build(s.store().snapshot(project.id).await.unwrap()).unwrap();
        for env in [None, Some("prod"), Some("staging"), Some("qa")] {
            let a = cached.environment(env).unwrap();
            let b = fresh.environment(env).unwrap();
            assert_eq!(a.body, b.body, "environment {env:?} differs after {op:?}");
            assert_eq!(a.etag, b.etag);
            assert_eq!(a.environment, b.environment);
            let keys = |v: &slipway_service::snapshot::EnvironmentView| v.entries.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(a), keys(b));
            for (key, entry) in &a.entries {
                let other = &b.entries[key];
                assert_eq!(
                    (&entry.body, &entry.etag),
                    (&other.body, &other.etag),
                    "{key:?} in {env:?} after {op:?}"
                );
                assert_eq!(entry.served_from, other.served_from);
            }
            let parsed: serde_json::Value = serde_json::from_str(&a.body).unwrap();
            assert_eq!(parsed["project_id"], project.id.to_string());
            assert_eq!(parsed["resources"].as_array().unwrap().len(), a.entries.len());
        }
    }
    h.finish().await;
}

#[test]
fn the_snapshot_always_matches_a_fresh_load() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 12,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..16), |ops| {
            runtime.block_on(run(ops));
            Ok(())
        })
        .unwrap();
}

/// A deployment rebuilds only what it changed: the environments it did not touch keep their
/// views, and the entries it did not touch keep their serialized bodies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_reuses_what_it_did_not_change() {
    let h = Harness::start(Backend::Sqlite).await.unwrap();
    let s = &h.service;
    let (alice, ..) = setup(&h).await;
    s.create_resource(&alice, "acme", "chat", ResourceKind::Prompt, "faq")
        .await
        .unwrap();
    publish(s, &alice, "chat", "faq", "faq", "staging").await.unwrap();
    let (project, _) = s.project(&alice, "acme", "chat").await.unwrap();
    let before = s.snapshot(project.id).await.unwrap();
    publish(s, &alice, "chat", "greeting", "v2", "staging").await.unwrap();
    let after = s.snapshot(project.id).await.unwrap();
    assert!(after.revision > before.revision);
    assert!(
        std::sync::Arc::ptr_eq(
            before.environment(Some("prod")).unwrap(),
            after.environment(Some("prod")).unwrap()
        ),
        "prod did not change: its view is reused"
    );
    let entry = |snap: &Snapshot, key: &str| {
        snap.resource(Some("staging"), ResourceKind::Prompt, key)
            .unwrap()
            .body
            .clone()
    };
    assert!(
        std::sync::Arc::ptr_eq(&entry(&before, "faq"), &entry(&after, "faq")),
        "faq's body is reused"
    );
    assert!(!std::sync::Arc::ptr_eq(
        &entry(&before, "greeting"),
        &entry(&after, "greeting")
    ));
    assert_ne!(
        before.environment(Some("staging")).unwrap().etag,
        after.environment(Some("staging")).unwrap().etag
    );
    h.finish().await;
}

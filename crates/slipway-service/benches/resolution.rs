//! Resolution and release benchmarks: how long the gateway's question takes when answered from
//! the snapshot, and how long a publish-and-deploy and a snapshot rebuild take on SQLite. Prints
//! numbers; asserts nothing about them. Run with `cargo xtask bench`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops loudly on a failed step"
)]

use slipway_service::api_keys::NewApiKey;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use slipway_auth::CredentialKeyring;
use slipway_domain::resource::ResourceKind;
use slipway_service::resources::VersionInput;
use slipway_service::{Ctx, Service, SystemClock};
use slipway_store::{ConnectOptions, Store};

const RESOURCES: usize = 50;

fn report(name: &str, iterations: u32, elapsed: Duration) {
    let per = elapsed / iterations;
    let rate = f64::from(iterations) / elapsed.as_secs_f64();
    println!("{name:<44} {iterations:>8} iterations  {per:>12.2?}/op  {rate:>12.0} op/s");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let store = Store::connect(
        &url,
        ConnectOptions {
            migrate: true,
            max_connections: Some(8),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let service = Service::new(store, Arc::new(SystemClock), CredentialKeyring::generate());
    let alice = Ctx::user(service.user_for_subject("alice", None, None).await.unwrap(), None);
    service.create_organization(&alice, "acme", "Acme").await.unwrap();
    service.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    for i in 0..RESOURCES {
        let key = format!("prompt-{i}");
        service
            .create_resource(&alice, "acme", "chat", ResourceKind::Prompt, &key)
            .await
            .unwrap();
        let content =
            json!({"model": "gpt-4o", "messages": [{"role": "system", "content": format!("You are prompt {i}.")}]});
        service
            .create_version(
                &alice,
                "acme",
                "chat",
                VersionInput::new(ResourceKind::Prompt, key.clone(), content).to(&["staging"]),
            )
            .await
            .unwrap();
    }
    let key = service
        .create_api_key(&alice, "acme", "chat", &NewApiKey::named("bench"))
        .await
        .unwrap();
    let gateway = service
        .authenticate_api_key(secrecy::ExposeSecret::expose_secret(&key.secret), None)
        .await
        .unwrap();
    println!(
        "slipway benchmarks ({RESOURCES} prompts live in staging, SQLite, debug={})",
        cfg!(debug_assertions)
    );

    // Warm the snapshot, then measure reads answered from it.
    service
        .resolve_environment(&gateway, None, Some("staging"))
        .await
        .unwrap();
    let n = 200_000;
    let start = Instant::now();
    for _ in 0..n {
        let resolved = service
            .resolve_environment(&gateway, None, Some("staging"))
            .await
            .unwrap();
        std::hint::black_box(&resolved.view.body);
    }
    report("resolve environment (whole config, API key)", n, start.elapsed());

    let start = Instant::now();
    for i in 0..n {
        let key = format!("prompt-{}", i as usize % RESOURCES);
        let entry = service
            .resolve_resource(&gateway, None, Some("staging"), ResourceKind::Prompt, &key)
            .await
            .unwrap();
        std::hint::black_box(&entry.body);
    }
    report("resolve one resource (API key)", n, start.elapsed());

    let n = 20_000;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            service
                .authenticate_api_key(secrecy::ExposeSecret::expose_secret(&key.secret), None)
                .await
                .unwrap(),
        );
    }
    report("authenticate API key (cached)", n, start.elapsed());

    let project = service.project(&alice, "acme", "chat").await.unwrap().0.id;
    let n = 200;
    let start = Instant::now();
    for _ in 0..n {
        service.refresh_snapshot(project).await;
    }
    report("rebuild project snapshot from the database", n, start.elapsed());

    let n = 200;
    let start = Instant::now();
    for i in 0..n {
        let content = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": format!("revision {i}")}]});
        service
            .create_version(
                &alice,
                "acme",
                "chat",
                VersionInput::new(ResourceKind::Prompt, "prompt-0", content).to(&["staging"]),
            )
            .await
            .unwrap();
    }
    report("publish a version and deploy it (one commit)", n, start.elapsed());
}

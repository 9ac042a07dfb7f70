//! The `slipway` binary's operator commands, run as a person would: help, token, schema,
//! migrate, audit verify, quota, and production mode's refusal to start without keys.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;

use crate::helpers::{fixture, spawn_with};

fn slipway(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
    for (name, _) in std::env::vars() {
        if name.starts_with("SLIPWAY_") {
            command.env_remove(name);
        }
    }
    command
        .env("SLIPWAY_DATA_DIR", data_dir)
        .env("SLIPWAY_LOG", "warn")
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn help_is_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&slipway(dir.path(), &["--help"], &[]));
    for command in ["serve", "migrate", "token", "audit", "schema", "quota", "credentials"] {
        assert!(help.contains(command), "{command} in {help}");
    }
    for args in [
        &["serve", "--help"][..],
        &["token", "--help"],
        &["audit", "verify", "--help"],
        &["quota", "--help"],
        &["credentials", "reencrypt", "--help"],
    ] {
        let text = stdout(&slipway(dir.path(), args, &[]));
        assert!(text.contains("Usage"), "{args:?}");
    }
    // Secrets given in the environment never show in help texts.
    let text = stdout(&slipway(
        dir.path(),
        &["serve", "--help"],
        &[("SLIPWAY_DATABASE_URL", "postgres://u:hunter2@db/x")],
    ));
    assert!(!text.contains("hunter2"));
}

#[test]
fn schema_prints_the_sdl() {
    let dir = tempfile::tempdir().unwrap();
    let sdl = stdout(&slipway(dir.path(), &["schema"], &[]));
    assert!(sdl.contains("type Query"), "{sdl}");
    assert!(sdl.contains("createPromptVersion"));
}

#[tokio::test]
async fn token_audit_and_quota_work_on_the_servers_data() {
    let dir = tempfile::tempdir().unwrap();
    let settings = slipway_server::Settings::for_data_dir(dir.path()).unwrap();
    // `slipway migrate` prepares a fresh database.
    assert!(slipway(dir.path(), &["migrate"], &[]).status.success());
    let app = spawn_with(settings, None).await;
    // A token printed by the binary is accepted by the server on the same data directory.
    let token = stdout(&slipway(
        dir.path(),
        &["token", "--sub", "carol", "--name", "Carol", "--ttl", "5m"],
        &[],
    ));
    let token = token.trim();
    let viewer = app.gql(token, "{ viewer { user { subject } } }", json!({})).await;
    assert_eq!(viewer["viewer"]["user"]["subject"], "carol");
    let f = fixture(&app, "cli-org", "shop").await;
    crate::helpers::publish_prompt(&app, &f, "greeting", "hi", &["staging"]).await;
    app.stop().await;

    let verified = stdout(&slipway(
        dir.path(),
        &["audit", "verify", "--project", "cli-org/shop"],
        &[],
    ));
    assert!(verified.contains("chain intact"), "{verified}");
    let missing = slipway(dir.path(), &["audit", "verify", "--project", "cli-org/nope"], &[]);
    assert!(!missing.status.success());

    let quota = stdout(&slipway(
        dir.path(),
        &["quota", "--org", "cli-org", "--environments", "3"],
        &[],
    ));
    assert!(quota.contains("at most 3"), "{quota}");
    let quota = stdout(&slipway(
        dir.path(),
        &["quota", "--org", "cli-org", "--environments", "unlimited"],
        &[],
    ));
    assert!(quota.contains("unlimited"), "{quota}");

    // Nothing to rotate yet: the command runs against the same data and says so.
    let rotated = stdout(&slipway(dir.path(), &["credentials", "reencrypt"], &[]));
    assert!(rotated.contains("re-encrypted 0 credential(s)"), "{rotated}");
}

#[test]
fn production_mode_refuses_to_start_without_explicit_keys() {
    let dir = tempfile::tempdir().unwrap();
    let output = slipway(
        dir.path(),
        &["serve", "--listen", "127.0.0.1:0"],
        &[("SLIPWAY_PRODUCTION", "true")],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("JWT") || stderr.contains("credential"), "{stderr}");
    // Nothing was generated in its place.
    assert!(!dir.path().join("jwt-secret").exists());
    assert!(!dir.path().join("credential-key").exists());
}

#[test]
fn a_taken_port_is_one_line_that_says_what_to_do_and_generates_nothing() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = slipway(&data, &["serve", "--listen", &addr], &[("SLIPWAY_LOG", "info")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("slipway: serve failed: cannot listen on {addr}: ")),
        "{stderr}"
    );
    assert!(last.contains("--listen (SLIPWAY_LISTEN)"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal: {stderr:?}"
    );
    // The port is checked before the database is opened or a secret generated.
    assert!(!data.exists(), "nothing was created in the data directory");
}

#[test]
fn a_bad_environment_variable_is_named_as_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = slipway(dir.path(), &["serve"], &[("SLIPWAY_LISTEN", "not-an-address")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("slipway: SLIPWAY_LISTEN=\"not-an-address\" is not valid for --listen"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

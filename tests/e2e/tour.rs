//! The README tour, run exactly as written: its `sh` blocks are extracted from README.md and run
//! with bash against a fresh server, with only the binary's path and the server's address
//! substituted (`cargo run` would rebuild under the test's feet). The command-line section runs
//! after it, in the same shell, with the built `slipway` first on the PATH.

use std::path::Path;
use std::process::Command;

use crate::helpers::{TestApp, spawn_app};

/// The `sh` code blocks of the README section headed `heading`, in order.
fn shell_blocks(readme: &str, heading: &str) -> Vec<String> {
    let start = readme.find(heading).expect("the README has the tour");
    let section = &readme[start + heading.len()..];
    let section = section.find("\n## ").map_or(section, |end| &section[..end]);
    section
        .split("```sh\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_owned())
        .collect()
}

/// The tour's script: the `cargo run` of the README replaced by the built binary, the address by
/// `$TOUR_BASE`.
fn tour_script(readme: &str) -> String {
    let blocks = shell_blocks(readme, "## A five-minute tour");
    assert!(blocks.len() >= 5, "the tour has its steps");
    let script = blocks
        .join("\n")
        .replace(
            "cargo run -q -p slipway-server --",
            &format!("'{}'", env!("CARGO_BIN_EXE_slipway")),
        )
        .replace("http://127.0.0.1:8080", "$TOUR_BASE");
    assert!(!script.contains("cargo run"), "every cargo run was substituted");
    script
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap()
}

/// Runs `script` with bash (`-euo pipefail`) in `dir` against `app`; returns stdout, after
/// asserting success.
async fn run_script(app: &TestApp, script: String, dir: &Path, path: Option<String>) -> String {
    let mut command = Command::new("bash");
    for (name, _) in std::env::vars() {
        if name.starts_with("SLIPWAY_") {
            command.env_remove(name);
        }
    }
    command
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir)
        .env("TOUR_BASE", &app.base)
        .env("SLIPWAY_DATA_DIR", &app.settings.data_dir)
        .env("SLIPWAY_LOG", "warn")
        // The stored sign-in of the command-line section goes to the test's directory.
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME");
    if let Some(path) = path {
        command.env("PATH", path);
    }
    // The server runs on this test's runtime: wait for bash on another thread.
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        tokio::task::spawn_blocking(move || command.output().unwrap()),
    )
    .await
    .expect("the tour finishes")
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the tour failed:\n{stdout}\n{stderr}");
    stdout
}

#[tokio::test]
async fn the_readme_tour_works_as_written() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let stdout = run_script(&app, tour_script(&readme()), dir.path(), None).await;
    assert!(!stdout.contains("\"errors\""), "a step failed:\n{stdout}");
    assert!(stdout.contains("\"slug\":\"support-bot\""), "{stdout}");
    assert!(
        stdout.contains("\"state\":\"DEPLOYED\""),
        "Bob's approval deploys:\n{stdout}"
    );
    assert!(stdout.contains("\"subject\":\"bob\""), "{stdout}");
    assert!(
        stdout.contains("\"environment\": \"prod\""),
        "the gateway read prod:\n{stdout}"
    );
    assert!(stdout.contains("Greet {{name}} warmly."), "the live prompt:\n{stdout}");
    assert_eq!(stdout.lines().last(), Some("304"), "{stdout}");
    app.stop().await;
}

#[tokio::test]
async fn the_readme_command_line_tour_works_as_written() {
    let readme = readme();
    let cli = shell_blocks(&readme, "## The command line for people and pipelines");
    assert!(cli.len() >= 3, "the command-line section has its steps");
    let cli = cli.join("\n").replace("http://127.0.0.1:8080", "$TOUR_BASE");
    for command in [
        "login", "status", "publish", "deploy", "promote", "releases", "approve", "reject", "rollback", "diff",
    ] {
        assert!(
            cli.contains(&format!("slipway {command} ")) || cli.contains(&format!("slipway {command}\n")),
            "the section runs slipway {command}"
        );
    }
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    // `slipway` on the PATH is the binary under test.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_slipway"), bin.join("slipway")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    // The section continues the tour: same shell, same variables.
    let script = format!("{}\n{cli}", tour_script(&readme));
    let stdout = run_script(&app, script, dir.path(), Some(path)).await;
    let after_tour = &stdout[stdout.rfind("\n304\n").expect("the tour ran first") + 5..];
    for expected in [
        "signed in to",
        "prompt greeting v2",
        "DEPLOYED  -> staging",
        "refused with exit status 3",
        "PENDING  -> prod",
        "DEPLOYED  -> prod",
        "prompt greeting v3",
        "REJECTED",
        "v3 -> v1",
        "{\"slug\":\"prod\",\"version\":2}",
        "{\"slug\":\"staging\",\"version\":1}",
        "signed out",
    ] {
        assert!(after_tour.contains(expected), "no {expected:?} in:\n{after_tour}");
    }
    assert!(
        !dir.path().join(".config/slipway/login.toml").exists(),
        "logout removes the stored sign-in"
    );
    app.stop().await;
}

#[test]
fn blocks_are_extracted_from_their_section_only() {
    let text = "# X\n```sh\nno\n```\n## Tour\ntext\n```sh\none\n```\n```text\nnot sh\n```\n```sh\ntwo\n```\n## Next\n```sh\nno\n```\n";
    assert_eq!(shell_blocks(text, "## Tour"), vec!["one\n", "two\n"]);
}

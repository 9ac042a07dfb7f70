//! The README tour, run exactly as written: its `sh` blocks are extracted from README.md and run
//! with bash against a fresh server, with only the binary's path and the server's address
//! substituted (`cargo run` would rebuild under the test's feet).

use std::process::Command;

use crate::helpers::spawn_app;

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

#[tokio::test]
async fn the_readme_tour_works_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let blocks = shell_blocks(&readme, "## A five-minute tour");
    assert!(blocks.len() >= 5, "the tour has its steps");
    let script = blocks
        .join("\n")
        .replace(
            "cargo run -q -p slipway-server --",
            &format!("'{}'", env!("CARGO_BIN_EXE_slipway")),
        )
        .replace("http://127.0.0.1:8080", "$TOUR_BASE");
    assert!(!script.contains("cargo run"), "every cargo run was substituted");

    let app = spawn_app().await;
    let mut command = Command::new("bash");
    for (name, _) in std::env::vars() {
        if name.starts_with("SLIPWAY_") {
            command.env_remove(name);
        }
    }
    command
        .args(["-euo", "pipefail", "-c", &script])
        .env("TOUR_BASE", &app.base)
        .env("SLIPWAY_DATA_DIR", &app.settings.data_dir)
        .env("SLIPWAY_LOG", "warn");
    // The server runs on this test's runtime: wait for bash on another thread.
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        tokio::task::spawn_blocking(move || command.output().unwrap()),
    )
    .await
    .expect("the tour finishes")
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the tour failed:\n{stdout}\n{stderr}");
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

#[test]
fn blocks_are_extracted_from_their_section_only() {
    let text = "# X\n```sh\nno\n```\n## Tour\ntext\n```sh\none\n```\n```text\nnot sh\n```\n```sh\ntwo\n```\n## Next\n```sh\nno\n```\n";
    assert_eq!(shell_blocks(text, "## Tour"), vec!["one\n", "two\n"]);
}

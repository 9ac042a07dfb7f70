//! `ci`, `test`, `schema` and `bench`: thin wrappers over cargo commands (`ci` also runs the
//! dashboard's checks of `web.rs`).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Runs a command in the workspace root, failing when it fails.
pub fn run(program: &str, args: &[&str]) -> Result<()> {
    eprintln!("xtask: $ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
        .with_context(|| format!("could not start {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn has_nextest() -> bool {
    Command::new("cargo")
        .args(["nextest", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Everything CI checks, in the order that fails fastest.
pub fn ci() -> Result<()> {
    run("cargo", &["fmt", "--all", "--check"])?;
    crate::layering::check()?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    schema(true)?;
    // The dashboard's type check, lint, unit tests and bundle drift, before the long Rust tests;
    // its browser suite after them, on the binary they built.
    crate::web::check()?;
    test()?;
    crate::web::browser()
}

/// The test suites. The PostgreSQL half runs when `SLIPWAY_TEST_DATABASE_URL` is set.
pub fn test() -> Result<()> {
    match std::env::var("SLIPWAY_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => eprintln!("xtask: PostgreSQL tests enabled"),
        _ => eprintln!("xtask: SLIPWAY_TEST_DATABASE_URL is not set; PostgreSQL tests are skipped (SQLite runs)"),
    }
    if has_nextest() {
        run(
            "cargo",
            &["nextest", "run", "--workspace", "--locked", "--no-fail-fast"],
        )
    } else {
        eprintln!("xtask: cargo-nextest not found; using cargo test");
        run("cargo", &["test", "--workspace", "--locked", "--no-fail-fast"])
    }
}

/// Writes `schema.graphql` (or, with `check`, fails when the committed file differs).
pub fn schema(check: bool) -> Result<()> {
    let path = root().join("schema.graphql");
    if !root().join("crates/slipway-graphql/src/schema.rs").exists() {
        eprintln!("xtask: no GraphQL schema yet; skipping the schema step");
        return Ok(());
    }
    let output = Command::new("cargo")
        .args(["run", "--quiet", "--locked", "-p", "slipway-server", "--", "schema"])
        .current_dir(root())
        .output()
        .context("could not run `slipway schema`")?;
    if !output.status.success() {
        bail!("`slipway schema` failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let sdl = String::from_utf8(output.stdout).context("the schema is not UTF-8")?;
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != sdl {
            bail!("schema.graphql is out of date: run `cargo xtask schema` and commit the result");
        }
        eprintln!("xtask: schema.graphql is up to date");
    } else {
        std::fs::write(&path, sdl).with_context(|| format!("could not write {}", path.display()))?;
        eprintln!("xtask: wrote {}", path.display());
    }
    Ok(())
}

/// The benchmarks (release build; they print numbers, they do not assert on them).
pub fn bench() -> Result<()> {
    run(
        "cargo",
        &["bench", "--locked", "-p", "slipway-service", "--bench", "resolution"],
    )
}

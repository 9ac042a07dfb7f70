//! `ci`, `test`, `schema`, `openapi` and `config-reference`: thin wrappers over cargo commands
//! (`ci` also runs the dashboard's checks of `web.rs`).

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
    crate::tidy::check()?;
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
    openapi(true)?;
    config_reference(true)?;
    // The dashboard's type check, lint, unit tests and bundle drift, before the long Rust tests;
    // its browser suite after them, on the binary they built.
    crate::web::check()?;
    test()?;
    crate::web::browser()
}

/// The test suites, then the Python and TypeScript clients' suites. The PostgreSQL half runs
/// when `SLIPWAY_TEST_DATABASE_URL` is set; with `CI` set it must be.
pub fn test() -> Result<()> {
    match std::env::var("SLIPWAY_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => eprintln!("xtask: PostgreSQL tests enabled"),
        _ if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) => {
            bail!("CI is set but SLIPWAY_TEST_DATABASE_URL is not: the PostgreSQL tests would be skipped")
        }
        _ => eprintln!("xtask: SLIPWAY_TEST_DATABASE_URL is not set; PostgreSQL tests are skipped (SQLite runs)"),
    }
    if has_nextest() {
        run(
            "cargo",
            &["nextest", "run", "--workspace", "--locked", "--no-fail-fast"],
        )?;
        // nextest does not run doc-tests: the domain's examples are what tools copy, so they run.
        run("cargo", &["test", "--doc", "--locked", "-p", "slipway-domain"])?;
    } else {
        eprintln!("xtask: cargo-nextest not found; using cargo test");
        run("cargo", &["test", "--workspace", "--locked", "--no-fail-fast"])?;
    }
    crate::clients::clients()
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

/// Writes `openapi.json` from `slipway openapi` (or, with `check`, fails when the committed file
/// differs).
pub fn openapi(check: bool) -> Result<()> {
    let path = root().join("openapi.json");
    let output = Command::new("cargo")
        .args(["run", "--quiet", "--locked", "-p", "slipway-server", "--", "openapi"])
        .current_dir(root())
        .output()
        .context("could not run `slipway openapi`")?;
    if !output.status.success() {
        bail!("`slipway openapi` failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let document = String::from_utf8(output.stdout).context("the OpenAPI document is not UTF-8")?;
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != document {
            bail!("openapi.json is out of date: run `cargo xtask openapi` and commit the result");
        }
        eprintln!("xtask: openapi.json is up to date");
    } else {
        std::fs::write(&path, document).with_context(|| format!("could not write {}", path.display()))?;
        eprintln!("xtask: wrote {}", path.display());
    }
    Ok(())
}

/// Writes `docs/configuration.md` from `slipway config-reference` (or, with `check`, fails when
/// the committed file differs).
pub fn config_reference(check: bool) -> Result<()> {
    let path = root().join("docs/configuration.md");
    let output = Command::new("cargo")
        .args([
            "run",
            "--quiet",
            "--locked",
            "-p",
            "slipway-server",
            "--",
            "config-reference",
        ])
        .current_dir(root())
        .output()
        .context("could not run `slipway config-reference`")?;
    if !output.status.success() {
        bail!(
            "`slipway config-reference` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let document = String::from_utf8(output.stdout).context("the reference is not UTF-8")?;
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != document {
            bail!("docs/configuration.md is out of date: run `cargo xtask config-reference` and commit the result");
        }
        eprintln!("xtask: docs/configuration.md is up to date");
    } else {
        std::fs::write(&path, document).with_context(|| format!("could not write {}", path.display()))?;
        eprintln!("xtask: wrote {}", path.display());
    }
    Ok(())
}

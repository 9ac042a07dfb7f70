//! `clients`: the Python and TypeScript client libraries' suites, each against the `slipway`
//! binary built here (`SLIPWAY_BIN`). Python runs in a virtual environment under `target/`;
//! TypeScript installs exactly its lockfile (`npm ci`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::ci::{root, run};

/// Where cargo writes its builds.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// Runs `program` in `dir` with `SLIPWAY_BIN` set, failing when it fails.
fn run_in(dir: &Path, program: &Path, args: &[&str], slipway: &Path) -> Result<()> {
    eprintln!(
        "xtask: $ (cd {}) {} {}",
        dir.display(),
        program.display(),
        args.join(" ")
    );
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("SLIPWAY_BIN", slipway)
        .status()
        .with_context(|| format!("could not start {}", program.display()))?;
    if !status.success() {
        bail!("`{} {}` failed ({status})", program.display(), args.join(" "));
    }
    Ok(())
}

/// Both suites, after building the binary they test.
pub fn clients() -> Result<()> {
    run(
        "cargo",
        &["build", "--locked", "-p", "slipway-server", "--bin", "slipway"],
    )?;
    let slipway = target_dir().join("debug").join("slipway");
    python(&slipway)?;
    typescript(&slipway)
}

fn python(slipway: &Path) -> Result<()> {
    let dir = root().join("clients/python");
    let venv = target_dir().join("clients/python-venv");
    if !venv.join("bin/python").exists() {
        let venv_text = venv.to_string_lossy().into_owned();
        run("python3", &["-m", "venv", &venv_text])?;
    }
    run_in(
        &dir,
        &venv.join("bin/pip"),
        &["install", "--quiet", "-e", ".[test]"],
        slipway,
    )?;
    run_in(&dir, &venv.join("bin/pytest"), &["-q"], slipway)
}

fn typescript(slipway: &Path) -> Result<()> {
    let dir = root().join("clients/typescript");
    let npm = Path::new("npm");
    run_in(&dir, npm, &["ci", "--no-audit", "--no-fund"], slipway)?;
    run_in(&dir, npm, &["test"], slipway)
}

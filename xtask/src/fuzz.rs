//! `fuzz`: runs the domain's fuzz properties (`crates/slipway-domain/tests/fuzz.rs`) with many
//! more cases than the normal test run gives them.
//!
//! The properties read their case count from `SLIPWAY_FUZZ_CASES` (256 when unset, which is what
//! `cargo xtask test` and CI run). This task sets it (20,000 by default) and builds in release
//! mode, where a case costs a fraction of what it does in a debug build.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::ci::root;

/// Cases per property when `--cases` is not given.
const DEFAULT_CASES: u64 = 20_000;

/// What `cargo xtask fuzz` was asked for.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    cases: u64,
    /// Run only the properties whose name contains this.
    filter: Option<String>,
}

fn parse(args: &[String]) -> Result<Request> {
    let mut request = Request {
        cases: DEFAULT_CASES,
        filter: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = if arg == "--cases" {
            args.next().context("--cases needs a number")?.as_str()
        } else if let Some(value) = arg.strip_prefix("--cases=") {
            value
        } else if arg.starts_with('-') || request.filter.is_some() {
            bail!("usage: cargo xtask fuzz [--cases N] [FILTER] (unexpected {arg:?})");
        } else {
            request.filter = Some(arg.clone());
            continue;
        };
        request.cases = value
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("--cases must be a positive number, not {value:?}"))?;
    }
    Ok(request)
}

/// Runs the fuzz properties with `--cases N` cases each (and only those matching `FILTER`).
pub fn fuzz(args: &[String]) -> Result<()> {
    let request = parse(args)?;
    let mut command = Command::new("cargo");
    command
        .args([
            "test",
            "--release",
            "--locked",
            "-p",
            "slipway-domain",
            "--test",
            "fuzz",
            "--",
        ])
        .args(request.filter.as_deref())
        .env("SLIPWAY_FUZZ_CASES", request.cases.to_string())
        .current_dir(root());
    eprintln!(
        "xtask: $ SLIPWAY_FUZZ_CASES={} cargo test --release -p slipway-domain --test fuzz -- {}",
        request.cases,
        request.filter.as_deref().unwrap_or("")
    );
    let status = command.status().context("could not start cargo")?;
    if !status.success() {
        bail!("the fuzz properties failed ({status}); proptest printed the smallest failing input above");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn arguments() {
        assert_eq!(
            parse(&args(&[])).unwrap(),
            Request {
                cases: DEFAULT_CASES,
                filter: None
            }
        );
        assert_eq!(parse(&args(&["--cases", "500"])).unwrap().cases, 500);
        assert_eq!(
            parse(&args(&["--cases=7", "text::"])).unwrap().filter.as_deref(),
            Some("text::")
        );
        for bad in [
            &["--cases"][..],
            &["--cases", "0"],
            &["--cases", "many"],
            &["--release"],
            &["a", "b"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}

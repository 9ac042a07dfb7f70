//! The layering check of DESIGN.md §5: each crate may depend only on what its layer allows.
//!
//! Two kinds of rule: the domain's whole normal dependency tree must be free of runtime, storage,
//! web and JWT crates; and some crates may be named directly only by the one crate that owns them.

use std::process::Command;

use anyhow::{Context, Result, bail};

/// Crates that must not appear anywhere in `slipway-domain`'s normal dependency tree.
const DOMAIN_FORBIDDEN: &[&str] = &[
    "tokio",
    "sea-orm",
    "sqlx",
    "axum",
    "async-graphql",
    "jsonwebtoken",
    "hyper",
];

/// Direct dependencies and the only workspace crates allowed to name them.
const OWNERS: &[(&str, &[&str])] = &[
    ("sea-orm", &["slipway-store"]),
    ("sea-orm-migration", &["slipway-migrations"]),
    ("async-graphql", &["slipway-graphql"]),
    ("async-graphql-axum", &["slipway-server"]),
    ("axum", &["slipway-server"]),
    ("jsonwebtoken", &["slipway-auth"]),
    ("slipway-gateway", &["slipway-server"]),
    // HTTP out of the process: provider calls, the Rust client library, and the people's CLI
    // (which calls a running server); never the service or the layers under it.
    ("reqwest", &["slipway-gateway", "slipway-client", "slipway-server"]),
];

/// Our crates, and which of our crates each may depend on.
const OUR_CRATES: &[(&str, &[&str])] = &[
    ("slipway-domain", &[]),
    ("slipway-auth", &["slipway-domain"]),
    ("slipway-store", &["slipway-domain", "slipway-migrations"]),
    ("slipway-service", &["slipway-domain", "slipway-auth", "slipway-store"]),
    ("slipway-graphql", &["slipway-domain", "slipway-service"]),
    ("slipway-gateway", &["slipway-domain", "slipway-service"]),
    // The client library for applications: the domain's typed content, no server crate.
    ("slipway-client", &["slipway-domain"]),
];

fn tree(package: &str, depth: Option<u32>) -> Result<Vec<String>> {
    let mut args = vec![
        "tree", "-p", package, "-e", "normal", "--prefix", "none", "--format", "{p}",
    ];
    let depth_text;
    if let Some(d) = depth {
        depth_text = d.to_string();
        args.extend(["--depth", &depth_text]);
    }
    let output = Command::new("cargo")
        .args(&args)
        .current_dir(crate::ci::root())
        .output()
        .context("could not run cargo tree")?;
    if !output.status.success() {
        bail!(
            "cargo tree -p {package} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect())
}

/// Fails with every violation found.
pub fn check() -> Result<()> {
    let mut problems = Vec::new();
    for name in tree("slipway-domain", None)? {
        if DOMAIN_FORBIDDEN.contains(&name.as_str()) {
            problems.push(format!("slipway-domain depends (transitively) on {name}"));
        }
    }
    let workspace: Vec<&str> = OUR_CRATES
        .iter()
        .map(|(c, _)| *c)
        .chain(["slipway-server", "slipway-migrations"])
        .collect();
    for krate in &workspace {
        let direct: Vec<String> = tree(krate, Some(1))?.into_iter().skip(1).collect();
        for (dep, owners) in OWNERS {
            if direct.iter().any(|d| d == dep) && !owners.contains(krate) {
                problems.push(format!("{krate} names {dep}, which only {} may use", owners.join(", ")));
            }
        }
        if let Some((_, allowed)) = OUR_CRATES.iter().find(|(c, _)| c == krate) {
            for dep in direct.iter().filter(|d| d.starts_with("slipway-")) {
                if !allowed.contains(&dep.as_str()) {
                    problems.push(format!(
                        "{krate} depends on {dep}, against the layering of DESIGN.md §5"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        eprintln!("xtask: layering check passed");
        Ok(())
    } else {
        bail!("layering check failed:\n  {}", problems.join("\n  "))
    }
}

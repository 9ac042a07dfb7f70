//! `web`: the dashboard's tasks. `cargo xtask web` installs its npm packages (from the committed
//! lock file), regenerates the typed GraphQL documents from `schema.graphql`, builds the bundle
//! into `crates/slipway-server/assets/dashboard/` and writes the Rust file that embeds it.
//! `ci` also runs the type check, lint and unit tests, fails when the rebuilt bundle or the
//! generated types differ from the committed ones, and runs the browser suite.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::ci::{root, run};

/// Where the built bundle goes (relative to the workspace root).
const BUNDLE: &str = "crates/slipway-server/assets/dashboard";
/// The Rust file that embeds it.
const MANIFEST: &str = "crates/slipway-server/src/dashboard/files.rs";
/// Generated TypeScript for the GraphQL documents.
const GENERATED_TYPES: &str = "web/src/gql";

fn npm(args: &[&str]) -> Result<()> {
    eprintln!("xtask: $ (web) npm {}", args.join(" "));
    let status = Command::new("npm")
        .args(args)
        .current_dir(root().join("web"))
        .status()
        .context("could not start npm: the dashboard needs Node 20 and npm")?;
    if !status.success() {
        bail!("`npm {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// `npm ci` unless `node_modules` was installed from the current lock file.
fn install() -> Result<()> {
    let web = root().join("web");
    let installed = web.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&installed),
        std::fs::metadata(web.join("package-lock.json")),
    ) {
        (Ok(i), Ok(l)) => match (i.modified(), l.modified()) {
            (Ok(i), Ok(l)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        eprintln!("xtask: web/node_modules is up to date");
        Ok(())
    } else {
        npm(&["ci", "--no-audit", "--no-fund"])
    }
}

/// `cargo xtask web`: install, generate, build, embed.
pub fn build() -> Result<()> {
    install()?;
    npm(&["run", "codegen"])?;
    npm(&["run", "build"])?;
    write_manifest()
}

/// Type check, lint and unit tests of the dashboard, then a rebuild that must reproduce the
/// committed bundle and generated types byte for byte.
pub fn check() -> Result<()> {
    build()?;
    npm(&["run", "lint"])?;
    npm(&["run", "test"])?;
    let output = Command::new("git")
        .args(["status", "--porcelain", "--", BUNDLE, MANIFEST, GENERATED_TYPES])
        .current_dir(root())
        .output()
        .context("could not run git status")?;
    let changed = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("git status failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    if !changed.trim().is_empty() {
        bail!(
            "the committed dashboard bundle or generated types differ from a fresh build \
             (run `cargo xtask web` and commit the result):\n{changed}"
        );
    }
    eprintln!("xtask: the dashboard bundle and generated types are up to date");
    Ok(())
}

/// The browser suite: Playwright with Debian's Chromium against a freshly built `slipway`.
pub fn browser() -> Result<()> {
    run(
        "cargo",
        &["build", "--locked", "-p", "slipway-server", "--bin", "slipway"],
    )?;
    npm(&["run", "e2e"])
}

fn content_type(path: &str) -> Result<&'static str> {
    let extension = Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or_default();
    Ok(match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "json" => "application/json",
        other => bail!("the bundle has a file of a kind the server does not know: .{other} ({path})"),
    })
}

fn files_under(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("could not read {}", dir.display()))?
        .collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            files_under(&entry.path(), &format!("{path}/"), out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes `files.rs`: `INDEX` and every other file of the bundle, in name order (so the file
/// is the same for the same bundle), formatted as rustfmt would.
fn write_manifest() -> Result<()> {
    let bundle: PathBuf = root().join(BUNDLE);
    let mut paths = Vec::new();
    files_under(&bundle, "", &mut paths)?;
    if !paths.iter().any(|p| p == "index.html") {
        bail!("the build wrote no index.html into {BUNDLE}");
    }
    let assets: Vec<&String> = paths.iter().filter(|p| p.as_str() != "index.html").collect();
    let mut out = String::new();
    out.push_str(
        "//! The dashboard's built bundle, embedded: written by `cargo xtask web` from what the \
         build put in\n//! `assets/dashboard/`. Do not edit; CI fails when it differs from a \
         fresh build.\n\nuse crate::embedded::{EmbeddedFile, Stored};\n\n",
    );
    out.push_str("/// `index.html`, which loads the assets below.\n");
    out.push_str("pub const INDEX: EmbeddedFile = EmbeddedFile {\n");
    push_fields(&mut out, "index.html", "    ")?;
    out.push_str("};\n\n");
    out.push_str("/// Every other file of the bundle; the names carry a hash of their content.\n");
    let _ = writeln!(out, "pub const ASSETS: [EmbeddedFile; {}] = [", assets.len());
    for path in assets {
        out.push_str("    EmbeddedFile {\n");
        push_fields(&mut out, path, "        ")?;
        out.push_str("    },\n");
    }
    out.push_str("];\n");
    let manifest = root().join(MANIFEST);
    std::fs::write(&manifest, out).with_context(|| format!("could not write {}", manifest.display()))?;
    eprintln!("xtask: wrote {MANIFEST}");
    Ok(())
}

fn push_fields(out: &mut String, path: &str, indent: &str) -> Result<()> {
    let _ = writeln!(out, "{indent}path: \"{path}\",");
    let _ = writeln!(out, "{indent}content_type: \"{}\",", content_type(path)?);
    let _ = writeln!(
        out,
        "{indent}stored: Stored::Plain(include_bytes!(\"../../assets/dashboard/{path}\")),"
    );
    Ok(())
}

//! `tidy`: source checks no compiler makes. Today one: every Rust module starts with a `//!`
//! doc saying what it is for (STYLE.md), so a reader opening any file learns its concern first.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Directories never searched: build output, dependencies, version control.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", ".git"];

/// Fails, naming each file, when a Rust file of the workspace does not open with a `//!` line.
pub fn check() -> Result<()> {
    let root = crate::ci::root();
    let mut files = Vec::new();
    collect_rust_files(&root, &mut files)?;
    let mut missing = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        if !opens_with_module_doc(&text) {
            missing.push(file.strip_prefix(&root).unwrap_or(file).display().to_string());
        }
    }
    if !missing.is_empty() {
        bail!(
            "these Rust files do not start with a `//!` module doc:\n  {}",
            missing.join("\n  ")
        );
    }
    eprintln!("xtask: tidy ok ({} Rust files have a module doc)", files.len());
    Ok(())
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                collect_rust_files(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether the first non-blank line of `text` is an inner doc comment (`//!`).
fn opens_with_module_doc(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with("//!"))
}

#[cfg(test)]
mod tests {
    use super::opens_with_module_doc;

    #[test]
    fn a_module_doc_after_blank_lines_counts() {
        assert!(opens_with_module_doc("\n\n//! What this is for.\nfn f() {}\n"));
    }

    #[test]
    fn a_file_that_opens_with_code_or_an_outer_comment_is_refused() {
        assert!(!opens_with_module_doc("use std::fs;\n//! Late doc.\n"));
        assert!(!opens_with_module_doc("// A plain comment.\nfn f() {}\n"));
        assert!(!opens_with_module_doc("/// An item doc.\nfn f() {}\n"));
        assert!(!opens_with_module_doc(""));
    }
}

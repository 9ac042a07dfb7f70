//! Whether a GraphQL document holds a mutation, told by one flat scan of its text (linear
//! time, no allocation, no recursion) so that the mutation budget is charged before anything
//! parses the document.
//!
//! A document counts as a mutation when the keyword `mutation` appears at the top level, outside
//! every bracket, string and comment — which is where, and only where, an operation's kind is
//! written. A document that holds a mutation next to a query counts as a mutation even when the
//! request runs the query; an operation or fragment named `mutation` counts too. Both are
//! harmless over-counts; no mutation can be run without being counted.

/// Whether `query` holds a top-level `mutation` keyword.
pub fn mentions_mutation(query: &str) -> bool {
    let bytes = query.as_bytes();
    let mut depth = 0_usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i = skip_block_string(bytes, i + 3);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i + 1);
                continue;
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                // `@mutation` would be a directive's name, not an operation's kind.
                let directive = start > 0 && bytes[start - 1] == b'@';
                if depth == 0 && !directive && &bytes[start..i] == b"mutation" {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The index just past a string whose opening quote ends before `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past a block string whose opening `"""` ends before `i`.
fn skip_block_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if bytes[i..].starts_with(b"\"\"\"") {
            return i + 3;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_found_at_the_top_level() {
        assert!(mentions_mutation(
            "mutation { createOrganization(slug: \"a\", name: \"A\") { id } }"
        ));
        assert!(mentions_mutation("mutation M($s: String!) { a(s: $s) }"));
        assert!(mentions_mutation("  \n# a comment\nmutation{a}"));
        assert!(mentions_mutation("query Q { a } mutation M { b }"));
        assert!(mentions_mutation("fragment F on Query { a }\nmutation { b }"));
    }

    #[test]
    fn queries_and_mentions_elsewhere_are_not_mutations() {
        assert!(!mentions_mutation("{ viewer { user { id } } }"));
        assert!(!mentions_mutation("query { mutation }"), "a field named mutation");
        assert!(!mentions_mutation("query Q($mutation: Int) { a }"));
        assert!(!mentions_mutation("query Q @mutation { a }"));
        assert!(!mentions_mutation("{ a(x: \"mutation { b }\") }"));
        assert!(!mentions_mutation("{ a(x: \"\"\"\nmutation { b }\n\"\"\") }"));
        assert!(!mentions_mutation("# mutation { b }\n{ a }"));
        assert!(!mentions_mutation("query mutations { a }"));
        assert!(!mentions_mutation("subscription { releaseUpdated { id } }"));
        assert!(!mentions_mutation(""));
    }

    #[test]
    fn hostile_text_is_scanned_without_trouble() {
        let deep = format!("{}mutation{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(!mentions_mutation(&deep), "inside brackets");
        assert!(
            mentions_mutation(&format!("{}mutation", "}".repeat(1_000))),
            "unbalanced closers"
        );
        assert!(!mentions_mutation("\"never closed mutation"));
        assert!(!mentions_mutation("\"\"\"never closed mutation"));
    }
}

//! The deepest bracket nesting of a GraphQL document, found by a flat scan of its text before
//! anything recursive (the parser, validation, value conversion, dropping) touches it.
//!
//! Selection sets (`{`), list literals (`[`), object literals (`{` inside arguments) and
//! argument lists (`(`) all count: a document within the limit parses and validates with a
//! recursion no deeper than the limit, whatever it nests. Strings, block strings and comments
//! are skipped, so brackets inside them do not count.

use super::scan::{Lexeme, lexemes};

/// Why a document was refused by the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TooDeep {
    /// The limit that was passed.
    pub limit: usize,
    /// Line (1-based) where the limit was passed.
    pub line: usize,
    /// Column (1-based, in characters) where the limit was passed.
    pub column: usize,
}

/// Scans `text`; refuses it at the first bracket nested deeper than `limit`. Runs in one pass,
/// in time linear in the text and constant memory. Unbalanced brackets are left to the parser.
pub(crate) fn check(text: &str, limit: usize) -> Result<(), TooDeep> {
    let mut depth = 0_usize;
    for (at, lexeme) in lexemes(text) {
        match lexeme {
            Lexeme::Open => {
                depth += 1;
                if depth > limit {
                    let (line, column) = position(text, at);
                    return Err(TooDeep { limit, line, column });
                }
            }
            Lexeme::Close => depth = depth.saturating_sub(1),
            Lexeme::Name { .. } => {}
        }
    }
    Ok(())
}

/// Line and column (1-based) of byte `index`.
fn position(text: &str, index: usize) -> (usize, usize) {
    let before = text.get(..index).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize, open: &str, close: &str) -> String {
        format!("{}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn depth_is_measured_over_every_kind_of_bracket() {
        assert_eq!(check("{ a }", 1), Ok(()));
        assert_eq!(check("{ a(x: [1]) }", 3), Ok(()));
        assert!(check("{ a(x: [1]) }", 2).is_err());
        assert!(check("{ a(x: {b: {c: 1}}) }", 3).is_err());
        for (open, close) in [("{", "}"), ("[", "]"), ("(", ")"), ("[{", "}]")] {
            assert!(check(&nested(40, open, close), 100).is_ok());
            assert!(check(&nested(101, open, close), 100).is_err());
        }
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = "{ a(x: \"[[[[[[\", y: \"\"\"{{{{{ \\\"\"\" ((((\"\"\") # [[[[[[[[\n }";
        assert_eq!(check(text, 2), Ok(()));
        assert_eq!(check("{ a(x: \"\\\"[[[[\") }", 2), Ok(()));
    }

    #[test]
    fn refusal_says_where() {
        let error = check("{\n  a { b { c } }\n}", 2).unwrap_err();
        assert_eq!((error.line, error.column), (2, 9));
    }

    #[test]
    fn a_million_levels_are_refused_without_recursion() {
        for depth in [1_000, 100_000, 1_000_000] {
            for (open, close) in [("[", "]"), ("{", "}")] {
                let text = format!("{{ a(x: {}) }}", nested(depth, open, close));
                assert!(check(&text, 64).is_err(), "depth {depth}");
            }
        }
        // Unterminated strings and unbalanced brackets end the scan without a panic.
        assert_eq!(check("{ a(x: \"never closed", 8), Ok(()));
        assert_eq!(check("\"\"\"never closed", 8), Ok(()));
        assert_eq!(check("}}}]]]))){", 8), Ok(()));
    }
}

//! A flat scan of GraphQL text: the brackets and names outside every string, block string and
//! comment, in one pass, in linear time and constant memory. What the guard measures before
//! anything parses (bracket nesting) and what the server reads before anything parses (whether
//! a document holds a mutation) both come from here, so both skip strings and comments alike.

/// One significant piece of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lexeme<'a> {
    /// `{`, `[` or `(`.
    Open,
    /// `}`, `]` or `)`.
    Close,
    /// A name (`[A-Za-z0-9_]+`); `directive` when it follows `@`.
    Name {
        /// The name's bytes.
        text: &'a [u8],
        /// Whether it names a directive.
        directive: bool,
    },
}

/// The lexemes of `text` with their byte offsets.
pub(crate) fn lexemes(text: &str) -> Scan<'_> {
    Scan {
        bytes: text.as_bytes(),
        i: 0,
    }
}

/// The iterator behind [`lexemes`].
pub(crate) struct Scan<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl<'a> Iterator for Scan<'a> {
    type Item = (usize, Lexeme<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.bytes;
        while self.i < bytes.len() {
            let at = self.i;
            match bytes[at] {
                b'#' => {
                    while self.i < bytes.len() && bytes[self.i] != b'\n' && bytes[self.i] != b'\r' {
                        self.i += 1;
                    }
                }
                b'"' if bytes[at..].starts_with(b"\"\"\"") => self.i = skip_block_string(bytes, at + 3),
                b'"' => self.i = skip_string(bytes, at + 1),
                b'{' | b'[' | b'(' => {
                    self.i += 1;
                    return Some((at, Lexeme::Open));
                }
                b'}' | b']' | b')' => {
                    self.i += 1;
                    return Some((at, Lexeme::Close));
                }
                c if c.is_ascii_alphanumeric() || c == b'_' => {
                    while self.i < bytes.len() && (bytes[self.i].is_ascii_alphanumeric() || bytes[self.i] == b'_') {
                        self.i += 1;
                    }
                    let directive = at > 0 && bytes[at - 1] == b'@';
                    let text = &bytes[at..self.i];
                    return Some((at, Lexeme::Name { text, directive }));
                }
                _ => self.i += 1,
            }
        }
        None
    }
}

/// The index just past a string whose opening quote ends before `i` (or the end of the text
/// for an unterminated one: the parser reports it).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            // A string cannot span lines; what follows is the parser's to refuse.
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

    fn kinds(text: &str) -> Vec<Lexeme<'_>> {
        lexemes(text).map(|(_, l)| l).collect()
    }

    #[test]
    fn strings_and_comments_are_skipped() {
        let name = |text: &'static str| Lexeme::Name {
            text: text.as_bytes(),
            directive: false,
        };
        assert_eq!(
            kinds("{ a(x: \"{[(\") # ({[\n b @skip }"),
            vec![
                Lexeme::Open,
                name("a"),
                Lexeme::Open,
                name("x"),
                Lexeme::Close,
                name("b"),
                Lexeme::Name {
                    text: b"skip",
                    directive: true
                },
                Lexeme::Close,
            ]
        );
        assert_eq!(kinds("\"\"\" { \\\"\"\" [ \"\"\" ]"), vec![Lexeme::Close]);
        assert_eq!(kinds("\"never closed {"), vec![]);
        assert_eq!(kinds("\"\"\"never closed {"), vec![]);
    }
}

//! The characters human-facing text may hold, in one place for every text type (names,
//! descriptions, messages, reasons, display names).
//!
//! Text a person typed is shown to other people: in the dashboard, in the audit log, in a
//! terminal. Characters that change how the text around them is displayed — bidirectional
//! overrides that make a name ending in `gpj.exe` read as one ending in `exe.jpg`, zero-width
//! characters that make two different names look identical, control characters that move a
//! terminal's cursor — are refused with an error naming the field and the code point.
//! Multi-line text (descriptions, messages) keeps `\n` and `\t`; `\r\n` is normalized to `\n`
//! by the callers, and any other control character, including a lone `\r`, is refused.
//!
//! Rust strings cannot hold lone surrogates, so those need no rule.

use std::borrow::Cow;

use crate::ValidationError;

/// Whether a text type may span several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no control character at all (names, labels).
    Single,
    /// Several lines: `\n` and `\t` allowed (descriptions, messages, reasons).
    Multi,
}

/// Unicode's format characters (general category Cf, Unicode 15.1) that the classes below do not
/// name more precisely. All of them are invisible or change the rendering of their neighbours;
/// the tag characters (U+E0020–U+E007F) can also smuggle invisible text into what an LLM reads.
const OTHER_FORMAT: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x206A, 0x206F),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Why `c` may not appear in text of the given shape, or `None` when it may.
pub fn refusal(c: char, lines: Lines) -> Option<&'static str> {
    if lines == Lines::Multi && matches!(c, '\n' | '\t') {
        return None;
    }
    if c.is_control() {
        return Some("control character");
    }
    let code = u32::from(c);
    let class = match code {
        0x202A | 0x202B => "bidirectional embedding",
        0x202C => "bidirectional pop",
        0x202D | 0x202E => "bidirectional override",
        0x2066..=0x2069 => "bidirectional isolate",
        0x200E | 0x200F | 0x061C => "bidirectional mark",
        0x200B..=0x200D | 0x2060 | 0xFEFF => "zero-width character",
        0x2061..=0x2064 | 0x180E | 0x034F => "invisible character",
        0x115F | 0x1160 | 0x3164 | 0xFFA0 => "invisible filler",
        0x2028 => "line separator",
        0x2029 => "paragraph separator",
        0xFDD0..=0xFDEF => "noncharacter",
        _ if code & 0xFFFE == 0xFFFE => "noncharacter",
        _ if OTHER_FORMAT.iter().any(|&(lo, hi)| (lo..=hi).contains(&code)) => "format character",
        _ => return None,
    };
    Some(class)
}

/// Checks that `value` holds no refused character.
///
/// # Errors
/// The first refused character, as `must not contain U+202E (bidirectional override)` on `field`.
pub fn check(field: &str, value: &str, lines: Lines) -> Result<(), ValidationError> {
    for c in value.chars() {
        if let Some(class) = refusal(c, lines) {
            return Err(ValidationError::new(
                field,
                format!("must not contain U+{:04X} ({class})", u32::from(c)),
            ));
        }
    }
    Ok(())
}

/// The weaker rule that text stored before the full rule existed was written under: control
/// characters only (with `\r` also allowed in multi-line text). Used when reading rows back, so
/// that a name saved last year with a zero-width joiner still loads instead of failing the read.
///
/// # Errors
/// A control character the old rule refused too, which means the row was not written by
/// Slipway.
pub(crate) fn check_stored(field: &str, value: &str, lines: Lines) -> Result<(), ValidationError> {
    let allowed = |c: char| lines == Lines::Multi && matches!(c, '\n' | '\r' | '\t');
    if let Some(c) = value.chars().find(|&c| c.is_control() && !allowed(c)) {
        return Err(ValidationError::new(
            field,
            format!("must not contain U+{:04X} (control character)", u32::from(c)),
        ));
    }
    Ok(())
}

/// `value` with every `\r\n` replaced by `\n` (text pasted from Windows keeps its line breaks
/// without carrying carriage returns).
pub fn normalize_line_breaks(value: &str) -> Cow<'_, str> {
    if value.contains("\r\n") {
        Cow::Owned(value.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(c: char, lines: Lines) -> String {
        let text = format!("a{c}b");
        match check("name", &text, lines) {
            Err(e) => {
                assert_eq!(e.field(), "name");
                e.message().to_owned()
            }
            Ok(()) => String::new(),
        }
    }

    #[test]
    fn control_characters_are_refused_except_line_breaks_in_multi_line_text() {
        for c in ['\0', '\u{7}', '\u{8}', '\u{1b}', '\r', '\u{7f}', '\u{85}', '\u{9f}'] {
            for lines in [Lines::Single, Lines::Multi] {
                let message = refused(c, lines);
                assert!(message.contains("control character"), "{c:?} {lines:?}: {message}");
                assert!(message.contains(&format!("U+{:04X}", u32::from(c))), "{message}");
            }
        }
        for c in ['\n', '\t'] {
            assert!(refused(c, Lines::Single).contains("control character"), "{c:?}");
            assert_eq!(refused(c, Lines::Multi), "", "{c:?}");
        }
    }

    #[test]
    fn bidirectional_controls_are_refused() {
        assert_eq!(
            refused('\u{202E}', Lines::Single),
            "must not contain U+202E (bidirectional override)"
        );
        let cases = [
            ('\u{202A}', "embedding"),
            ('\u{202B}', "embedding"),
            ('\u{202C}', "pop"),
            ('\u{202D}', "override"),
            ('\u{2066}', "isolate"),
            ('\u{2067}', "isolate"),
            ('\u{2068}', "isolate"),
            ('\u{2069}', "isolate"),
            ('\u{200E}', "mark"),
            ('\u{200F}', "mark"),
            ('\u{061C}', "mark"),
        ];
        for (c, class) in cases {
            for lines in [Lines::Single, Lines::Multi] {
                let message = refused(c, lines);
                assert!(message.contains(&format!("bidirectional {class}")), "{c:?}: {message}");
            }
        }
    }

    #[test]
    fn zero_width_and_invisible_characters_are_refused() {
        for c in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'] {
            assert!(refused(c, Lines::Multi).contains("zero-width"), "{c:?}");
        }
        for c in ['\u{2061}', '\u{2062}', '\u{2063}', '\u{2064}', '\u{180E}', '\u{034F}'] {
            assert!(refused(c, Lines::Multi).contains("invisible character"), "{c:?}");
        }
        for c in ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'] {
            assert!(refused(c, Lines::Single).contains("invisible filler"), "{c:?}");
        }
    }

    #[test]
    fn other_format_characters_and_separators_are_refused() {
        for c in [
            '\u{00AD}',
            '\u{0600}',
            '\u{206F}',
            '\u{FFF9}',
            '\u{1D173}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
        ] {
            assert!(refused(c, Lines::Multi).contains("format character"), "{c:?}");
        }
        assert!(refused('\u{2028}', Lines::Multi).contains("line separator"));
        assert!(refused('\u{2029}', Lines::Multi).contains("paragraph separator"));
        for c in ['\u{FDD0}', '\u{FFFE}', '\u{FFFF}', '\u{1FFFF}', '\u{10FFFE}'] {
            assert!(refused(c, Lines::Single).contains("noncharacter"), "{c:?}");
        }
    }

    #[test]
    fn ordinary_text_in_any_script_is_accepted() {
        for text in [
            "Production",
            "Préproduction – été",
            "עברית",
            "العربية",
            "日本語の環境",
            "Ελληνικά",
            "emoji 🚀 ✅",
            "non\u{A0}breaking and\u{3000}ideographic spaces",
            "variation selector ❤\u{FE0F}",
            "private use \u{E000}",
        ] {
            assert_eq!(check("name", text, Lines::Single), Ok(()), "{text:?}");
        }
    }

    #[test]
    fn the_first_refused_character_is_named() {
        let e = check("description", "ok\u{200B}then\u{202E}", Lines::Multi).unwrap_err();
        assert_eq!(e.message(), "must not contain U+200B (zero-width character)");
        let e = check("name", "\u{E0041}", Lines::Single).unwrap_err();
        assert_eq!(e.message(), "must not contain U+E0041 (format character)");
    }

    #[test]
    fn stored_text_is_held_to_the_old_rule_only() {
        assert_eq!(check_stored("name", "a\u{202E}b\u{200D}", Lines::Single), Ok(()));
        assert_eq!(check_stored("description", "a\r\nb\tc", Lines::Multi), Ok(()));
        assert!(check_stored("name", "a\nb", Lines::Single).is_err());
        assert!(check_stored("description", "a\u{7}", Lines::Multi).is_err());
    }

    #[test]
    fn carriage_returns_before_line_feeds_are_dropped() {
        assert_eq!(normalize_line_breaks("a\r\nb\r\n"), "a\nb\n");
        assert!(matches!(normalize_line_breaks("a\nb"), Cow::Borrowed(_)));
        assert_eq!(normalize_line_breaks("a\rb"), "a\rb");
    }
}

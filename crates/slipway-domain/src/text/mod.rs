//! Human-facing text values: names, descriptions, colors, messages.
//!
//! Which characters they may hold is decided in one place, [`charset`]; each type adds its own
//! length rule. Each text type also has a `from_stored` constructor for reading rows back, held
//! only to the rules in force when the row could have been written, so that tightening the
//! character rules never makes existing data unreadable.

pub mod charset;

use std::fmt;

use crate::ValidationError;
use charset::Lines;

/// The display name of an environment, organization, project or API key: 1–64 characters after
/// trimming, one line, none of the characters [`charset`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Parses a name, trimming surrounding whitespace.
    ///
    /// # Errors
    /// Empty after trimming, longer than 64 characters, or holding a character [`charset`]
    /// refuses in one-line text (the message names its code point).
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let trimmed = Self::checked_length(value)?;
        charset::check("name", trimmed, Lines::Single)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// A name read back from storage: the length rule, and the character rule of the time it may
    /// have been written (no control characters).
    ///
    /// # Errors
    /// The stored text breaks even that rule (the row was not written by Slipway).
    pub fn from_stored(value: &str) -> Result<Self, ValidationError> {
        let trimmed = Self::checked_length(value)?;
        charset::check_stored("name", trimmed, Lines::Single)?;
        Ok(Self(trimmed.to_owned()))
    }

    fn checked_length(value: &str) -> Result<&str, ValidationError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::new("name", "must not be empty"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new("name", "must be at most 64 characters"));
        }
        Ok(trimmed)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name the domain itself chose (such as "Production"), known to be valid.
    pub(crate) fn from_trusted(value: &str) -> Self {
        debug_assert!(Self::parse(value).is_ok());
        Self(value.to_owned())
    }
}

/// The name of an environment (same rules as [`Name`]).
pub type EnvironmentName = Name;

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A free-text description: at most 280 characters, trimmed; line breaks (`\r\n` stored as `\n`)
/// and tabs allowed, the other characters [`charset`] refuses not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Description(String);

impl Description {
    /// The longest description accepted, in characters.
    pub const MAX_CHARS: usize = 280;

    /// Parses a description.
    ///
    /// # Errors
    /// Longer than 280 characters, or holding a character [`charset`] refuses in multi-line text
    /// (the message names its code point).
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let normalized = charset::normalize_line_breaks(value);
        let trimmed = Self::checked_length(&normalized)?;
        charset::check("description", trimmed, Lines::Multi)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// A description read back from storage: the length rule, and the character rule of the
    /// time it may have been written (control characters other than line breaks and tabs).
    ///
    /// # Errors
    /// The stored text breaks even that rule.
    pub fn from_stored(value: &str) -> Result<Self, ValidationError> {
        let trimmed = Self::checked_length(value)?;
        charset::check_stored("description", trimmed, Lines::Multi)?;
        Ok(Self(trimmed.to_owned()))
    }

    fn checked_length(value: &str) -> Result<&str, ValidationError> {
        let trimmed = value.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new("description", "must be at most 280 characters"));
        }
        Ok(trimmed)
    }

    /// The description as text (possibly empty).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A color as `#rrggbb`, stored lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color([u8; 3]);

impl Color {
    /// Parses `#rrggbb` (hex digits in either case).
    ///
    /// # Errors
    /// Anything that is not `#` followed by exactly six hex digits.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let err = || ValidationError::new("color", "must be #rrggbb (six hex digits)");
        let hex = value.strip_prefix('#').ok_or_else(err)?;
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(err());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| err());
        Ok(Self([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// A color from its three channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b])
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }
}

/// A short free-text message (a version's or release's message, a bypass or rejection reason):
/// at most 1000 characters, trimmed, multi-line under the rules of [`charset`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Message(String);

impl Message {
    /// The longest message accepted, in characters.
    pub const MAX_CHARS: usize = 1000;

    /// Parses a message for `field`.
    ///
    /// # Errors
    /// Longer than 1000 characters, or holding a character [`charset`] refuses in multi-line
    /// text (the message names its code point).
    pub fn parse(field: &str, value: &str) -> Result<Self, ValidationError> {
        let normalized = charset::normalize_line_breaks(value);
        let trimmed = Self::checked_length(field, &normalized)?;
        charset::check(field, trimmed, Lines::Multi)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// A message read back from storage: the length rule, and the character rule of the time it
    /// may have been written (control characters other than line breaks and tabs).
    ///
    /// # Errors
    /// The stored text breaks even that rule.
    pub fn from_stored(field: &str, value: &str) -> Result<Self, ValidationError> {
        let trimmed = Self::checked_length(field, value)?;
        charset::check_stored(field, trimmed, Lines::Multi)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// As [`Message::from_stored`], for a message that must not be empty.
    ///
    /// # Errors
    /// As [`Message::from_stored`], and when empty.
    pub fn from_stored_required(field: &str, value: &str) -> Result<Self, ValidationError> {
        Self::from_stored(field, value)?.required(field)
    }

    fn checked_length<'a>(field: &str, value: &'a str) -> Result<&'a str, ValidationError> {
        let trimmed = value.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(field, "must be at most 1000 characters"));
        }
        Ok(trimmed)
    }

    fn required(self, field: &str) -> Result<Self, ValidationError> {
        if self.0.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        Ok(self)
    }

    /// Parses a message that must not be empty (a bypass reason, say).
    ///
    /// # Errors
    /// As [`Message::parse`], and when empty after trimming.
    pub fn parse_required(field: &str, value: &str) -> Result<Self, ValidationError> {
        Self::parse(field, value)?.required(field)
    }

    /// The message as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Name::parse("  Production ").unwrap().as_str(), "Production");
        assert_eq!(Name::parse(&"é".repeat(64)).unwrap().as_str().chars().count(), 64);
        let cases = [
            ("", "empty"),
            ("   ", "empty"),
            (&"x".repeat(65) as &str, "64"),
            ("a\u{7}b", "U+0007 (control character)"),
            ("two\nlines", "U+000A (control character)"),
            ("Prod\u{202E}doc", "U+202E (bidirectional override)"),
            ("Prod\u{200B}", "U+200B (zero-width character)"),
            ("\u{FEFF}Prod", "U+FEFF (zero-width character)"),
            ("Prod\u{E0041}", "U+E0041 (format character)"),
        ];
        for (input, fragment) in cases {
            let e = Name::parse(input).unwrap_err();
            assert_eq!(e.field(), "name");
            assert!(e.message().contains(fragment), "{input:?}: {e}");
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(Description::parse("").unwrap().as_str(), "");
        assert!(Description::parse(&"x".repeat(280)).is_ok());
        assert!(Description::parse("line one\nline two").is_ok());
        assert_eq!(Description::parse(&"x".repeat(281)).unwrap_err().field(), "description");
        assert!(Description::parse("bell\u{7}").is_err());
        assert_eq!(Description::parse("one\r\ntwo\r\n").unwrap().as_str(), "one\ntwo");
        for (bad, fragment) in [
            ("lone\rreturn", "U+000D (control character)"),
            ("a\u{2067}b", "U+2067 (bidirectional isolate)"),
            ("a\u{2028}b", "U+2028 (line separator)"),
        ] {
            let e = Description::parse(bad).unwrap_err();
            assert_eq!(e.field(), "description");
            assert!(e.message().contains(fragment), "{bad:?}: {e}");
        }
    }

    #[test]
    fn stored_text_that_predates_the_character_rules_still_loads() {
        // What the rules before issue 9 accepted, and the current ones refuse.
        let name = "Prod\u{200D}uction\u{202E}";
        assert!(Name::parse(name).is_err());
        assert_eq!(Name::from_stored(name).unwrap().as_str(), name);
        assert!(Description::parse("a\r\u{200F}b").is_err());
        assert_eq!(
            Description::from_stored("a\r\u{200F}b").unwrap().as_str(),
            "a\r\u{200F}b"
        );
        assert_eq!(
            Message::from_stored("message", "fix\u{200B}").unwrap().as_str(),
            "fix\u{200B}"
        );
        assert_eq!(
            Message::from_stored_required("reason", "\u{202E}").unwrap().as_str(),
            "\u{202E}"
        );
        // Length and the old control-character rule still hold: such a row was never written.
        assert_eq!(Name::from_stored("").unwrap_err().field(), "name");
        assert!(Name::from_stored(&"x".repeat(65)).is_err());
        assert!(Name::from_stored("a\u{7}").is_err());
        assert!(Description::from_stored(&"x".repeat(281)).is_err());
        assert!(Message::from_stored("message", "a\u{0}").is_err());
        assert_eq!(
            Message::from_stored_required("reason", "").unwrap_err().field(),
            "reason"
        );
    }

    #[test]
    fn colors() {
        assert_eq!(Color::parse("#FF8800").unwrap().to_string(), "#ff8800");
        assert_eq!(Color::rgb(1, 2, 3).to_string(), "#010203");
        for bad in ["", "ff8800", "#ff880", "#ff88000", "#gg8800", "#ff 800", "#ÿÿÿ"] {
            assert_eq!(Color::parse(bad).unwrap_err().field(), "color", "{bad:?}");
        }
    }

    #[test]
    fn messages() {
        assert_eq!(Message::parse("message", " fix typo ").unwrap().as_str(), "fix typo");
        assert!(Message::parse("message", "").is_ok());
        assert_eq!(Message::parse_required("reason", " ").unwrap_err().field(), "reason");
        assert!(Message::parse("message", &"x".repeat(1001)).is_err());
        assert_eq!(Message::parse("message", "a\r\nb").unwrap().as_str(), "a\nb");
        let e = Message::parse_required("bypass_reason", "because\u{202D}").unwrap_err();
        assert_eq!(e.field(), "bypass_reason");
        assert_eq!(e.message(), "must not contain U+202D (bidirectional override)");
    }
}

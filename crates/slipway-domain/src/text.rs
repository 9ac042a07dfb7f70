//! Human-facing text values: names, descriptions, colors, messages.

use std::fmt;

use crate::ValidationError;

fn has_control(value: &str) -> bool {
    value.chars().any(char::is_control)
}

/// The display name of an environment, organization or project: 1–64 characters after trimming,
/// no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Parses a name, trimming surrounding whitespace.
    ///
    /// # Errors
    /// Empty after trimming, longer than 64 characters, or containing control characters.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(ValidationError::new("name", "must not be empty"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new("name", "must be at most 64 characters"));
        }
        if has_control(trimmed) {
            return Err(ValidationError::new("name", "must not contain control characters"));
        }
        Ok(Self(trimmed.to_owned()))
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

/// A free-text description: at most 280 characters, trimmed; line breaks and tabs allowed, other
/// control characters not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Description(String);

impl Description {
    /// The longest description accepted, in characters.
    pub const MAX_CHARS: usize = 280;

    /// Parses a description.
    ///
    /// # Errors
    /// Longer than 280 characters, or containing control characters other than line breaks and tabs.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let trimmed = value.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new("description", "must be at most 280 characters"));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ValidationError::new(
                "description",
                "must not contain control characters",
            ));
        }
        Ok(Self(trimmed.to_owned()))
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

/// A short free-text message (a version's commit message, a bypass or rejection reason):
/// at most 1000 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Message(String);

impl Message {
    /// The longest message accepted, in characters.
    pub const MAX_CHARS: usize = 1000;

    /// Parses a message for `field`.
    ///
    /// # Errors
    /// Longer than 1000 characters, or containing control characters other than line breaks and tabs.
    pub fn parse(field: &str, value: &str) -> Result<Self, ValidationError> {
        let trimmed = value.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(field, "must be at most 1000 characters"));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ValidationError::new(field, "must not contain control characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// Parses a message that must not be empty (a bypass reason, say).
    ///
    /// # Errors
    /// As [`Message::parse`], and when empty after trimming.
    pub fn parse_required(field: &str, value: &str) -> Result<Self, ValidationError> {
        let message = Self::parse(field, value)?;
        if message.0.is_empty() {
            return Err(ValidationError::new(field, "must not be empty"));
        }
        Ok(message)
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
            ("a\u{7}b", "control"),
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
    }
}

//! The id a caller gives its own request (`x-request-id`): recorded next to the server's id when
//! it is short and plain, so that it can end up in logs and the audit log without carrying
//! anything a reader or a log parser could be fooled by.

use std::fmt;

use crate::ValidationError;

/// The longest caller request id kept.
pub const MAX_CALLER_REQUEST_ID_LEN: usize = 64;

/// A caller-supplied request id: 1–64 characters of `[A-Za-z0-9._:-]`. It identifies the request
/// in the caller's own logs; the server always assigns its own id as well, and never takes this
/// one in its place.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallerRequestId(String);

impl CallerRequestId {
    /// Parses a caller's request id.
    ///
    /// # Errors
    /// A [`ValidationError`] on `x-request-id` when `text` is empty, longer than
    /// [`MAX_CALLER_REQUEST_ID_LEN`], or has a character other than ASCII letters, digits and
    /// `.`, `_`, `:`, `-` (spaces, control characters and non-ASCII included).
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let bad = |message: &str| ValidationError::new("x-request-id", message);
        if text.is_empty() {
            return Err(bad("must not be empty"));
        }
        if text.len() > MAX_CALLER_REQUEST_ID_LEN {
            return Err(bad("must be at most 64 characters"));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
        {
            return Err(bad("may only contain ASCII letters, digits and . _ : -"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallerRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_plain_ids_are_kept() {
        for good in [
            "a",
            "abc-123",
            "abc-123_x.y:z",
            "0195f3c2-7b1e-7c3a-9f00-5d2b8f1e4a6c",
            &"a".repeat(64),
        ] {
            assert_eq!(
                CallerRequestId::parse(good).map(|id| id.to_string()),
                Ok(good.to_owned())
            );
        }
    }

    #[test]
    fn empty_long_and_unplain_ids_are_refused() {
        for bad in [
            "",
            &"a".repeat(65),
            &"a".repeat(10_000),
            "has space",
            " leading",
            "tab\there",
            "line\nbreak",
            "cr\rlf",
            "nul\0byte",
            "esc\u{1b}[31m",
            "del\u{7f}",
            "slash/path",
            "quote\"",
            "semi;colon",
            "caf\u{e9}",
            "\u{202e}override",
            "\u{0430}bc",
            "zero\u{200b}width",
        ] {
            let error = CallerRequestId::parse(bad).unwrap_err();
            assert_eq!(error.field(), "x-request-id", "{bad:?}");
        }
        // 64 bytes, but not ASCII.
        assert!(CallerRequestId::parse(&"\u{e9}".repeat(32)).is_err());
    }
}

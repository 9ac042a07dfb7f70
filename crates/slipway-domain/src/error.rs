//! Validation errors shared by every parsing constructor of the domain.

use std::fmt;

/// A value that failed to parse: which field, and which rule it broke.
///
/// The field is a path such as `slug` or `messages[2].content`, so that an API can point the user
/// at exactly what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    field: String,
    message: String,
}

impl ValidationError {
    /// A validation error on `field` with a human-readable `message` stating the rule.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field (or path to the field) that is invalid.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule that was broken, in words.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the field path, so that a nested error names its place in the outer value.
    #[must_use]
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_builds_paths() {
        let e = ValidationError::new("content", "must not be empty");
        assert_eq!(e.clone().within("messages[0]").field(), "messages[0].content");
        assert_eq!(
            ValidationError::new("[2]", "x").within("messages").field(),
            "messages[2]"
        );
        assert_eq!(ValidationError::new("", "x").within("model").field(), "model");
        assert_eq!(e.to_string(), "content: must not be empty");
    }
}

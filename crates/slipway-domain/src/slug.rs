//! Slugs: the URL-safe, immutable names of organizations, projects and environments.

use std::fmt;

use crate::ValidationError;

fn check_slug(field: &str, value: &str, max_len: usize) -> Result<(), ValidationError> {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return Err(ValidationError::new(field, "must not be empty"));
    };
    if !first.is_ascii_lowercase() {
        return Err(ValidationError::new(field, "must start with a lowercase letter a-z"));
    }
    if value.len() > max_len {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max_len} characters"),
        ));
    }
    if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(ValidationError::new(field, "may contain only a-z, 0-9 and '-'"));
    }
    if value.ends_with('-') {
        return Err(ValidationError::new(field, "must not end with '-'"));
    }
    Ok(())
}

macro_rules! slug_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The longest slug accepted.
            pub const MAX_LEN: usize = $max;

            /// Parses a slug: `[a-z][a-z0-9-]*`, not ending in `-`, at most `MAX_LEN` characters.
            ///
            /// # Errors
            /// A [`ValidationError`] naming the field and the broken rule.
            pub fn parse(value: &str) -> Result<Self, ValidationError> {
                check_slug($field, value, $max)?;
                Ok(Self(value.to_owned()))
            }

            /// The slug as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

slug_type!(
    /// The slug of an organization, unique across the installation.
    OrganizationSlug, "slug", 63
);
slug_type!(
    /// The slug of a project, unique inside its organization.
    ProjectSlug, "slug", 63
);

/// The slug of an environment: `[a-z][a-z0-9-]{0,31}`, unique in its project, immutable.
///
/// `prod` and `staging` are reserved for the two system environments: [`EnvironmentSlug::parse`]
/// refuses them, and only [`EnvironmentSlug::production`] and [`EnvironmentSlug::staging`] (used
/// when a project is created) or [`EnvironmentSlug::parse_existing`] (used when reading back what
/// already exists) produce them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvironmentSlug(String);

impl EnvironmentSlug {
    /// The longest environment slug accepted.
    pub const MAX_LEN: usize = 32;
    /// The slugs reserved for the system environments.
    pub const RESERVED: [&'static str; 2] = ["prod", "staging"];

    /// Parses the slug of a new, user-created environment.
    ///
    /// # Errors
    /// The slug breaks the pattern, or is one of the reserved system slugs.
    ///
    /// # Examples
    ///
    /// ```
    /// use slipway_domain::slug::EnvironmentSlug;
    ///
    /// assert_eq!(EnvironmentSlug::parse("canary-eu").unwrap().as_str(), "canary-eu");
    /// // Only the system environments are called `prod` and `staging`…
    /// assert!(EnvironmentSlug::parse("prod").is_err());
    /// // …though looking them up by slug is fine.
    /// assert!(EnvironmentSlug::parse_existing("prod").unwrap().is_reserved());
    /// assert_eq!(EnvironmentSlug::parse("Prod").unwrap_err().field(), "slug");
    /// ```
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let slug = Self::parse_existing(value)?;
        if Self::RESERVED.contains(&value) {
            return Err(ValidationError::new(
                "slug",
                format!("'{value}' is reserved for a system environment"),
            ));
        }
        Ok(slug)
    }

    /// Parses the slug of an environment that may already exist, including the system ones
    /// (used to look an environment up, never to create one).
    ///
    /// # Errors
    /// The slug breaks the pattern `[a-z][a-z0-9-]{0,31}`.
    pub fn parse_existing(value: &str) -> Result<Self, ValidationError> {
        let mut chars = value.chars();
        match chars.next() {
            None => return Err(ValidationError::new("slug", "must not be empty")),
            Some(c) if !c.is_ascii_lowercase() => {
                return Err(ValidationError::new("slug", "must start with a lowercase letter a-z"));
            }
            Some(_) => {}
        }
        if value.len() > Self::MAX_LEN {
            return Err(ValidationError::new("slug", "must be at most 32 characters"));
        }
        if !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(ValidationError::new("slug", "may contain only a-z, 0-9 and '-'"));
        }
        Ok(Self(value.to_owned()))
    }

    /// `prod`, the slug of the Production system environment.
    pub fn production() -> Self {
        Self("prod".to_owned())
    }

    /// `staging`, the slug of the Staging system environment.
    pub fn staging() -> Self {
        Self("staging".to_owned())
    }

    /// Whether this is one of the reserved system slugs.
    pub fn is_reserved(&self) -> bool {
        Self::RESERVED.contains(&self.0.as_str())
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EnvironmentSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EnvironmentSlug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_slugs() {
        let cases: &[(&str, Result<(), &str>)] = &[
            ("qa", Ok(())),
            ("canary-1", Ok(())),
            ("a", Ok(())),
            ("a-", Ok(())),
            ("abcdefghijabcdefghijabcdefghijab", Ok(())),
            ("abcdefghijabcdefghijabcdefghijabc", Err("at most 32")),
            ("", Err("empty")),
            ("1qa", Err("start with")),
            ("-qa", Err("start with")),
            ("Qa", Err("start with")),
            ("q_a", Err("only")),
            ("qa ", Err("only")),
            ("prod", Err("reserved")),
            ("staging", Err("reserved")),
            ("prod2", Ok(())),
        ];
        for (input, expected) in cases {
            match (EnvironmentSlug::parse(input), expected) {
                (Ok(slug), Ok(())) => assert_eq!(slug.as_str(), *input),
                (Err(e), Err(fragment)) => {
                    assert_eq!(e.field(), "slug");
                    assert!(e.message().contains(fragment), "{input:?}: {e}");
                }
                (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn reserved_slugs_exist_only_through_their_constructors() {
        assert!(EnvironmentSlug::production().is_reserved());
        assert_eq!(
            EnvironmentSlug::parse_existing("prod").unwrap(),
            EnvironmentSlug::production()
        );
        assert_eq!(
            EnvironmentSlug::parse_existing("staging").unwrap(),
            EnvironmentSlug::staging()
        );
        assert!(!EnvironmentSlug::parse("qa").unwrap().is_reserved());
    }

    #[test]
    fn organization_and_project_slugs() {
        assert!(OrganizationSlug::parse("acme").is_ok());
        assert!(OrganizationSlug::parse("acme-").is_err());
        assert!(ProjectSlug::parse("chat-bot2").is_ok());
        assert!(ProjectSlug::parse("Chat").is_err());
        assert!(ProjectSlug::parse(&"a".repeat(64)).is_err());
        assert!(ProjectSlug::parse(&"a".repeat(63)).is_ok());
    }
}

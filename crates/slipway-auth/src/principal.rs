//! Who is calling: the verified identity behind a JWT, and how an `Authorization` header is
//! split into a JWT or a gateway API key.

use crate::api_key::API_KEY_PREFIX;

/// A person or tool whose JWT verified. The service finds (or creates, on first sight) the user
/// whose subject this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The JWT `sub`: the stable identity of the user.
    pub subject: String,
    /// The `name` claim, if the token carried one.
    pub name: Option<String>,
    /// The `email` claim, if the token carried one.
    pub email: Option<String>,
    /// The groups claim, when one is configured and the token carried it (an empty list is a
    /// token saying the user is in no group; `None` says nothing about groups).
    pub groups: Option<Vec<String>>,
}

/// The credential carried by an `Authorization: Bearer …` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerCredential<'a> {
    /// A JWT, to verify with [`JwtVerifier::verify`](crate::JwtVerifier::verify).
    Jwt(&'a str),
    /// A gateway API key (`slw_…`), to hash with [`hash_api_key`](crate::hash_api_key).
    ApiKey(&'a str),
}

/// Splits an `Authorization` header value into its bearer credential. The scheme is matched
/// case-insensitively; anything but `Bearer <non-empty token>` yields `None`.
pub fn parse_authorization(header_value: &str) -> Option<BearerCredential<'_>> {
    let (scheme, rest) = header_value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return None;
    }
    if token.starts_with(API_KEY_PREFIX) {
        Some(BearerCredential::ApiKey(token))
    } else {
        Some(BearerCredential::Jwt(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_headers_are_split_by_kind() {
        assert_eq!(
            parse_authorization("Bearer a.b.c"),
            Some(BearerCredential::Jwt("a.b.c"))
        );
        assert_eq!(
            parse_authorization("bearer  a.b.c "),
            Some(BearerCredential::Jwt("a.b.c"))
        );
        assert_eq!(
            parse_authorization("Bearer slw_abc"),
            Some(BearerCredential::ApiKey("slw_abc"))
        );
        assert_eq!(parse_authorization("Basic dXNlcjpwYXNz"), None);
        assert_eq!(parse_authorization("Bearer"), None);
        assert_eq!(parse_authorization("Bearer "), None);
        assert_eq!(parse_authorization("Bearer a b"), None);
        assert_eq!(parse_authorization(""), None);
    }
}

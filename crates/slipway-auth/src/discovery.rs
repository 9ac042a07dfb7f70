//! OpenID Connect discovery, the pure half: where an issuer's discovery document lives, and what
//! of it Slipway trusts. The document must name the configured issuer exactly (OpenID Connect
//! Discovery §4.3) and a `jwks_uri` on the same scheme family; the fetching is the server's.

use crate::error::ConfigError;

/// The path of the discovery document under the issuer (OpenID Connect Discovery §4).
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Discovery documents and key sets longer than this are refused.
pub const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

fn invalid(reason: impl Into<String>) -> ConfigError {
    ConfigError::InvalidKey {
        what: "OpenID Connect discovery document",
        reason: reason.into(),
    }
}

/// A configured OpenID Connect issuer: an `https://` URL (or `http://` for a provider on the
/// same machine, as in tests), without query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer(String);

impl Issuer {
    /// Checks a configured issuer URL.
    ///
    /// # Errors
    /// [`ConfigError::InvalidSetting`] for anything but an `https://` URL, or an `http://` URL
    /// whose host is loopback (`localhost`, `127.0.0.1`, `[::1]`).
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let bad = |reason| ConfigError::InvalidSetting {
            setting: "OIDC issuer",
            reason,
        };
        let rest = if let Some(rest) = text.strip_prefix("https://") {
            rest
        } else if let Some(rest) = text.strip_prefix("http://") {
            if !is_loopback_authority(rest) {
                return Err(bad("must be an https:// URL (http:// only for a loopback host)"));
            }
            rest
        } else {
            return Err(bad("must be an https:// URL"));
        };
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || text.contains(['?', '#']) || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("must be a URL with a host and no query, fragment or spaces"));
        }
        Ok(Issuer(text.to_owned()))
    }

    /// The issuer exactly as configured: what `iss` must equal.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where its discovery document is: the issuer without a trailing `/`, then
    /// [`DISCOVERY_PATH`].
    pub fn discovery_url(&self) -> String {
        format!("{}{DISCOVERY_PATH}", self.0.trim_end_matches('/'))
    }

    /// Reads a fetched discovery document and returns its `jwks_uri`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`] when the document is too long, not a JSON object, names
    /// another issuer (compared exactly, as a single string), or lacks a `jwks_uri` that is
    /// `https://` (or `http://` to a loopback host when the issuer is one).
    pub fn jwks_uri(&self, document: &str) -> Result<String, ConfigError> {
        if document.len() > MAX_DOCUMENT_BYTES {
            return Err(invalid("too long"));
        }
        let value: serde_json::Value = serde_json::from_str(document).map_err(|_| invalid("not JSON"))?;
        let Some(object) = value.as_object() else {
            return Err(invalid("not a JSON object"));
        };
        match object.get("issuer") {
            Some(serde_json::Value::String(issuer)) if issuer == &self.0 => {}
            _ => return Err(invalid("its `issuer` is not the configured issuer")),
        }
        let Some(serde_json::Value::String(uri)) = object.get("jwks_uri") else {
            return Err(invalid("it has no `jwks_uri`"));
        };
        let acceptable = match uri.strip_prefix("http://") {
            Some(rest) => self.0.starts_with("http://") && is_loopback_authority(rest),
            None => uri.starts_with("https://"),
        };
        if !acceptable || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("its `jwks_uri` is not an https:// URL"));
        }
        Ok(uri.clone())
    }
}

/// Whether the authority at the start of `rest` (after `http://`) is a loopback host.
fn is_loopback_authority(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_or_loopback_http() {
        for good in [
            "https://idp.example.com",
            "https://idp.example.com/realms/acme/",
            "http://127.0.0.1:4000",
            "http://localhost:4000/oidc",
            "http://[::1]:4000",
        ] {
            assert_eq!(Issuer::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "idp.example.com",
            "http://idp.example.com",
            "http://127.0.0.1.evil.com",
            "http://localhost@evil.com",
            "https://",
            "https://idp.example.com/?x=1",
            "https://idp.example.com/#f",
            "https://idp example.com",
            "ftp://idp.example.com",
        ] {
            assert!(Issuer::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn discovery_url_is_under_the_issuer() {
        let issuer = Issuer::parse("https://idp.example.com/realms/acme/").unwrap();
        assert_eq!(
            issuer.discovery_url(),
            "https://idp.example.com/realms/acme/.well-known/openid-configuration"
        );
    }

    #[test]
    fn the_document_must_name_the_issuer_and_a_safe_jwks_uri() {
        let issuer = Issuer::parse("https://idp.example.com").unwrap();
        let doc = |value: serde_json::Value| value.to_string();
        assert_eq!(
            issuer
                .jwks_uri(&doc(
                    serde_json::json!({"issuer": "https://idp.example.com", "jwks_uri": "https://idp.example.com/jwks"})
                ))
                .unwrap(),
            "https://idp.example.com/jwks"
        );
        for bad in [
            serde_json::json!({"issuer": "https://idp.example.com/", "jwks_uri": "https://idp.example.com/jwks"}),
            serde_json::json!({"issuer": ["https://idp.example.com"], "jwks_uri": "https://idp.example.com/jwks"}),
            serde_json::json!({"jwks_uri": "https://idp.example.com/jwks"}),
            serde_json::json!({"issuer": "https://idp.example.com"}),
            serde_json::json!({"issuer": "https://idp.example.com", "jwks_uri": "http://idp.example.com/jwks"}),
            serde_json::json!({"issuer": "https://idp.example.com", "jwks_uri": "http://127.0.0.1/jwks"}),
            serde_json::json!({"issuer": "https://idp.example.com", "jwks_uri": "file:///etc/passwd"}),
            serde_json::json!({"issuer": "https://idp.example.com", "jwks_uri": 7}),
            serde_json::json!(["https://idp.example.com"]),
        ] {
            assert!(issuer.jwks_uri(&doc(bad.clone())).is_err(), "{bad}");
        }
        assert!(issuer.jwks_uri("not json").is_err());
        assert!(issuer.jwks_uri(&" ".repeat(MAX_DOCUMENT_BYTES + 1)).is_err());

        let local = Issuer::parse("http://127.0.0.1:4000").unwrap();
        let document =
            doc(serde_json::json!({"issuer": "http://127.0.0.1:4000", "jwks_uri": "http://127.0.0.1:4000/jwks"}));
        assert_eq!(local.jwks_uri(&document).unwrap(), "http://127.0.0.1:4000/jwks");
        let elsewhere =
            doc(serde_json::json!({"issuer": "http://127.0.0.1:4000", "jwks_uri": "http://evil.example/jwks"}));
        assert!(local.jwks_uri(&elsewhere).is_err());
    }
}

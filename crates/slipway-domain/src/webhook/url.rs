//! Where an endpoint receives its events: the provider base URL rule (`https://`, or `http://`
//! to a loopback host only; no credentials in the URL). Which addresses the host may resolve to
//! is the sender's check at send time, not this one's.

use std::fmt;

use crate::ValidationError;
use crate::content::provider::check_outbound_url;

/// A webhook endpoint's URL, checked by the rule provider base URLs follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Parses an endpoint URL.
    ///
    /// # Errors
    /// `url` when it is not `https://…` (or `http://` to a loopback host), carries credentials,
    /// a query or a fragment, or is malformed.
    pub fn parse(url: &str) -> Result<Self, ValidationError> {
        check_outbound_url("url", url)?;
        Ok(Self(url.to_owned()))
    }

    /// The URL as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for good in [
            "https://hooks.example.com/slipway",
            "https://hooks.example.com:8443/in",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080/",
        ] {
            assert!(WebhookUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "http://hooks.example.com/in",
            "ftp://example.com",
            "https://user:pw@example.com/",
            "https://example.com/?token=1",
            "https://exa mple.com",
            "hooks.example.com",
            "",
        ] {
            assert_eq!(WebhookUrl::parse(bad).unwrap_err().field(), "url", "{bad}");
        }
    }
}

//! Provider-activation content: which provider, where, which models are enabled, and which stored
//! credential to use. The credential itself is never part of the content, only its id.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{CredentialId, ValidationError};

/// The kind of LLM provider a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// OpenAI.
    Openai,
    /// Anthropic's Messages API.
    Anthropic,
    /// Azure OpenAI Service.
    AzureOpenai,
    /// Google (Gemini / Vertex AI).
    Google,
    /// Mistral AI.
    Mistral,
    /// AWS Bedrock.
    Bedrock,
    /// Any server speaking the OpenAI API (vLLM, Ollama, …).
    OpenaiCompatible,
}

impl ProviderKind {
    /// Whether the gateway has an adapter for this kind; activations of other kinds are refused
    /// when they are created, not when a call meets them.
    pub const fn gateway_supported(self) -> bool {
        matches!(
            self,
            ProviderKind::Openai | ProviderKind::OpenaiCompatible | ProviderKind::AzureOpenai | ProviderKind::Anthropic
        )
    }

    /// The name used in content (`openai`, `azure_openai`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Openai => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::AzureOpenai => "azure_openai",
            ProviderKind::Google => "google",
            ProviderKind::Mistral => "mistral",
            ProviderKind::Bedrock => "bedrock",
            ProviderKind::OpenaiCompatible => "openai_compatible",
        }
    }
}

/// The content of a provider activation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderActivation {
    /// Which provider this is.
    pub provider_kind: ProviderKind,
    /// Where to reach it: `https://…`, or `http://…` only to a loopback host.
    pub base_url: String,
    /// The models gateways may use through it (at least one, unique).
    pub models: Vec<String>,
    /// The stored credential to authenticate with, if the provider needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialIdWire>,
}

/// A credential id as it appears in content (a UUID string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CredentialIdWire(uuid::Uuid);

impl CredentialIdWire {
    /// The credential id.
    pub const fn id(self) -> CredentialId {
        CredentialId::from_uuid(self.0)
    }
}

impl From<CredentialId> for CredentialIdWire {
    fn from(id: CredentialId) -> Self {
        Self(id.as_uuid())
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|rest| {
            let parts: Vec<&str> = rest.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok())
        })
}

/// Checks a provider base URL: `https://host[:port][/path]`, or `http://` to a loopback host;
/// no user information (credentials never travel in URLs), no query or fragment, no whitespace.
///
/// # Errors
/// The URL breaks one of those rules.
pub fn check_base_url(url: &str) -> Result<(), ValidationError> {
    check_outbound_url("base_url", url)
}

/// The rule of [`check_base_url`] for any URL Slipway calls out to (a provider, a webhook
/// endpoint), reporting a broken rule on `field`.
pub(crate) fn check_outbound_url(field: &'static str, url: &str) -> Result<(), ValidationError> {
    let err = |m: &str| ValidationError::new(field, m);
    if url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err("must be at most 2048 characters, without spaces"));
    }
    let (scheme, rest) = url.split_once("://").ok_or_else(|| err("must start with https://"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err(err("must not contain credentials; store them as a provider credential"));
    }
    if rest.contains('?') || rest.contains('#') {
        return Err(err("must not contain a query or fragment"));
    }
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if let Some(port) = authority.strip_prefix(host).and_then(|p| p.strip_prefix(':'))
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(err("has an invalid port"));
    }
    let host_ok = !host.is_empty()
        && (host.starts_with('[') || host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    if !host_ok {
        return Err(err("has an invalid host"));
    }
    match scheme {
        "https" => Ok(()),
        "http" if is_loopback(&host.to_ascii_lowercase()) => Ok(()),
        "http" => Err(err("must use https (http is allowed only to localhost)")),
        _ => Err(err("must start with https://")),
    }
}

impl ProviderActivation {
    /// Checks every rule of an activation; field paths are relative to the content.
    ///
    /// # Errors
    /// The first broken rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_base_url(&self.base_url)?;
        if self.models.is_empty() {
            return Err(ValidationError::new("models", "must enable at least one model"));
        }
        if self.models.len() > 500 {
            return Err(ValidationError::new("models", "at most 500 models"));
        }
        let mut seen = BTreeSet::new();
        for (i, model) in self.models.iter().enumerate() {
            if model.trim().is_empty() || model.len() > 128 || model.trim() != model {
                return Err(ValidationError::new(
                    format!("models[{i}]"),
                    "must be 1-128 characters without surrounding spaces",
                ));
            }
            if !seen.insert(model.as_str()) {
                return Err(ValidationError::new(
                    format!("models[{i}]"),
                    format!("'{model}' is listed twice"),
                ));
            }
        }
        Ok(())
    }

    /// The credential this activation refers to, if any.
    pub fn credential_id(&self) -> Option<CredentialId> {
        self.credential.map(CredentialIdWire::id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let ok = [
            "https://api.openai.com/v1",
            "https://example.com:8443",
            "http://localhost:11434/v1",
            "http://127.0.0.1:8000",
            "http://[::1]:8080/v1",
            "https://[2001:db8::1]/v1",
        ];
        for url in ok {
            check_base_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        }
        let bad = [
            ("http://api.openai.com/v1", "https"),
            ("http://127.0.0.1.evil.com/", "https"),
            ("http://localhost.evil.com/", "https"),
            ("ftp://example.com", "https://"),
            ("example.com", "https://"),
            ("https://user:pass@example.com", "credentials"),
            ("https://example.com/v1?key=secret", "query"),
            ("https://exa mple.com", "spaces"),
            ("https://", "host"),
            ("https://example.com:99999", "port"),
            ("https://example.com:0", "port"),
            ("https://exa_mple.com", "host"),
        ];
        for (url, fragment) in bad {
            let e = check_base_url(url).unwrap_err();
            assert_eq!(e.field(), "base_url");
            assert!(e.message().contains(fragment), "{url}: {e}");
        }
    }

    #[test]
    fn models_are_required_and_unique() {
        let mut a = ProviderActivation {
            provider_kind: ProviderKind::Openai,
            base_url: "https://api.openai.com/v1".into(),
            models: vec!["gpt-4o".into()],
            credential: None,
        };
        a.validate().unwrap();
        a.models.push("gpt-4o".into());
        assert_eq!(a.validate().unwrap_err().field(), "models[1]");
        a.models.clear();
        assert_eq!(a.validate().unwrap_err().field(), "models");
    }
}

//! Azure OpenAI: the deployment URL shape
//! `{base}/openai/deployments/{deployment}/chat/completions?api-version=…`, where the target's
//! model is the deployment's name, and the `api-key` header. Bodies are OpenAI's, without
//! `model` (the deployment decides it).

use serde_json::Value;

use super::openai::{Passthrough, openai_body, passthrough_completion};
use super::{Adapter, StreamTranslator, Upstream, join, secret_header};
use crate::request::ChatRequest;

/// The API version sent with every call (the current generally available one).
pub const API_VERSION: &str = "2024-10-21";

/// The Azure OpenAI adapter.
#[derive(Debug, Clone, Copy)]
pub struct AzureOpenai;

/// The deployment's chat-completions URL; a base URL that already ends in `/openai` is not
/// extended twice.
fn url(base: &str, deployment: &str) -> String {
    let base = base.trim_end_matches('/');
    let root = if base.ends_with("/openai") {
        base.to_owned()
    } else {
        join(base, "openai")
    };
    // Deployment names are letters, digits, '-', '_' and '.'; anything else is escaped so it
    // cannot change the path.
    let deployment: String = deployment
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{root}/deployments/{deployment}/chat/completions?api-version={API_VERSION}")
}

impl Adapter for AzureOpenai {
    fn request(&self, client: &reqwest::Client, upstream: Upstream<'_>, call: &ChatRequest) -> reqwest::RequestBuilder {
        let mut request = client
            .post(url(upstream.base_url, upstream.model))
            .json(&openai_body(None, call));
        if let Some(value) = upstream.credential.and_then(secret_header) {
            request = request.header("api-key", value);
        }
        request
    }

    fn completion(&self, body: &[u8], _model: &str) -> Result<Value, String> {
        passthrough_completion(body)
    }

    fn translator(&self, _model: &str) -> Box<dyn StreamTranslator> {
        Box::new(Passthrough)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_urls() {
        assert_eq!(
            url("https://acme.openai.azure.com", "gpt4o-prod"),
            "https://acme.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"
        );
        assert_eq!(
            url("https://acme.openai.azure.com/openai/", "a/b?c"),
            "https://acme.openai.azure.com/openai/deployments/a%2Fb%3Fc/chat/completions?api-version=2024-10-21"
        );
    }
}

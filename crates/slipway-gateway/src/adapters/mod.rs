//! The provider adapters, one module per upstream API, behind one trait: how to address and
//! authenticate a call, how to write its body, and how to read the answer (whole or streamed)
//! back into OpenAI's chat-completion shape, which is what the gateway answers with.

mod anthropic;
mod azure;
mod openai;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use slipway_domain::content::ProviderKind;

use crate::request::ChatRequest;
use crate::sse::SseEvent;

pub use anthropic::Anthropic;
pub use azure::AzureOpenai;
pub use openai::Openai;

/// Where and with what an attempt calls: the activation's base URL, the target's model and the
/// decrypted credential (in memory only).
#[derive(Debug, Clone, Copy)]
pub struct Upstream<'a> {
    /// The activation's base URL (validated when the version was created).
    pub base_url: &'a str,
    /// The model (for Azure, the deployment name).
    pub model: &'a str,
    /// The provider's secret, when the activation names a credential.
    pub credential: Option<&'a SecretString>,
}

/// What a translated stream event yields.
#[derive(Debug, Default, PartialEq)]
pub struct Translated {
    /// OpenAI-shaped chunks to send, each one `data:` event's JSON.
    pub chunks: Vec<Value>,
    /// The upstream said the answer is complete.
    pub done: bool,
}

/// Turns one upstream's stream events into OpenAI chunks; one per streamed answer.
pub trait StreamTranslator: Send {
    /// Translates one event.
    ///
    /// # Errors
    /// An event the upstream's API does not define in that shape (reported as a broken stream;
    /// the text is ours, never the upstream's body).
    fn event(&mut self, event: &SseEvent) -> Result<Translated, String>;
}

/// One provider API.
pub trait Adapter: Send + Sync {
    /// The request for one attempt: URL, authentication headers and JSON body.
    fn request(&self, client: &reqwest::Client, upstream: Upstream<'_>, call: &ChatRequest) -> reqwest::RequestBuilder;

    /// A whole (non-streamed) answer, read into OpenAI's chat-completion shape.
    ///
    /// # Errors
    /// A body that is not this API's answer.
    fn completion(&self, body: &[u8], model: &str) -> Result<Value, String>;

    /// A translator for one streamed answer.
    fn translator(&self, model: &str) -> Box<dyn StreamTranslator>;
}

/// The adapter for a provider kind; `None` for kinds without one (refused when an activation
/// is created, so a live activation never meets this).
pub fn for_kind(kind: ProviderKind) -> Option<&'static dyn Adapter> {
    match kind {
        ProviderKind::Openai | ProviderKind::OpenaiCompatible => Some(&Openai),
        ProviderKind::AzureOpenai => Some(&AzureOpenai),
        ProviderKind::Anthropic => Some(&Anthropic),
        ProviderKind::Google | ProviderKind::Mistral | ProviderKind::Bedrock => None,
    }
}

/// A secret as a header value marked sensitive (so it is never printed by the HTTP stack);
/// `None` for a secret that cannot be a header value, which the upstream then refuses as
/// unauthenticated.
pub(crate) fn secret_header(secret: &SecretString) -> Option<reqwest::header::HeaderValue> {
    let mut value = reqwest::header::HeaderValue::from_str(secret.expose_secret()).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// `base` joined with `path`, without doubling the slash.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

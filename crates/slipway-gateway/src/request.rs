//! The call as the gateway sends it on: messages, sampling parameters, the end-user id and
//! whether to stream, independent of any provider's wire format.

use slipway_domain::call::RenderedMessage;
use slipway_domain::content::{MessageRole, PromptParameters};

/// One chat call, ready for an adapter to translate.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// The conversation, in order (system messages included).
    pub messages: Vec<RenderedMessage>,
    /// Sampling parameters (already merged and range-checked).
    pub parameters: PromptParameters,
    /// The caller's end-user id, passed to providers that take one.
    pub user: Option<String>,
    /// Whether the answer is streamed.
    pub stream: bool,
}

/// The role's name on OpenAI-shaped wires.
pub const fn role_name(role: MessageRole) -> &'static str {
    match role {
        MessageRole::System => "system",
        MessageRole::User => "user",
        MessageRole::Assistant => "assistant",
    }
}

//! The JSON bodies of the chat endpoints, parsed strictly (an unknown field is a VALIDATION
//! error, so a caller never believes a setting was applied that was not) into the gateway's
//! request and the route conditions' attributes.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use slipway_domain::call::{CallerParameters, RenderedMessage, RequestAttributes};
use slipway_domain::content::MessageRole;

use crate::error::ApiError;

/// A message's content: a string, or OpenAI's list of text parts.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum WireContent {
    /// Plain text.
    Text(String),
    /// `[{"type": "text", "text": "…"}, …]`.
    Parts(Vec<Value>),
}

/// One message as callers send it.
#[derive(Debug, Deserialize)]
pub struct WireMessage {
    /// `system`, `developer` (treated as system), `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: WireContent,
    /// A participant name; accepted and not forwarded.
    #[serde(default)]
    pub name: Option<String>,
}

/// `stop` as OpenAI accepts it: one string or a list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum WireStop {
    /// One sequence.
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// `POST /v1/prompts/{key}/chat`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptChatBody {
    /// Values of the prompt's declared variables.
    #[serde(default)]
    pub inputs: BTreeMap<String, Value>,
    /// Messages appended after the prompt's own.
    #[serde(default)]
    pub messages: Vec<WireMessage>,
    /// Stream the answer as Server-Sent Events.
    #[serde(default)]
    pub stream: bool,
    /// The caller's end-user id.
    #[serde(default)]
    pub user: Option<String>,
    /// Attributes for route conditions (`metadata.*`).
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
    /// Sampling temperature (when the prompt version leaves it unset).
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Most tokens to generate.
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// OpenAI's newer name for `max_tokens`.
    #[serde(default)]
    pub max_completion_tokens: Option<u32>,
    /// Nucleus sampling.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Frequency penalty.
    #[serde(default)]
    pub frequency_penalty: Option<f64>,
    /// Presence penalty.
    #[serde(default)]
    pub presence_penalty: Option<f64>,
    /// Stop sequences.
    #[serde(default)]
    pub stop: Option<WireStop>,
}

/// `POST /v1/chat/completions` (OpenAI's request, the fields Slipway forwards).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompletionsBody {
    /// A routing rule's key, or `provider-key/model`.
    pub model: String,
    /// The conversation.
    pub messages: Vec<WireMessage>,
    /// Stream the answer as Server-Sent Events.
    #[serde(default)]
    pub stream: bool,
    /// Accepted for compatibility; usage is always asked of upstreams that stream.
    #[serde(default)]
    pub stream_options: Option<Value>,
    /// The caller's end-user id.
    #[serde(default)]
    pub user: Option<String>,
    /// Attributes for route conditions (`metadata.*`).
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
    /// Sampling temperature (when the prompt version leaves it unset).
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Most tokens to generate.
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// OpenAI's newer name for `max_tokens`.
    #[serde(default)]
    pub max_completion_tokens: Option<u32>,
    /// Nucleus sampling.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Frequency penalty.
    #[serde(default)]
    pub frequency_penalty: Option<f64>,
    /// Presence penalty.
    #[serde(default)]
    pub presence_penalty: Option<f64>,
    /// Stop sequences.
    #[serde(default)]
    pub stop: Option<WireStop>,
}

/// Parses a body, naming the problem (serde's message names the field, never echoes the body).
///
/// # Errors
/// `VALIDATION` on `body`.
pub fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        // serde_json appends the position; keep the message short and free of input text.
        let message = message.split(" at line ").next().unwrap_or("invalid JSON").to_owned();
        ApiError::validation("body", message)
    })
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Inputs as text: strings as they are, numbers and booleans written out.
///
/// # Errors
/// `VALIDATION` on `inputs.NAME` for a list, object or null.
pub fn inputs(values: &BTreeMap<String, Value>) -> Result<BTreeMap<String, String>, ApiError> {
    values
        .iter()
        .map(|(name, value)| {
            scalar_text(value)
                .map(|text| (name.clone(), text))
                .ok_or_else(|| ApiError::validation(&format!("inputs.{name}"), "must be a string, number or boolean"))
        })
        .collect()
}

/// The messages, each a known role with text content.
///
/// # Errors
/// `VALIDATION` on `messages[i].role` or `messages[i].content`.
pub fn messages(wire: &[WireMessage]) -> Result<Vec<RenderedMessage>, ApiError> {
    wire.iter()
        .enumerate()
        .map(|(i, m)| {
            let role = match m.role.as_str() {
                "system" | "developer" => MessageRole::System,
                "user" => MessageRole::User,
                "assistant" => MessageRole::Assistant,
                _ => {
                    return Err(ApiError::validation(
                        &format!("messages[{i}].role"),
                        "must be system, developer, user or assistant",
                    ));
                }
            };
            let content = match &m.content {
                WireContent::Text(text) => text.clone(),
                WireContent::Parts(parts) => parts
                    .iter()
                    .map(
                        |part| match (part.get("type").and_then(Value::as_str), part.get("text")) {
                            (Some("text"), Some(Value::String(text))) => Ok(text.as_str()),
                            _ => Err(ApiError::validation(
                                &format!("messages[{i}].content"),
                                "only text parts are supported",
                            )),
                        },
                    )
                    .collect::<Result<Vec<_>, _>>()?
                    .concat(),
            };
            Ok(RenderedMessage { role, content })
        })
        .collect()
}

/// The sampling parameters of a body, in the domain's type (ranges are checked when merged).
macro_rules! caller_parameters {
    ($body:ty) => {
        impl $body {
            /// The caller's sampling parameters.
            pub fn parameters(&self) -> CallerParameters {
                CallerParameters {
                    temperature: self.temperature,
                    max_tokens: self.max_tokens.or(self.max_completion_tokens),
                    top_p: self.top_p,
                    frequency_penalty: self.frequency_penalty,
                    presence_penalty: self.presence_penalty,
                    stop: match &self.stop {
                        None => vec![],
                        Some(WireStop::One(s)) => vec![s.clone()],
                        Some(WireStop::Many(list)) => list.clone(),
                    },
                }
            }
        }
    };
}

caller_parameters!(PromptChatBody);
caller_parameters!(CompletionsBody);

/// The attributes route conditions see.
pub fn attributes(model: &str, user: Option<&String>, metadata: &BTreeMap<String, Value>) -> RequestAttributes {
    RequestAttributes {
        model: model.to_owned(),
        user: user.cloned(),
        metadata: metadata
            .iter()
            .filter_map(|(k, v)| scalar_text(v).map(|text| (k.clone(), text)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let e = parse::<CompletionsBody>(br#"{"model":"m","messages":[],"tools":[]}"#).unwrap_err();
        assert_eq!(e.code, "VALIDATION");
        assert!(e.message.contains("tools"), "{}", e.message);
        assert!(!e.message.contains("line"), "{}", e.message);
    }

    #[test]
    fn parameters_are_read_flat() {
        let body = parse::<PromptChatBody>(br#"{"temperature":0.5,"max_completion_tokens":9,"stop":"END"}"#).unwrap();
        let p = body.parameters();
        assert_eq!(
            (p.temperature, p.max_tokens, p.stop),
            (Some(0.5), Some(9), vec!["END".to_owned()])
        );
        assert!(parse::<PromptChatBody>(br#"{"temprature":0.5}"#).is_err());
    }

    #[test]
    fn text_parts_are_joined_and_other_parts_refused() {
        let wire: Vec<WireMessage> = serde_json::from_value(json!([
            {"role": "developer", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
            {"role": "user", "content": "hi"}
        ]))
        .unwrap();
        let m = messages(&wire).unwrap();
        assert_eq!((m[0].role, m[0].content.as_str()), (MessageRole::System, "ab"));
        let image: Vec<WireMessage> =
            serde_json::from_value(json!([{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]))
                .unwrap();
        assert_eq!(
            messages(&image).unwrap_err().field.as_deref(),
            Some("messages[0].content")
        );
        let tool: Vec<WireMessage> = serde_json::from_value(json!([{"role": "tool", "content": "x"}])).unwrap();
        assert_eq!(messages(&tool).unwrap_err().field.as_deref(), Some("messages[0].role"));
    }

    #[test]
    fn inputs_and_metadata_take_scalars() {
        let values = BTreeMap::from([("n".to_owned(), json!(3)), ("s".to_owned(), json!("x"))]);
        assert_eq!(inputs(&values).unwrap()["n"], "3");
        let bad = BTreeMap::from([("o".to_owned(), json!({}))]);
        assert_eq!(inputs(&bad).unwrap_err().field.as_deref(), Some("inputs.o"));
        let attrs = attributes(
            "m",
            None,
            &BTreeMap::from([("tier".to_owned(), json!("gold")), ("x".to_owned(), json!([]))]),
        );
        assert_eq!(attrs.get("metadata.tier"), Some("gold"));
        assert_eq!(attrs.get("metadata.x"), None);
    }
}

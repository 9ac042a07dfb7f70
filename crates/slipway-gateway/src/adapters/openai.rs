//! OpenAI chat completions, and every server that speaks the same API at another base URL
//! (vLLM, Ollama, LiteLLM…): `POST {base}/chat/completions` with a bearer token. Answers are
//! already in the shape the gateway returns, so they pass through.

use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};

use super::{Adapter, StreamTranslator, Translated, Upstream, join};
use crate::request::{ChatRequest, role_name};
use crate::sse::SseEvent;

/// The OpenAI chat-completions adapter.
#[derive(Debug, Clone, Copy)]
pub struct Openai;

/// The OpenAI-shaped body: model, messages, the parameters that are set, user and stream.
pub(crate) fn openai_body(model: Option<&str>, call: &ChatRequest) -> Value {
    let mut body = Map::new();
    if let Some(model) = model {
        body.insert("model".into(), json!(model));
    }
    let messages: Vec<Value> = call
        .messages
        .iter()
        .map(|m| json!({"role": role_name(m.role), "content": m.content}))
        .collect();
    body.insert("messages".into(), Value::Array(messages));
    let p = &call.parameters;
    let numbers = [
        ("temperature", p.temperature),
        ("top_p", p.top_p),
        ("frequency_penalty", p.frequency_penalty),
        ("presence_penalty", p.presence_penalty),
    ];
    for (name, value) in numbers {
        if let Some(v) = value {
            body.insert(name.into(), json!(v));
        }
    }
    if let Some(n) = p.max_tokens {
        body.insert("max_tokens".into(), json!(n));
    }
    if !p.stop.is_empty() {
        body.insert("stop".into(), json!(p.stop));
    }
    if let Some(user) = &call.user {
        body.insert("user".into(), json!(user));
    }
    if call.stream {
        body.insert("stream".into(), json!(true));
        // Ask for the final usage chunk, so streamed calls report tokens too.
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    Value::Object(body)
}

/// Checks that a body is a chat completion and returns it as it is.
pub(crate) fn passthrough_completion(body: &[u8]) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "the answer is not JSON".to_owned())?;
    if value.get("choices").is_some_and(Value::is_array) {
        Ok(value)
    } else {
        Err("the answer is not a chat completion".into())
    }
}

/// OpenAI's stream events are already chunks; `[DONE]` ends the stream.
pub(crate) struct Passthrough;

impl StreamTranslator for Passthrough {
    fn event(&mut self, event: &SseEvent) -> Result<Translated, String> {
        let data = event.data.trim();
        if data == "[DONE]" {
            return Ok(Translated {
                chunks: vec![],
                done: true,
            });
        }
        if data.is_empty() {
            return Ok(Translated::default());
        }
        let chunk: Value = serde_json::from_str(data).map_err(|_| "a stream event is not JSON".to_owned())?;
        Ok(Translated {
            chunks: vec![chunk],
            done: false,
        })
    }
}

impl Adapter for Openai {
    fn request(&self, client: &reqwest::Client, upstream: Upstream<'_>, call: &ChatRequest) -> reqwest::RequestBuilder {
        let mut request = client
            .post(join(upstream.base_url, "chat/completions"))
            .json(&openai_body(Some(upstream.model), call));
        if let Some(secret) = upstream.credential {
            request = request.bearer_auth(secret.expose_secret());
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
    use slipway_domain::call::RenderedMessage;
    use slipway_domain::content::{MessageRole, PromptParameters};

    use super::*;

    #[test]
    fn only_set_parameters_are_sent() {
        let call = ChatRequest {
            messages: vec![RenderedMessage {
                role: MessageRole::User,
                content: "hi".into(),
            }],
            parameters: PromptParameters {
                temperature: Some(0.5),
                ..Default::default()
            },
            user: None,
            stream: true,
        };
        let body = openai_body(Some("gpt-4o"), &call);
        assert_eq!(
            body,
            json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.5,
                   "stream": true, "stream_options": {"include_usage": true}})
        );
    }

    #[test]
    fn a_stream_ends_at_done() {
        let mut t = Passthrough;
        let chunk = t.event(&SseEvent::data(r#"{"choices":[]}"#)).unwrap();
        assert_eq!(chunk.chunks.len(), 1);
        assert!(t.event(&SseEvent::data("[DONE]")).unwrap().done);
        assert!(t.event(&SseEvent::data("{not json")).is_err());
    }
}

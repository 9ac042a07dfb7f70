//! Anthropic Messages: `POST {base}/v1/messages` with `x-api-key` and `anthropic-version`;
//! system messages move to the `system` field, `max_tokens` (required there) defaults to 4096,
//! `temperature` is capped at Anthropic's 1, penalties (which it lacks) are left out,
//! and answers and stream events are translated to OpenAI's chat-completion and chunk shapes.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use slipway_domain::content::MessageRole;

use super::{Adapter, StreamTranslator, Translated, Upstream, join, secret_header};
use crate::request::{ChatRequest, role_name};
use crate::sse::SseEvent;

/// The API version header every call sends.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// `max_tokens` when neither the prompt nor the caller sets one (Anthropic requires it).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The Anthropic Messages adapter.
#[derive(Debug, Clone, Copy)]
pub struct Anthropic;

fn url(base: &str) -> String {
    if base.trim_end_matches('/').ends_with("/v1") {
        join(base, "messages")
    } else {
        join(base, "v1/messages")
    }
}

fn body(model: &str, call: &ChatRequest) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(model));
    let system: Vec<&str> = call
        .messages
        .iter()
        .filter(|m| m.role == MessageRole::System)
        .map(|m| m.content.as_str())
        .collect();
    if !system.is_empty() {
        body.insert("system".into(), json!(system.join("\n\n")));
    }
    let messages: Vec<Value> = call
        .messages
        .iter()
        .filter(|m| m.role != MessageRole::System)
        .map(|m| json!({"role": role_name(m.role), "content": m.content}))
        .collect();
    body.insert("messages".into(), Value::Array(messages));
    let p = &call.parameters;
    body.insert("max_tokens".into(), json!(p.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS)));
    if let Some(t) = p.temperature {
        // Anthropic's range is 0 to 1 (OpenAI's 0 to 2): a value means the same on both up to
        // 1, and anything above asks for the most Anthropic allows.
        body.insert("temperature".into(), json!(t.min(1.0)));
    }
    if let Some(t) = p.top_p {
        body.insert("top_p".into(), json!(t));
    }
    if !p.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(p.stop));
    }
    if let Some(user) = &call.user {
        body.insert("metadata".into(), json!({"user_id": user}));
    }
    if call.stream {
        body.insert("stream".into(), json!(true));
    }
    Value::Object(body)
}

fn finish_reason(stop_reason: Option<&str>) -> Value {
    match stop_reason {
        None => Value::Null,
        Some("max_tokens") => json!("length"),
        Some("tool_use") => json!("tool_calls"),
        Some(_) => json!("stop"),
    }
}

fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn usage(input: u64, output: u64) -> Value {
    json!({"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output})
}

fn completion(body: &[u8], model: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "the answer is not JSON".to_owned())?;
    let content = value
        .get("content")
        .and_then(Value::as_array)
        .ok_or("the answer is not an Anthropic message")?;
    let text: String = content
        .iter()
        .filter(|block| block.get("type").and_then(Value::as_str) == Some("text"))
        .filter_map(|block| block.get("text").and_then(Value::as_str))
        .collect();
    let input = value
        .pointer("/usage/input_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let output = value
        .pointer("/usage/output_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok(json!({
        "id": value.get("id").cloned().unwrap_or(json!("")),
        "object": "chat.completion",
        "created": now_seconds(),
        "model": value.get("model").and_then(Value::as_str).unwrap_or(model),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": finish_reason(value.get("stop_reason").and_then(Value::as_str)),
        }],
        "usage": usage(input, output),
    }))
}

/// Translates Anthropic's typed stream events into OpenAI chunks.
struct Events {
    id: String,
    model: String,
    created: u64,
    input_tokens: u64,
}

impl Events {
    fn chunk(&self, delta: Value, finish: Value) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    }
}

impl StreamTranslator for Events {
    fn event(&mut self, event: &SseEvent) -> Result<Translated, String> {
        if event.data.trim().is_empty() {
            return Ok(Translated::default());
        }
        let data: Value = serde_json::from_str(&event.data).map_err(|_| "a stream event is not JSON".to_owned())?;
        let kind = event
            .event
            .as_deref()
            .or_else(|| data.get("type").and_then(Value::as_str))
            .unwrap_or_default();
        let chunks = match kind {
            "message_start" => {
                if let Some(id) = data.pointer("/message/id").and_then(Value::as_str) {
                    id.clone_into(&mut self.id);
                }
                if let Some(model) = data.pointer("/message/model").and_then(Value::as_str) {
                    model.clone_into(&mut self.model);
                }
                self.input_tokens = data
                    .pointer("/message/usage/input_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                vec![self.chunk(json!({"role": "assistant", "content": ""}), Value::Null)]
            }
            "content_block_delta" => match data.pointer("/delta/text").and_then(Value::as_str) {
                Some(text) => vec![self.chunk(json!({"content": text}), Value::Null)],
                None => vec![],
            },
            "message_delta" => {
                let finish = finish_reason(data.pointer("/delta/stop_reason").and_then(Value::as_str));
                let output = data
                    .pointer("/usage/output_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let mut usage_chunk = self.chunk(json!({}), Value::Null);
                usage_chunk["choices"] = json!([]);
                usage_chunk["usage"] = usage(self.input_tokens, output);
                vec![self.chunk(json!({}), finish), usage_chunk]
            }
            "message_stop" => {
                return Ok(Translated {
                    chunks: vec![],
                    done: true,
                });
            }
            "error" => return Err("the provider reported an error in the stream".into()),
            // ping, content_block_start, content_block_stop and event types added later.
            _ => vec![],
        };
        Ok(Translated { chunks, done: false })
    }
}

impl Adapter for Anthropic {
    fn request(&self, client: &reqwest::Client, upstream: Upstream<'_>, call: &ChatRequest) -> reqwest::RequestBuilder {
        let mut request = client
            .post(url(upstream.base_url))
            .header("anthropic-version", ANTHROPIC_VERSION)
            .json(&body(upstream.model, call));
        if let Some(value) = upstream.credential.and_then(secret_header) {
            request = request.header("x-api-key", value);
        }
        request
    }

    fn completion(&self, body: &[u8], model: &str) -> Result<Value, String> {
        completion(body, model)
    }

    fn translator(&self, model: &str) -> Box<dyn StreamTranslator> {
        Box::new(Events {
            id: String::new(),
            model: model.to_owned(),
            created: now_seconds(),
            input_tokens: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use slipway_domain::call::RenderedMessage;
    use slipway_domain::content::PromptParameters;

    use super::*;

    fn message(role: MessageRole, content: &str) -> RenderedMessage {
        RenderedMessage {
            role,
            content: content.into(),
        }
    }

    #[test]
    fn system_messages_move_to_the_system_field() {
        let call = ChatRequest {
            messages: vec![
                message(MessageRole::System, "Be brief."),
                message(MessageRole::User, "Hi"),
                message(MessageRole::System, "Be kind."),
            ],
            parameters: PromptParameters {
                temperature: Some(1.5),
                stop: vec!["END".into()],
                ..Default::default()
            },
            user: Some("u1".into()),
            stream: false,
        };
        assert_eq!(
            body("claude-x", &call),
            json!({"model": "claude-x", "system": "Be brief.\n\nBe kind.", "messages": [{"role": "user", "content": "Hi"}],
                   "max_tokens": 4096, "temperature": 1.0, "stop_sequences": ["END"], "metadata": {"user_id": "u1"}})
        );
        assert_eq!(
            url("https://api.anthropic.com"),
            "https://api.anthropic.com/v1/messages"
        );
        assert_eq!(url("http://127.0.0.1:9/v1/"), "http://127.0.0.1:9/v1/messages");
    }

    #[test]
    fn answers_become_chat_completions() {
        let answer = br#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
            "content":[{"type":"text","text":"Hel"},{"type":"text","text":"lo"}],
            "stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":2}}"#;
        let c = completion(answer, "claude-x").unwrap();
        assert_eq!(c["choices"][0]["message"]["content"], "Hello");
        assert_eq!(c["choices"][0]["finish_reason"], "length");
        assert_eq!(c["usage"]["total_tokens"], 5);
        assert!(completion(b"[]", "m").is_err());
    }

    #[test]
    fn stream_events_become_chunks() {
        let mut t = Anthropic.translator("claude-x");
        let start = SseEvent {
            event: Some("message_start".into()),
            data: r#"{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":4}}}"#.into(),
        };
        let first = t.event(&start).unwrap();
        assert_eq!(first.chunks[0]["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(first.chunks[0]["id"], "msg_1");
        let delta =
            SseEvent::data(r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#);
        assert_eq!(
            t.event(&delta).unwrap().chunks[0]["choices"][0]["delta"]["content"],
            "Hi"
        );
        let end = SseEvent::data(
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}"#,
        );
        let end = t.event(&end).unwrap();
        assert_eq!(end.chunks[0]["choices"][0]["finish_reason"], "stop");
        assert_eq!(end.chunks[1]["usage"]["total_tokens"], 11);
        assert!(t.event(&SseEvent::data(r#"{"type":"message_stop"}"#)).unwrap().done);
        assert!(t.event(&SseEvent::data(r#"{"type":"error","error":{}}"#)).is_err());
    }
}

//! Fake LLM upstreams on loopback for the gateway tests: one per provider API shape (OpenAI,
//! Azure OpenAI, Anthropic), each following a script of behaviours — answer, fail with a
//! status, stall past any timeout, or stream slowly — and recording every request it saw and
//! every stream a client abandoned.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde_json::{Value, json};

/// Which API the fake speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// OpenAI chat completions (also Azure's deployment URLs).
    Openai,
    /// Anthropic Messages.
    Anthropic,
}

/// What the fake does with one request.
#[derive(Debug, Clone)]
pub enum Behavior {
    /// Answer (streamed when asked) with `"{label}: {first message}"`.
    Answer,
    /// Fail with this status and a body that must never reach a gateway caller.
    Status(u16),
    /// Say nothing for a minute.
    Stall,
    /// Stream `pieces` words, `gap` apart.
    SlowStream { pieces: usize, gap: Duration },
}

/// Text in every failure body; a gateway answer must never contain it.
pub const UPSTREAM_PRIVATE: &str = "upstream-private-detail";

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Value,
}

struct FakeState {
    label: String,
    shape: Shape,
    script: Mutex<VecDeque<Behavior>>,
    default: Mutex<Behavior>,
    seen: Mutex<Vec<Seen>>,
    abandoned: AtomicUsize,
    pieces_sent: AtomicUsize,
}

/// A running fake.
#[derive(Clone)]
pub struct Fake {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    state: Arc<FakeState>,
}

/// Counts an abandoned stream when dropped before it finished.
struct StreamGuard {
    state: Arc<FakeState>,
    finished: bool,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.state.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn openai_chunk(text: &str, finish: Option<&str>) -> String {
    let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                       "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]});
    format!("data: {chunk}\n\n")
}

fn anthropic_events(words: &[String]) -> Vec<String> {
    let mut events = vec![format!(
        "event: message_start\ndata: {}\n\n",
        json!({"type": "message_start", "message": {"id": "msg_1", "model": "claude-test", "usage": {"input_tokens": 5}}})
    )];
    for word in words {
        events.push(format!(
            "event: content_block_delta\ndata: {}\n\n",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}})
        ));
    }
    events.push(format!(
        "event: message_delta\ndata: {}\n\n",
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}})
    ));
    events.push("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n".to_owned());
    events
}

fn first_text(shape: Shape, body: &Value) -> String {
    match shape {
        Shape::Anthropic => body["system"]
            .as_str()
            .or_else(|| body["messages"][0]["content"].as_str())
            .unwrap_or_default()
            .to_owned(),
        Shape::Openai => body["messages"][0]["content"].as_str().unwrap_or_default().to_owned(),
    }
}

fn events_for(state: &FakeState, words: &[String]) -> Vec<String> {
    match state.shape {
        Shape::Anthropic => anthropic_events(words),
        Shape::Openai => {
            let mut events: Vec<String> = words.iter().map(|w| openai_chunk(w, None)).collect();
            events.push(openai_chunk("", Some("stop")));
            events.push("data: [DONE]\n\n".to_owned());
            events
        }
    }
}

fn stream_response(state: Arc<FakeState>, events: Vec<String>, gap: Duration) -> Response {
    let guard = StreamGuard { state, finished: false };
    let body = stream::unfold(
        (events.into_iter(), guard, true),
        move |(mut events, mut guard, first)| async move {
            if !first {
                tokio::time::sleep(gap).await;
            }
            match events.next() {
                Some(event) => {
                    guard.state.pieces_sent.fetch_add(1, Ordering::SeqCst);
                    Some((
                        Ok::<_, std::convert::Infallible>(Bytes::from(event)),
                        (events, guard, false),
                    ))
                }
                None => {
                    guard.finished = true;
                    drop(guard);
                    None
                }
            }
        },
    );
    let mut response = Response::new(Body::from_stream(body));
    response
        .headers_mut()
        .insert("content-type", "text/event-stream".parse().unwrap());
    response
}

async fn handle(State(state): State<Arc<FakeState>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.seen.lock().unwrap().push(Seen {
        uri: uri.to_string(),
        headers,
        body: body.clone(),
    });
    let behavior = state
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| state.default.lock().unwrap().clone());
    let text = format!("{}: {}", state.label, first_text(state.shape, &body));
    let streamed = body["stream"] == json!(true);
    match behavior {
        Behavior::Status(code) => (
            StatusCode::from_u16(code).unwrap(),
            axum::Json(json!({"error": {"message": UPSTREAM_PRIVATE}})),
        )
            .into_response(),
        Behavior::Stall => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::OK.into_response()
        }
        Behavior::SlowStream { pieces, gap } => {
            let words: Vec<String> = (0..pieces).map(|i| format!("w{i} ")).collect();
            let events = events_for(&state, &words);
            stream_response(state, events, gap)
        }
        Behavior::Answer if streamed => {
            let words: Vec<String> = text.split_inclusive(' ').map(str::to_owned).collect();
            let events = events_for(&state, &words);
            stream_response(state, events, Duration::ZERO)
        }
        Behavior::Answer => match state.shape {
            Shape::Openai => axum::Json(json!({
                "id": "c1", "object": "chat.completion", "created": 1, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
            }))
            .into_response(),
            Shape::Anthropic => axum::Json(json!({
                "id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
                "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                "usage": {"input_tokens": 3, "output_tokens": 2}
            }))
            .into_response(),
        },
    }
}

impl Fake {
    /// Starts a fake named `label` speaking `shape`, answering by default.
    pub async fn start(label: &str, shape: Shape) -> Fake {
        let state = Arc::new(FakeState {
            label: label.to_owned(),
            shape,
            script: Mutex::new(VecDeque::new()),
            default: Mutex::new(Behavior::Answer),
            seen: Mutex::new(Vec::new()),
            abandoned: AtomicUsize::new(0),
            pieces_sent: AtomicUsize::new(0),
        });
        let app = Router::new().fallback(handle).with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Fake { base, state }
    }

    /// What every request gets once the script is used up.
    pub fn always(&self, behavior: Behavior) {
        *self.state.default.lock().unwrap() = behavior;
    }

    /// What the next requests get, in order.
    pub fn then(&self, behaviors: Vec<Behavior>) {
        self.state.script.lock().unwrap().extend(behaviors);
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// Streams a client abandoned before their end.
    pub fn abandoned(&self) -> usize {
        self.state.abandoned.load(Ordering::SeqCst)
    }

    /// Stream events sent so far.
    pub fn pieces_sent(&self) -> usize {
        self.state.pieces_sent.load(Ordering::SeqCst)
    }
}

//! What a call gives back: the answer (a whole completion or a stream of chunk events), what
//! served it, and a record of every attempt; or why it failed, with the same records.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use serde_json::{Value, json};

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The upstream answered with success.
    Succeeded,
    /// The upstream answered with this non-success HTTP status.
    Status(u16),
    /// No answer within the route's timeout.
    Timeout,
    /// The connection could not be made or broke before an answer.
    Connect,
    /// The environment serves no activation of the target's provider.
    NotDeployed,
    /// The live activation does not enable the target's model.
    ModelNotEnabled,
    /// The provider's credential could not be decrypted.
    Credential,
    /// The upstream answered success with a body that is not its API's answer.
    BadAnswer,
    /// The activation's provider kind has no adapter (refused at creation; kept for old data).
    Unsupported,
}

impl AttemptOutcome {
    /// A short label (metrics, headers, the 502 body).
    pub const fn label(self) -> &'static str {
        match self {
            AttemptOutcome::Succeeded => "ok",
            AttemptOutcome::Status(_) => "status",
            AttemptOutcome::Timeout => "timeout",
            AttemptOutcome::Connect => "connect_error",
            AttemptOutcome::NotDeployed => "provider_not_deployed",
            AttemptOutcome::ModelNotEnabled => "model_not_enabled",
            AttemptOutcome::Credential => "credential_unavailable",
            AttemptOutcome::BadAnswer => "bad_answer",
            AttemptOutcome::Unsupported => "provider_kind_unsupported",
        }
    }
}

/// One attempt as it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The provider's resource key.
    pub provider: String,
    /// The model asked of it.
    pub model: String,
    /// 0 for a target's first try, then its retries.
    pub retry: u8,
    /// Whether the target was a fallback.
    pub fallback: bool,
    /// How it ended.
    pub outcome: AttemptOutcome,
    /// From sending to the answer's head (or the failure).
    pub latency: Duration,
}

impl AttemptRecord {
    /// The attempt as the 502 body lists it: target and outcome, never an upstream's body.
    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "provider": self.provider,
            "model": self.model,
            "retry": self.retry,
            "fallback": self.fallback,
            "outcome": self.outcome.label(),
        });
        if let AttemptOutcome::Status(status) = self.outcome {
            value["status"] = json!(status);
        }
        value
    }
}

/// Tokens an upstream reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt (input) tokens.
    pub prompt_tokens: u64,
    /// Completion (output) tokens.
    pub completion_tokens: u64,
}

impl Usage {
    /// The `usage` object of an OpenAI-shaped completion or chunk, when it has one.
    pub fn from_openai(value: &Value) -> Option<Self> {
        let usage = value.get("usage").filter(|u| u.is_object())?;
        Some(Self {
            prompt_tokens: usage.get("prompt_tokens").and_then(Value::as_u64).unwrap_or(0),
            completion_tokens: usage.get("completion_tokens").and_then(Value::as_u64).unwrap_or(0),
        })
    }
}

/// One piece of a streamed answer: bytes of OpenAI-format Server-Sent Events ready to send.
#[derive(Debug, Clone)]
pub struct StreamPiece {
    /// `data: {chunk}\n\n` events (and the final `data: [DONE]\n\n`).
    pub bytes: Bytes,
    /// Tokens, when this piece carried the upstream's usage report.
    pub usage: Option<Usage>,
}

/// The chunk events of a streamed answer; dropping it closes the upstream connection.
pub type ChunkStream = Pin<Box<dyn Stream<Item = StreamPiece> + Send>>;

/// The body of a successful call.
pub enum AnswerBody {
    /// A whole chat completion (OpenAI's shape).
    Complete {
        /// The completion.
        completion: Value,
        /// Its usage report, when the upstream sent one.
        usage: Option<Usage>,
    },
    /// Chunk events as they arrive.
    Stream(ChunkStream),
}

impl std::fmt::Debug for AnswerBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnswerBody::Complete { usage, .. } => f.debug_struct("Complete").field("usage", usage).finish(),
            AnswerBody::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// A successful call.
#[derive(Debug)]
pub struct Answer {
    /// The provider key that served it.
    pub provider: String,
    /// The model that served it.
    pub model: String,
    /// Every attempt, the successful one last.
    pub attempts: Vec<AttemptRecord>,
    /// The answer.
    pub body: AnswerBody,
}

/// A failed call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The upstream refused the request as the caller's mistake (400, 413, 422): not retried.
    #[error("the provider refused the request (HTTP {status})")]
    Caller {
        /// The upstream's status.
        status: u16,
        /// The attempts made (the refused one last).
        attempts: Vec<AttemptRecord>,
    },
    /// Every attempt failed.
    #[error("every attempt failed")]
    AllFailed {
        /// The attempts made.
        attempts: Vec<AttemptRecord>,
    },
}

impl CallError {
    /// The attempts made.
    pub fn attempts(&self) -> &[AttemptRecord] {
        match self {
            CallError::Caller { attempts, .. } | CallError::AllFailed { attempts } => attempts,
        }
    }
}

//! A streamed answer: the upstream's events read as they arrive, translated by the adapter into
//! OpenAI chunks and written as `data:` events, ending with `data: [DONE]`. A stall longer than
//! the route's timeout or a broken upstream ends the stream with one error event (ours, not the
//! upstream's text). Dropping the stream drops the upstream connection.

use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, stream};
use serde_json::{Value, json};

use crate::adapters::StreamTranslator;
use crate::answer::{ChunkStream, StreamPiece, Usage};
use crate::sse::SseReader;

struct State {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    reader: SseReader,
    translator: Box<dyn StreamTranslator>,
    pending: VecDeque<StreamPiece>,
    done: bool,
    idle: Duration,
}

impl State {
    fn chunk(&mut self, chunk: &Value) {
        self.pending.push_back(StreamPiece {
            bytes: Bytes::from(format!("data: {chunk}\n\n")),
            usage: Usage::from_openai(chunk),
        });
    }

    fn finish(&mut self) {
        self.pending.push_back(StreamPiece {
            bytes: Bytes::from_static(b"data: [DONE]\n\n"),
            usage: None,
        });
        self.done = true;
    }

    fn fail(&mut self, message: &str) {
        let error = json!({"error": {"code": "UPSTREAM_STREAM_FAILED", "message": message}});
        self.pending.push_back(StreamPiece {
            bytes: Bytes::from(format!("data: {error}\n\n")),
            usage: None,
        });
        self.done = true;
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let events = match self.reader.push(bytes) {
            Ok(events) => events,
            Err(message) => return self.fail(&message),
        };
        for event in events {
            match self.translator.event(&event) {
                Ok(translated) => {
                    for chunk in &translated.chunks {
                        self.chunk(chunk);
                    }
                    if translated.done {
                        return self.finish();
                    }
                }
                Err(message) => return self.fail(&message),
            }
        }
    }
}

/// The translated chunk stream of a successful streamed response.
pub fn translate(response: reqwest::Response, translator: Box<dyn StreamTranslator>, idle: Duration) -> ChunkStream {
    let state = State {
        body: Box::pin(response.bytes_stream()),
        reader: SseReader::default(),
        translator,
        pending: VecDeque::new(),
        done: false,
        idle,
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        loop {
            if let Some(piece) = state.pending.pop_front() {
                return Some((piece, state));
            }
            if state.done {
                return None;
            }
            match tokio::time::timeout(state.idle, state.body.next()).await {
                Err(_) => state.fail("the provider sent nothing within the route's timeout"),
                // An upstream that closes without its end marker still ended the answer.
                Ok(None) => state.finish(),
                Ok(Some(Err(_))) => state.fail("the connection to the provider broke"),
                Ok(Some(Ok(bytes))) => state.bytes(&bytes),
            }
        }
    }))
}

//! A minimal Server-Sent Events reader over a reqwest response, for the watch tests.

use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::helpers::PATIENCE;

/// One event, or a comment line (a keep-alive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `event:`, `id:` and `data:` of an event.
    Event {
        event: String,
        id: Option<String>,
        data: String,
    },
    /// A `:` comment.
    Comment(String),
}

/// Reads events from a streaming response.
pub struct SseReader {
    stream: BoxStream<'static, reqwest::Result<axum::body::Bytes>>,
    buffer: String,
}

impl SseReader {
    /// Wraps a `text/event-stream` response.
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            stream: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next event or comment; `None` when the stream ended. Fails the test after
    /// [`PATIENCE`].
    pub async fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(item) = parse(&block) {
                    return Some(item);
                }
                continue;
            }
            let chunk = tokio::time::timeout(PATIENCE, self.stream.next())
                .await
                .expect("the watch stream said something in time")?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk.ok()?));
        }
    }

    /// The next event (skipping comments).
    pub async fn next_event(&mut self) -> Option<(String, Option<String>, String)> {
        loop {
            match self.next().await? {
                Item::Event { event, id, data } => return Some((event, id, data)),
                Item::Comment(_) => {}
            }
        }
    }
}

fn parse(block: &str) -> Option<Item> {
    let mut event = String::from("message");
    let mut id = None;
    let mut data = Vec::new();
    let mut comment = None;
    for line in block.lines() {
        if let Some(text) = line.strip_prefix(':') {
            comment = Some(text.trim().to_owned());
        } else if let Some((field, value)) = line.split_once(':') {
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => event = value.to_owned(),
                "id" => id = Some(value.to_owned()),
                "data" => data.push(value.to_owned()),
                _ => {}
            }
        }
    }
    if data.is_empty() {
        comment.map(Item::Comment)
    } else {
        Some(Item::Event {
            event,
            id,
            data: data.join("\n"),
        })
    }
}

//! An incremental reader of Server-Sent Events from an upstream's byte stream: bytes in, whole
//! events out, with a bound on how much an unfinished event may buffer.

/// One event: its `event:` type, if any, and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field.
    pub event: Option<String>,
    /// The `data:` field.
    pub data: String,
}

impl SseEvent {
    /// An event with data only.
    pub fn data(data: &str) -> Self {
        Self {
            event: None,
            data: data.to_owned(),
        }
    }
}

/// The largest event accepted, in bytes; a longer one means the upstream is not speaking SSE.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// Splits a byte stream into events.
#[derive(Debug, Default)]
pub struct SseReader {
    buffer: Vec<u8>,
}

fn parse(block: &str) -> Option<SseEvent> {
    let mut event = SseEvent::default();
    let mut has_data = false;
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event.event = Some(value.to_owned()),
            "data" => {
                if has_data {
                    event.data.push('\n');
                }
                event.data.push_str(value);
                has_data = true;
            }
            _ => {}
        }
    }
    has_data.then_some(event)
}

impl SseReader {
    /// Feeds bytes; returns the events they complete.
    ///
    /// # Errors
    /// An event longer than [`MAX_EVENT_BYTES`], or one that is not UTF-8.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, String> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        loop {
            let end = find_blank_line(&self.buffer);
            let Some((at, separator)) = end else { break };
            let block: Vec<u8> = self.buffer.drain(..at + separator).collect();
            let text = std::str::from_utf8(&block[..at]).map_err(|_| "a stream event is not UTF-8".to_owned())?;
            events.extend(parse(text));
        }
        if self.buffer.len() > MAX_EVENT_BYTES {
            return Err("a stream event is too long".into());
        }
        Ok(events)
    }
}

/// Where the first blank line (`\n\n` or `\r\n\r\n`) starts, and its length.
fn find_blank_line(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buffer.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_reads_are_joined() {
        let mut reader = SseReader::default();
        assert!(reader.push(b"event: message_start\ndata: {\"a\"").unwrap().is_empty());
        let events = reader.push(b":1}\n\n: comment\n\ndata: x\r\n\r\ndata: y\n").unwrap();
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: Some("message_start".into()),
                    data: "{\"a\":1}".into()
                },
                SseEvent::data("x"),
            ]
        );
        assert_eq!(reader.push(b"\n").unwrap(), vec![SseEvent::data("y")]);
    }

    #[test]
    fn an_endless_event_is_refused() {
        let mut reader = SseReader::default();
        assert!(reader.push(&vec![b'a'; MAX_EVENT_BYTES + 1]).is_err());
    }
}

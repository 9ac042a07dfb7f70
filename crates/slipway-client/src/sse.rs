//! A Server-Sent Events parser for the watch stream: bytes in, events out, by the rules of the
//! HTML event-stream format (lines ending in LF, CRLF or CR; a blank line ends an event; `:`
//! starts a comment; `retry:` takes milliseconds).

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// `event:` (`message` when absent).
    pub event: String,
    /// `id:` of this event, if it set one.
    pub id: Option<String>,
    /// The `data:` lines joined by `\n`.
    pub data: String,
}

/// What a chunk of the stream held.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Complete events, in order.
    pub events: Vec<SseEvent>,
    /// The last `retry:` hint seen, in milliseconds.
    pub retry_ms: Option<u64>,
}

/// Incremental parser: feed chunks as they arrive.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    pending: Vec<u8>,
    event: Option<String>,
    id: Option<String>,
    data: Vec<String>,
    /// A CR ended the previous chunk: an LF starting this one belongs to it.
    after_cr: bool,
}

/// The most a single line may hold before the stream is refused: a whole configuration fits.
pub(crate) const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

impl SseParser {
    /// Parses a chunk; `Err` when a line grows past [`MAX_LINE_BYTES`].
    pub fn push(&mut self, chunk: &[u8]) -> Result<Parsed, String> {
        let mut parsed = Parsed::default();
        let mut bytes = chunk;
        if self.after_cr && bytes.first() == Some(&b'\n') {
            bytes = &bytes[1..];
        }
        self.after_cr = false;
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' || b == b'\r' {
                self.pending.extend_from_slice(&bytes[start..i]);
                let line = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
                self.line(&line, &mut parsed);
                if b == b'\r' {
                    if i + 1 < bytes.len() {
                        if bytes[i + 1] == b'\n' {
                            i += 1;
                        }
                    } else {
                        self.after_cr = true;
                    }
                }
                start = i + 1;
            }
            i += 1;
        }
        self.pending.extend_from_slice(&bytes[start.min(bytes.len())..]);
        if self.pending.len() > MAX_LINE_BYTES {
            return Err("a line of the watch stream is too long".into());
        }
        Ok(parsed)
    }

    fn line(&mut self, line: &str, parsed: &mut Parsed) {
        if line.is_empty() {
            let event = self.event.take();
            let id = self.id.take();
            if !self.data.is_empty() {
                parsed.events.push(SseEvent {
                    event: event.unwrap_or_else(|| "message".into()),
                    id,
                    data: std::mem::take(&mut self.data).join("\n"),
                });
            }
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "id" => self.id = Some(value.to_owned()),
            "data" => self.data.push(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse() {
                    parsed.retry_ms = Some(ms);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Parsed {
        let mut parser = SseParser::default();
        let mut out = Parsed::default();
        for chunk in chunks {
            let parsed = parser.push(chunk).unwrap();
            out.events.extend(parsed.events);
            out.retry_ms = parsed.retry_ms.or(out.retry_ms);
        }
        out
    }

    #[test]
    fn events_ids_data_and_retry_are_read_across_chunk_boundaries() {
        let parsed = all(&[
            b"retry: 2000\n\nevent: con",
            b"fig\nid: \"e1\"\ndata: {\"a\":\n",
            b"data: 1}\n\n: keep-alive\n\n",
        ]);
        assert_eq!(parsed.retry_ms, Some(2000));
        assert_eq!(
            parsed.events,
            vec![SseEvent {
                event: "config".into(),
                id: Some("\"e1\"".into()),
                data: "{\"a\":\n1}".into()
            }]
        );
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_even_when_split() {
        let parsed = all(&[b"data: a\r", b"\n\r", b"\ndata: b\r\r"]);
        let data: Vec<_> = parsed.events.iter().map(|e| e.data.as_str()).collect();
        assert_eq!(data, ["a", "b"]);
        assert_eq!(parsed.events[0].event, "message");
    }

    #[test]
    fn comments_and_empty_events_dispatch_nothing() {
        assert!(all(&[b": keep-alive\n\nevent: config\n\n"]).events.is_empty());
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut parser = SseParser::default();
        let big = vec![b'x'; MAX_LINE_BYTES + 1];
        assert!(parser.push(&big).is_err());
    }
}

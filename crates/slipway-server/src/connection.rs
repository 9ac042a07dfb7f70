//! What one HTTP connection is doing, for its deadlines: waiting for a request's headers (the
//! header-read timeout runs), serving requests (no deadline: the request timeout and the
//! streams' own keep-alives govern), or idle between requests (the idle timeout runs).
//!
//! hyper's own header-read timer also starts when a keep-alive connection goes idle, so it
//! cannot tell "slow headers" from "idle"; this clock does, from three events: bytes read while
//! idle (a request begins), a request handed to the router (its headers are complete), and a
//! response body dropped by hyper (the response is done). [`TrackedIo`] reports the first (and
//! holds the connection's slot in the connection limit for as long as the socket lives, an
//! upgraded WebSocket included), [`RequestGuard`] the other two.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit};
use tokio::time::Instant;

/// The two deadlines of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// From the first byte of a request (or the connection's opening) to its complete headers.
    pub header_read: Duration,
    /// Between the end of one response and the first byte of the next request.
    pub idle: Duration,
}

/// Where a connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// A request's headers are expected, since `since`.
    AwaitingHeaders { since: Instant },
    /// This many requests are being served (HTTP/1 serves one at a time; the count keeps the
    /// bookkeeping right whatever order hyper drops things in).
    Serving { requests: usize },
    /// Nothing in flight and nothing received, since `since`.
    Idle { since: Instant },
}

/// The shared clock of one connection.
#[derive(Debug)]
pub struct ConnectionClock {
    deadlines: Deadlines,
    phase: Mutex<Phase>,
    changed: Notify,
}

impl ConnectionClock {
    /// The clock of a connection accepted now: its first request's headers are due within the
    /// header-read timeout.
    pub fn new(deadlines: Deadlines) -> Arc<Self> {
        Arc::new(Self {
            deadlines,
            phase: Mutex::new(Phase::AwaitingHeaders { since: Instant::now() }),
            changed: Notify::new(),
        })
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        // The phase is a plain value that is never left half-written.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection is to be closed unless something happens first; `None` while a
    /// request is being served.
    pub fn deadline(&self) -> Option<Instant> {
        match *self.phase() {
            Phase::AwaitingHeaders { since } => Some(since + self.deadlines.header_read),
            Phase::Idle { since } => Some(since + self.deadlines.idle),
            Phase::Serving { .. } => None,
        }
    }

    /// Completes when the phase changes (a change before the call is not lost).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Bytes arrived: while idle, they start a request, whose headers are now due.
    fn received(&self) {
        let mut phase = self.phase();
        if matches!(*phase, Phase::Idle { .. }) {
            *phase = Phase::AwaitingHeaders { since: Instant::now() };
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request's headers are complete and it goes to the router.
    pub fn request_started(self: &Arc<Self>) -> RequestGuard {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Serving { requests } => Phase::Serving { requests: requests + 1 },
            Phase::AwaitingHeaders { .. } | Phase::Idle { .. } => Phase::Serving { requests: 1 },
        };
        drop(phase);
        self.changed.notify_one();
        RequestGuard {
            clock: Arc::clone(self),
        }
    }

    fn request_finished(&self) {
        let mut phase = self.phase();
        if let Phase::Serving { requests } = *phase {
            *phase = if requests > 1 {
                Phase::Serving { requests: requests - 1 }
            } else {
                Phase::Idle { since: Instant::now() }
            };
        }
        drop(phase);
        self.changed.notify_one();
    }
}

/// One request in flight: dropped with its response body (or with the request, if it never
/// produced a response), which makes the connection idle again.
#[derive(Debug)]
pub struct RequestGuard {
    clock: Arc<ConnectionClock>,
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.clock.request_finished();
    }
}

/// A response body that holds its request's [`RequestGuard`] until hyper is done with it, so a
/// stream (the watch endpoint) keeps its connection out of the idle timeout for its whole life.
#[derive(Debug)]
pub struct TrackedBody {
    inner: Body,
    _guard: RequestGuard,
}

impl TrackedBody {
    /// Wraps `inner`.
    pub fn new(inner: Body, guard: RequestGuard) -> Self {
        Self { inner, _guard: guard }
    }
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The accepted socket, reporting reads to the clock and holding the connection's slot.
#[derive(Debug)]
pub struct TrackedIo {
    stream: TcpStream,
    clock: Arc<ConnectionClock>,
    _slot: OwnedSemaphorePermit,
}

impl TrackedIo {
    /// Wraps an accepted `stream` that occupies `slot` of the connection limit.
    pub fn new(stream: TcpStream, clock: Arc<ConnectionClock>, slot: OwnedSemaphorePermit) -> Self {
        Self {
            stream,
            clock,
            _slot: slot,
        }
    }
}

impl AsyncRead for TrackedIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.received();
        }
        polled
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEADLINES: Deadlines = Deadlines {
        header_read: Duration::from_secs(10),
        idle: Duration::from_secs(60),
    };

    /// Runs `step` and checks that the deadline it leaves is `after` from the moment it ran.
    fn assert_deadline_after(clock: &ConnectionClock, after: Duration, step: impl FnOnce()) {
        let before = Instant::now();
        step();
        let done = Instant::now();
        let deadline = clock.deadline().expect("a deadline");
        assert!(
            deadline >= before + after && deadline <= done + after,
            "deadline {:?} after the step, expected {after:?}",
            deadline - before
        );
    }

    #[test]
    fn headers_are_due_from_the_opening_then_idle_time_runs_between_requests() {
        let before = Instant::now();
        let clock = ConnectionClock::new(DEADLINES);
        let due = clock.deadline().unwrap();
        assert!(due >= before + DEADLINES.header_read && due <= Instant::now() + DEADLINES.header_read);

        let request = clock.request_started();
        assert_eq!(clock.deadline(), None, "no deadline while a request is served");
        assert_deadline_after(&clock, DEADLINES.idle, || drop(request));

        assert_deadline_after(&clock, DEADLINES.header_read, || clock.received());
        // More bytes of the same headers do not push the deadline back.
        let due = clock.deadline();
        std::thread::sleep(Duration::from_millis(5));
        clock.received();
        assert_eq!(clock.deadline(), due);
    }

    #[test]
    fn bytes_read_while_serving_change_nothing_and_counts_balance() {
        let clock = ConnectionClock::new(DEADLINES);
        let first = clock.request_started();
        clock.received();
        assert_eq!(clock.deadline(), None, "request bodies are not headers");
        let second = clock.request_started();
        drop(first);
        assert_eq!(clock.deadline(), None, "one request is still in flight");
        assert_deadline_after(&clock, DEADLINES.idle, || drop(second));
    }

    #[tokio::test]
    async fn changes_wake_the_watcher_even_when_they_come_first() {
        let clock = ConnectionClock::new(DEADLINES);
        let guard = clock.request_started();
        // The notification is kept for the next wait.
        tokio::time::timeout(Duration::from_secs(5), clock.changed())
            .await
            .unwrap();
        drop(guard);
        tokio::time::timeout(Duration::from_secs(5), clock.changed())
            .await
            .unwrap();
    }
}

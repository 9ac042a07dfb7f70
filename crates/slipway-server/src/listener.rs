//! The HTTP/1 accept loop (in place of `axum::serve`, which has no timeouts or limits): at most
//! `max_connections` connections at once — the next one is accepted only when a slot frees, so
//! extra clients wait in the kernel's accept queue (and beyond its backlog, the kernel refuses
//! them) rather than costing memory here — each served on its own task with the header-read
//! and idle deadlines of [`connection`](crate::connection), the peer address put into every
//! request as [`ConnectInfo`], and WebSocket upgrades. On shutdown it stops accepting, asks every
//! connection to finish its request in flight and close, and returns once every connection
//! (upgraded WebSockets included, which end on the same signal) is gone.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::connection::{ConnectionClock, Deadlines, TrackedBody, TrackedIo};
use crate::shutdown::ShutdownSignal;

/// The listener's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerOptions {
    /// Header-read and idle deadlines of every connection.
    pub deadlines: Deadlines,
    /// Connections served at once (at least 1).
    pub max_connections: u32,
}

/// Accepts and serves connections until `shutdown` fires, then waits for them to finish.
pub async fn serve(listener: TcpListener, router: Router, options: ListenerOptions, shutdown: ShutdownSignal) {
    let max = options.max_connections.max(1);
    // u32 always fits usize on the platforms Slipway builds for.
    let slots = Arc::new(Semaphore::new(usize::try_from(max).unwrap_or(usize::MAX)));
    let mut stop = shutdown.clone();
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = stop.wait() => break,
        };
        // The semaphore is never closed.
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
            () = stop.wait() => break,
        };
        let clock = ConnectionClock::new(options.deadlines);
        let io = TrackedIo::new(stream_with_nodelay(stream), Arc::clone(&clock), slot);
        tokio::spawn(serve_connection(io, peer, clock, router.clone(), shutdown.clone()));
    }
    drop(listener);
    tracing::debug!("no longer accepting connections; waiting for open ones to finish");
    // Every open connection holds a slot: having them all back means every connection is gone.
    let _all_closed = slots.acquire_many(max).await;
}

fn stream_with_nodelay(stream: TcpStream) -> TcpStream {
    // Small responses and SSE events go out at once rather than waiting on Nagle's algorithm.
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "cannot set TCP_NODELAY");
    }
    stream
}

/// A failed `accept`: a connection that went away before it was accepted is nothing; anything
/// else (out of file descriptors, say) is logged and retried after a pause instead of spinning.
async fn accept_failed(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Serves one connection until it ends, passes its deadline, or the server shuts down.
async fn serve_connection(
    io: TrackedIo,
    peer: SocketAddr,
    clock: Arc<ConnectionClock>,
    router: Router,
    mut shutdown: ShutdownSignal,
) {
    let service = ConnectionService {
        router,
        peer,
        clock: Arc::clone(&clock),
    };
    let mut builder = http1::Builder::new();
    // The clock does this job, telling slow headers from idleness (hyper's timer cannot).
    builder.header_read_timeout(None);
    let mut connection = pin!(builder.serve_connection(TokioIo::new(io), service).with_upgrades());
    let mut draining = false;
    loop {
        let deadline = clock.deadline();
        let expired = async move {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
                return;
            }
            () = clock.changed() => {}
            () = expired => {
                // The deadline was computed before the wait; only a connection still past it
                // (no request started meanwhile) is closed. Dropping it closes the socket.
                if clock.deadline().is_some_and(|at| at <= tokio::time::Instant::now()) {
                    tracing::debug!(%peer, "closing a connection: headers too slow or idle too long");
                    return;
                }
            }
            () = shutdown.wait(), if !draining => {
                // Idle connections close now; one serving a request closes after its response.
                draining = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The router as hyper sees it on one connection.
#[derive(Clone)]
struct ConnectionService {
    router: Router,
    peer: SocketAddr,
    clock: Arc<ConnectionClock>,
}

type ServiceFuture = Pin<Box<dyn Future<Output = Result<Response<TrackedBody>, Infallible>> + Send>>;

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response<TrackedBody>;
    type Error = Infallible;
    type Future = ServiceFuture;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        // hyper calls this as soon as the request's headers are complete.
        let guard = self.clock.request_started();
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let router = self.router.clone();
        Box::pin(async move {
            let response = router.oneshot(request).await?;
            Ok(response.map(|body| TrackedBody::new(body, guard)))
        })
    }
}

//! Graceful shutdown: one trigger (an OS signal in the binary, a handle in tests) that stops
//! accepting connections, ends the streams that would otherwise never finish (the watch stream,
//! GraphQL WebSockets) and lets in-flight requests complete before the database is closed.

use std::sync::Arc;

use tokio::sync::watch;

/// The trigger. Cheap to clone; every clone triggers the same shutdown.
#[derive(Debug, Clone)]
pub struct Shutdown {
    sender: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// A trigger that has not fired.
    pub fn new() -> Self {
        let (sender, _) = watch::channel(false);
        Self {
            sender: Arc::new(sender),
        }
    }

    /// Starts the shutdown (idempotent).
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    /// Whether the shutdown has started.
    pub fn is_triggered(&self) -> bool {
        *self.sender.borrow()
    }

    /// A future-producing view of the trigger, for tasks that must stop.
    pub fn signal(&self) -> ShutdownSignal {
        ShutdownSignal {
            receiver: self.sender.subscribe(),
        }
    }
}

/// What streams and tasks wait on to learn that the server is shutting down.
#[derive(Debug, Clone)]
pub struct ShutdownSignal {
    receiver: watch::Receiver<bool>,
}

impl ShutdownSignal {
    /// Completes once the shutdown has started (at once if it already has).
    pub async fn wait(&mut self) {
        // An error means every trigger is gone, which only happens when the server itself is
        // gone: stopping is right then too.
        let _stopping = self.receiver.wait_for(|stopping| *stopping).await;
    }

    /// Owned version of [`ShutdownSignal::wait`], for `with_graceful_shutdown`.
    pub async fn wait_owned(mut self) {
        self.wait().await;
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
pub async fn os_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received; shutting down"),
        () = terminate => tracing::info!("SIGTERM received; shutting down"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn signals_fire_once_triggered_even_for_late_subscribers() {
        let shutdown = Shutdown::new();
        let early = shutdown.signal();
        assert!(!shutdown.is_triggered());
        let waiter = tokio::spawn(early.wait_owned());
        shutdown.clone().trigger();
        waiter.await.unwrap();
        // A signal taken after the trigger completes at once.
        shutdown.signal().wait().await;
        assert!(shutdown.is_triggered());
    }
}

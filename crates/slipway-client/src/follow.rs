//! One follower per followed environment, on its own task: load the configuration (revalidating
//! with `If-None-Match`), then follow `GET /v1/config/watch` (resuming with `Last-Event-ID`);
//! when the stream drops, wait a backoff with jitter (revalidating on an interval meanwhile) and
//! reconnect. Whatever fails, the last good configuration stays held; the follower only ever
//! replaces it with a newer good one.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::backoff::Backoff;
use crate::shared::{Shared, name_of};
use crate::sse::SseParser;
use crate::{Configuration, Error};

/// The API key or token: sent as a bearer header, never formatted.
#[derive(Clone)]
pub(crate) struct Credential(pub String);

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(redacted)")
    }
}

/// Where and how to ask.
#[derive(Debug)]
pub(crate) struct Endpoint {
    /// The base URL, without a trailing `/`.
    pub base: String,
    pub credential: Credential,
    /// `ORG/PROJECT`, for a JWT.
    pub project: Option<String>,
    pub http: reqwest::Client,
    pub request_timeout: Duration,
    /// A watch stream silent this long (no event, no keep-alive) is taken as dropped.
    pub idle_timeout: Duration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub revalidate_every: Duration,
}

/// How a follower's first load went, for the client's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    Starting,
    Loaded,
    Refused(Error),
}

pub(crate) struct Follower {
    pub shared: Arc<Shared>,
    pub endpoint: Arc<Endpoint>,
    pub environment: Option<String>,
    pub phase: watch::Sender<Phase>,
}

impl Follower {
    /// Follows until `stop`'s sender is dropped (the last clone of the client went away).
    pub async fn run(self, mut stop: watch::Receiver<()>) {
        tokio::select! {
            () = self.follow() => {}
            _ = stop.changed() => {}
        }
    }

    fn name(&self) -> String {
        name_of(self.environment.as_deref())
    }

    async fn follow(&self) {
        let mut backoff = Backoff::new(self.endpoint.backoff_base, self.endpoint.backoff_max);
        loop {
            match self.revalidate().await {
                Ok(()) => {
                    if let Err(error) = self.watch(&mut backoff).await {
                        self.failed(error);
                    }
                }
                Err(error) => self.failed(error),
            }
            self.pause(backoff.next(rand::random())).await;
        }
    }

    /// Waits `delay`, revalidating every `revalidate_every` meanwhile.
    async fn pause(&self, delay: Duration) {
        let deadline = Instant::now() + delay;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            tokio::time::sleep(left.min(self.endpoint.revalidate_every)).await;
            if Instant::now() < deadline
                && let Err(error) = self.revalidate().await
            {
                self.failed(error);
            }
        }
    }

    fn failed(&self, error: Error) {
        self.shared.set_status(&self.name(), |s| {
            s.connected = false;
            s.last_error = Some(error.clone());
        });
        if error.is_definitive() {
            self.phase.send_if_modified(|phase| {
                let first = *phase == Phase::Starting;
                if first {
                    *phase = Phase::Refused(error);
                }
                first
            });
        }
    }

    fn loaded(&self) {
        self.shared.set_status(&self.name(), |s| s.last_error = None);
        self.phase.send_if_modified(|phase| {
            let changed = *phase != Phase::Loaded;
            *phase = Phase::Loaded;
            changed
        });
    }

    fn request(&self, path: &str) -> reqwest::RequestBuilder {
        let mut query = Vec::new();
        if let Some(environment) = &self.environment {
            query.push(("environment", environment.as_str()));
        }
        if let Some(project) = &self.endpoint.project {
            query.push(("project", project.as_str()));
        }
        self.endpoint
            .http
            .get(format!("{}{path}", self.endpoint.base))
            .query(&query)
            .bearer_auth(&self.endpoint.credential.0)
    }

    fn held_etag(&self) -> Option<String> {
        self.shared.get(&self.name()).and_then(|c| c.etag().map(str::to_owned))
    }

    /// `GET /v1/config`, conditional on the held ETag.
    async fn revalidate(&self) -> Result<(), Error> {
        let mut request = self.request("/v1/config").timeout(self.endpoint.request_timeout);
        if let Some(etag) = self.held_etag() {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(|e| Error::transport(&e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            self.loaded();
            return Ok(());
        }
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.map_err(|e| Error::transport(&e))?;
        if !status.is_success() {
            return Err(Error::from_answer(status.as_u16(), &body));
        }
        self.install(&body, etag)?;
        self.loaded();
        Ok(())
    }

    fn install(&self, body: &str, etag: Option<String>) -> Result<(), Error> {
        let value = serde_json::from_str(body).map_err(|e| Error::InvalidResponse { reason: e.to_string() })?;
        let config = Configuration::from_json(value, etag)?;
        self.shared.install(self.environment.as_deref(), config);
        Ok(())
    }

    /// Follows the watch stream until it ends (`Ok`) or fails.
    async fn watch(&self, backoff: &mut Backoff) -> Result<(), Error> {
        let mut request = self.request("/v1/config/watch");
        if let Some(etag) = self.held_etag() {
            request = request.header("last-event-id", etag);
        }
        let connect = tokio::time::timeout(self.endpoint.request_timeout, request.send());
        let mut response = connect
            .await
            .map_err(|_| Error::Unavailable {
                reason: "timed out".into(),
            })?
            .map_err(|e| Error::transport(&e))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(Error::from_answer(status.as_u16(), &body));
        }
        self.shared.set_status(&self.name(), |s| s.connected = true);
        backoff.reset();
        let mut parser = SseParser::default();
        let outcome = loop {
            let chunk = match tokio::time::timeout(self.endpoint.idle_timeout, response.chunk()).await {
                Err(_) => {
                    break Err(Error::Unavailable {
                        reason: "the watch stream went silent".into(),
                    });
                }
                Ok(Err(e)) => break Err(Error::transport(&e)),
                Ok(Ok(None)) => break Ok(()),
                Ok(Ok(Some(chunk))) => chunk,
            };
            let parsed = parser
                .push(&chunk)
                .map_err(|reason| Error::InvalidResponse { reason })?;
            if let Some(ms) = parsed.retry_ms {
                backoff.set_base(Duration::from_millis(ms));
            }
            for event in parsed.events {
                match event.event.as_str() {
                    "config" => self.install(&event.data, event.id)?,
                    "error" => return Err(Error::from_event(&event.data)),
                    _ => {}
                }
            }
        };
        self.shared.set_status(&self.name(), |s| s.connected = false);
        outcome
    }
}

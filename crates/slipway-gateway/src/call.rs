//! The call path: each planned attempt in order, with the route's timeout; a retryable failure
//! (connect error, timeout, 408, 429, 5xx) moves to the target's next retry after a backoff,
//! then to the fallbacks; a target that cannot serve (not deployed, model not enabled, 401/403/
//! 404…) is left for the next target at once; the caller's own mistake (400, 413, 422) ends the
//! call. A stream is committed to once its upstream answers success: it is never switched.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use slipway_domain::call::{Attempt, CallPlan, FailureClass, backoff_ms, classify_status};
use slipway_service::snapshot::EnvironmentView;
use tokio::time::Instant;

use crate::adapters::{self, Upstream};
use crate::answer::{Answer, AnswerBody, AttemptOutcome, AttemptRecord, CallError, Usage};
use crate::request::ChatRequest;
use crate::targets::activation;
use crate::{Gateway, stream};

/// The largest whole answer read from an upstream.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// One call: the environment's view (where providers are found), the plan and the request.
#[derive(Debug)]
pub struct Call<'a> {
    /// What the environment serves.
    pub view: &'a EnvironmentView,
    /// The attempts to make.
    pub plan: CallPlan,
    /// What to send.
    pub request: ChatRequest,
}

type Failure = (AttemptOutcome, FailureClass);

async fn read_limited(response: reqwest::Response) -> Result<Bytes, ()> {
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| ())?;
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

impl Gateway {
    /// Makes the call.
    ///
    /// # Errors
    /// [`CallError::Caller`] when an upstream refused the request as invalid;
    /// [`CallError::AllFailed`] when every attempt failed. Both list the attempts.
    pub async fn call(&self, call: Call<'_>) -> Result<Answer, CallError> {
        let timeout = Duration::from_millis(u64::from(call.plan.timeout_ms));
        let mut attempts = Vec::new();
        let mut skip_retries = false;
        for attempt in &call.plan.attempts {
            if attempt.retry > 0 && skip_retries {
                continue;
            }
            skip_retries = false;
            let backoff = backoff_ms(attempt.retry);
            if backoff > 0 {
                tokio::time::sleep(Duration::from_millis(backoff)).await;
            }
            let started = Instant::now();
            let result = self.attempt(call.view, attempt, &call.request, timeout).await;
            let record = |outcome| AttemptRecord {
                provider: attempt.target.provider.clone(),
                model: attempt.target.model.clone(),
                retry: attempt.retry,
                fallback: attempt.fallback,
                outcome,
                latency: started.elapsed(),
            };
            match result {
                Ok(body) => {
                    attempts.push(record(AttemptOutcome::Succeeded));
                    return Ok(Answer {
                        provider: attempt.target.provider.clone(),
                        model: attempt.target.model.clone(),
                        attempts,
                        body,
                    });
                }
                Err((outcome, class)) => {
                    tracing::info!(
                        provider = %attempt.target.provider,
                        model = %attempt.target.model,
                        retry = attempt.retry,
                        outcome = outcome.label(),
                        "gateway attempt failed"
                    );
                    attempts.push(record(outcome));
                    match (class, outcome) {
                        (FailureClass::Caller, AttemptOutcome::Status(status)) => {
                            return Err(CallError::Caller { status, attempts });
                        }
                        (FailureClass::Retryable, _) => {}
                        _ => skip_retries = true,
                    }
                }
            }
        }
        Err(CallError::AllFailed { attempts })
    }

    async fn attempt(
        &self,
        view: &EnvironmentView,
        attempt: &Attempt,
        request: &ChatRequest,
        timeout: Duration,
    ) -> Result<AnswerBody, Failure> {
        let target = &attempt.target;
        let activation =
            activation(view, &target.provider).ok_or((AttemptOutcome::NotDeployed, FailureClass::Target))?;
        if !activation.models.contains(&target.model) {
            return Err((AttemptOutcome::ModelNotEnabled, FailureClass::Target));
        }
        let adapter =
            adapters::for_kind(activation.provider_kind).ok_or((AttemptOutcome::Unsupported, FailureClass::Target))?;
        let credential = match activation.credential_id() {
            Some(id) => Some(
                self.inner
                    .credentials
                    .get(&self.inner.service, id)
                    .await
                    .map_err(|()| (AttemptOutcome::Credential, FailureClass::Target))?,
            ),
            None => None,
        };
        let upstream = Upstream {
            base_url: &activation.base_url,
            model: &target.model,
            credential: credential.as_deref(),
        };
        let deadline = Instant::now() + timeout;
        let send = adapter.request(&self.inner.client, upstream, request).send();
        let response = match tokio::time::timeout_at(deadline, send).await {
            Err(_) => return Err((AttemptOutcome::Timeout, FailureClass::Retryable)),
            Ok(Err(e)) if e.is_timeout() => return Err((AttemptOutcome::Timeout, FailureClass::Retryable)),
            Ok(Err(_)) => return Err((AttemptOutcome::Connect, FailureClass::Retryable)),
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        if !response.status().is_success() {
            // The body is dropped unread: an upstream's error text never reaches the caller.
            return Err((AttemptOutcome::Status(status), classify_status(status)));
        }
        if request.stream {
            return Ok(AnswerBody::Stream(stream::translate(
                response,
                adapter.translator(&target.model),
                timeout,
            )));
        }
        let body = match tokio::time::timeout_at(deadline, read_limited(response)).await {
            Err(_) => return Err((AttemptOutcome::Timeout, FailureClass::Retryable)),
            Ok(Err(())) => return Err((AttemptOutcome::Connect, FailureClass::Retryable)),
            Ok(Ok(body)) => body,
        };
        let completion = adapter
            .completion(&body, &target.model)
            .map_err(|_| (AttemptOutcome::BadAnswer, FailureClass::Target))?;
        let usage = Usage::from_openai(&completion);
        Ok(AnswerBody::Complete { completion, usage })
    }
}

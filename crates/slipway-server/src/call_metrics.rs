//! Metrics of gateway calls (`POST /v1/prompts/{key}/chat`, `POST /v1/chat/completions`):
//! calls by environment, route, target and outcome; upstream latency per attempt; retries;
//! fallbacks; streamed bytes; tokens the upstreams reported. Labels hold slugs, keys, route and
//! model names (configuration, bounded by it), never a credential or a request's content.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use slipway_gateway::{AttemptOutcome, AttemptRecord, Usage};

use crate::metrics::Histogram;

/// The labels of one call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, EncodeLabelSet)]
pub struct CallLabels {
    /// The environment served.
    pub environment: String,
    /// The route (empty for a call without one).
    pub route: String,
    /// `provider/model` of the last attempt (empty when none was made).
    pub target: String,
    /// `ok`, `caller_error` or `failed`.
    pub outcome: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ProviderLabels {
    provider: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

/// The counters; cheap to update from any task.
#[derive(Debug, Default)]
pub struct CallMetrics {
    calls: Family<CallLabels, Counter>,
    upstream: Family<ProviderLabels, Histogram>,
    retries: Counter,
    fallbacks: Counter,
    streamed_bytes: Counter,
    tokens: Family<KindLabels, Counter>,
}

impl CallMetrics {
    /// Registers every series with `registry`.
    pub(crate) fn register(&self, registry: &mut Registry) {
        registry.register(
            "slipway_gateway_calls",
            "Gateway chat calls, by environment, route, target and outcome",
            self.calls.clone(),
        );
        registry.register(
            "slipway_gateway_upstream_duration_seconds",
            "Time from sending an attempt to its answer's head, by provider",
            self.upstream.clone(),
        );
        registry.register(
            "slipway_gateway_retries",
            "Retries of a target after a retryable failure",
            self.retries.clone(),
        );
        registry.register(
            "slipway_gateway_fallbacks",
            "Fallback targets tried",
            self.fallbacks.clone(),
        );
        registry.register(
            "slipway_gateway_streamed_bytes",
            "Bytes of streamed answers sent to callers",
            self.streamed_bytes.clone(),
        );
        registry.register(
            "slipway_gateway_tokens",
            "Tokens upstreams reported, by kind",
            self.tokens.clone(),
        );
        // Both kinds show from the start, at zero.
        for kind in ["prompt", "completion"] {
            let _ = self.tokens.get_or_create(&KindLabels { kind });
        }
    }

    /// Records a finished call (for a stream: its head) and its attempts.
    pub fn record_call(&self, labels: CallLabels, attempts: &[AttemptRecord]) {
        self.calls.get_or_create(&labels).inc();
        for attempt in attempts {
            if attempt.retry > 0 {
                self.retries.inc();
            }
            if attempt.fallback && attempt.retry == 0 {
                self.fallbacks.inc();
            }
            // Attempts that never reached an upstream have no upstream latency.
            let reached = matches!(
                attempt.outcome,
                AttemptOutcome::Succeeded
                    | AttemptOutcome::Status(_)
                    | AttemptOutcome::Timeout
                    | AttemptOutcome::BadAnswer
            );
            if reached {
                self.upstream
                    .get_or_create(&ProviderLabels {
                        provider: attempt.provider.clone(),
                    })
                    .observe(attempt.latency.as_secs_f64());
            }
        }
    }

    /// Counts bytes sent on a stream.
    pub fn record_streamed(&self, bytes: usize) {
        self.streamed_bytes.inc_by(bytes as u64);
    }

    /// Counts tokens an upstream reported.
    pub fn record_usage(&self, usage: Usage) {
        self.tokens
            .get_or_create(&KindLabels { kind: "prompt" })
            .inc_by(usage.prompt_tokens);
        self.tokens
            .get_or_create(&KindLabels { kind: "completion" })
            .inc_by(usage.completion_tokens);
    }
}

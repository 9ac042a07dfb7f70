//! Metrics of gateway calls (`POST /v1/prompts/{key}/chat`, `POST /v1/chat/completions`):
//! calls by environment, route, target and outcome; upstream latency per attempt; retries;
//! fallbacks; streamed bytes; tokens the upstreams reported. Labels hold slugs, keys, route and
//! model names (configuration, bounded by it), never a credential or a request's content.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use slipway_gateway::{AttemptOutcome, AttemptRecord, Usage};

use crate::metrics::{BUCKETS, Histogram, escape};

/// The labels of one call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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

/// The counters; cheap to update from any task.
#[derive(Debug, Default)]
pub struct CallMetrics {
    calls: Mutex<BTreeMap<CallLabels, u64>>,
    upstream: Mutex<BTreeMap<String, Histogram>>,
    retries: AtomicU64,
    fallbacks: AtomicU64,
    streamed_bytes: AtomicU64,
    prompt_tokens: AtomicU64,
    completion_tokens: AtomicU64,
}

impl CallMetrics {
    /// Records a finished call (for a stream: its head) and its attempts.
    pub fn record_call(&self, labels: CallLabels, attempts: &[AttemptRecord]) {
        *self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(labels)
            .or_default() += 1;
        let mut upstream = self.upstream.lock().unwrap_or_else(PoisonError::into_inner);
        for attempt in attempts {
            if attempt.retry > 0 {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            if attempt.fallback && attempt.retry == 0 {
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
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
                upstream
                    .entry(attempt.provider.clone())
                    .or_default()
                    .observe(attempt.latency.as_secs_f64());
            }
        }
    }

    /// Counts bytes sent on a stream.
    pub fn record_streamed(&self, bytes: usize) {
        self.streamed_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Counts tokens an upstream reported.
    pub fn record_usage(&self, usage: Usage) {
        self.prompt_tokens.fetch_add(usage.prompt_tokens, Ordering::Relaxed);
        self.completion_tokens
            .fetch_add(usage.completion_tokens, Ordering::Relaxed);
    }

    /// Appends the Prometheus text.
    pub fn render(&self, out: &mut String) {
        out.push_str(
            "# HELP slipway_gateway_calls_total Gateway chat calls, by environment, route, target and outcome.\n",
        );
        out.push_str("# TYPE slipway_gateway_calls_total counter\n");
        for (l, count) in self.calls.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let _ = writeln!(
                out,
                "slipway_gateway_calls_total{{environment=\"{}\",route=\"{}\",target=\"{}\",outcome=\"{}\"}} {count}",
                escape(&l.environment),
                escape(&l.route),
                escape(&l.target),
                l.outcome
            );
        }
        out.push_str("# HELP slipway_gateway_upstream_duration_seconds Time from sending an attempt to its answer's head, by provider.\n");
        out.push_str("# TYPE slipway_gateway_upstream_duration_seconds histogram\n");
        for (provider, h) in self.upstream.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let provider = escape(provider);
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "slipway_gateway_upstream_duration_seconds_bucket{{provider=\"{provider}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "slipway_gateway_upstream_duration_seconds_bucket{{provider=\"{provider}\",le=\"+Inf\"}} {}\n\
                 slipway_gateway_upstream_duration_seconds_sum{{provider=\"{provider}\"}} {}\n\
                 slipway_gateway_upstream_duration_seconds_count{{provider=\"{provider}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let counters = [
            (
                "slipway_gateway_retries_total",
                "Retries of a target after a retryable failure.",
                &self.retries,
            ),
            (
                "slipway_gateway_fallbacks_total",
                "Fallback targets tried.",
                &self.fallbacks,
            ),
            (
                "slipway_gateway_streamed_bytes_total",
                "Bytes of streamed answers sent to callers.",
                &self.streamed_bytes,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP slipway_gateway_tokens_total Tokens upstreams reported, by kind.\n# TYPE slipway_gateway_tokens_total counter\n\
             slipway_gateway_tokens_total{{kind=\"prompt\"}} {}\nslipway_gateway_tokens_total{{kind=\"completion\"}} {}",
            self.prompt_tokens.load(Ordering::Relaxed),
            self.completion_tokens.load(Ordering::Relaxed)
        );
    }
}

//! A latency histogram whose observations are a few relaxed atomic additions (no lock, unlike
//! `prometheus_client`'s own histogram, which takes a mutex per observation): the request path
//! records into it on every request.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::encoding::{EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::{MetricType, TypedMetric};

/// Upper bounds (seconds) of the buckets, the same for every latency Slipway measures.
pub(crate) const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// Observations counted per bucket of [`BUCKETS`] (plus the implicit `+Inf`). Cheap to clone:
/// clones share their counts.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Observations that fell in each bucket alone (made cumulative by the encoder); the last
    /// slot is `+Inf`.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    count: AtomicU64,
    /// The sum in microseconds, so that it adds atomically as an integer.
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one observation of `seconds`.
    pub fn observe(&self, seconds: f64) {
        let slot = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.inner.buckets[slot].fetch_add(1, Ordering::Relaxed);
        self.inner.count.fetch_add(1, Ordering::Relaxed);
        // Saturating float-to-int conversion: a negative or NaN duration adds nothing.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "saturating by design"
        )]
        let micros = (seconds * 1e6).round() as u64;
        self.inner.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

impl TypedMetric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;
}

impl EncodeMetric for Histogram {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        // The encoder takes each bucket's own count and makes them cumulative itself.
        let mut count = 0;
        let mut buckets = Vec::with_capacity(BUCKETS.len() + 1);
        for (bound, slot) in BUCKETS
            .iter()
            .chain(std::iter::once(&f64::INFINITY))
            .zip(&self.inner.buckets)
        {
            let n = slot.load(Ordering::Relaxed);
            count += n;
            buckets.push((*bound, n));
        }
        #[allow(clippy::cast_precision_loss, reason = "a sum of latencies far below 2^52 µs")]
        let sum = self.inner.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        // The count is the buckets' total, so that it agrees with `+Inf` within one scrape.
        encoder.encode_histogram::<NoLabelSet>(sum, count, &buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Histogram
    }
}

#[cfg(test)]
mod tests {
    use prometheus_client::registry::Registry;

    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_sum_adds_up() {
        let histogram = Histogram::default();
        histogram.observe(0.002);
        histogram.observe(0.2);
        histogram.observe(60.0);
        let mut registry = Registry::default();
        registry.register("latency_seconds", "Test latency", histogram);
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &registry).unwrap();
        assert!(text.contains("latency_seconds_bucket{le=\"0.001\"} 0\n"), "{text}");
        assert!(text.contains("latency_seconds_bucket{le=\"0.0025\"} 1\n"), "{text}");
        assert!(text.contains("latency_seconds_bucket{le=\"0.25\"} 2\n"), "{text}");
        assert!(text.contains("latency_seconds_bucket{le=\"10\"} 2\n"), "{text}");
        assert!(text.contains("latency_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(text.contains("latency_seconds_count 3\n"), "{text}");
        assert!(text.contains("latency_seconds_sum 60.202\n"), "{text}");
    }
}

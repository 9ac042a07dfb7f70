//! The write-path driver: `writers` threads, each on its own prompt, repeat the full cycle a
//! team runs — publish a version to staging, promote it to prod, have the approver approve it —
//! and check that the release ends `DEPLOYED`. It counts completed cycles, failed ones (with the
//! first error kept for the report) and each cycle's latency.

use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde_json::json;

use super::graphql::Caller;
use super::seed::{PROJECT, prompt_content};

/// What a write-path run measured.
pub struct WriteSample {
    pub cycles_per_sec: f64,
    /// Microseconds.
    pub p50: f64,
    /// Microseconds.
    pub p99: f64,
    pub failed: u64,
    pub first_error: Option<String>,
}

/// Who drives the cycles.
pub struct Writers<'a> {
    pub address: SocketAddr,
    pub org: &'a str,
    pub author: &'a str,
    pub approver: &'a str,
    pub writers: usize,
}

/// Runs the cycle for `duration`.
///
/// # Errors
/// When a writer cannot connect at all.
pub fn run(w: &Writers<'_>, duration: Duration) -> Result<WriteSample> {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let results = thread::scope(|scope| {
        let handles: Vec<_> = (1..=w.writers)
            .map(|n| scope.spawn(move || writer(w, n, deadline)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a writer panicked"))))
            .collect::<Vec<_>>()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = Vec::new();
    let mut failed = 0;
    let mut first_error = None;
    for result in results {
        let (times, fails, error) = result?;
        latencies.extend(times);
        failed += fails;
        first_error = first_error.or(error);
    }
    latencies.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    Ok(WriteSample {
        cycles_per_sec: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
        failed,
        first_error,
    })
}

type WriterResult = Result<(Vec<f64>, u64, Option<String>)>;

fn writer(w: &Writers<'_>, n: usize, deadline: Instant) -> WriterResult {
    let mut author = Caller::new(w.address, w.author)?;
    let mut approver = Caller::new(w.address, w.approver)?;
    let key = format!("w{n}");
    let mut times = Vec::new();
    let mut failed = 0;
    let mut first_error = None;
    // Distinct from any earlier run's content on a reused database.
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut round = 0usize;
    while Instant::now() < deadline {
        round += 1;
        let start = Instant::now();
        match cycle(w, &mut author, &mut approver, &key, &format!("{salt}-{round}")) {
            Ok(()) => times.push(start.elapsed().as_secs_f64() * 1e6),
            Err(e) => {
                failed += 1;
                first_error.get_or_insert_with(|| format!("{e:#}"));
                // A connection may be mid-response after an IO error: start afresh.
                author = Caller::new(w.address, w.author)?;
                approver = Caller::new(w.address, w.approver)?;
            }
        }
    }
    Ok((times, failed, first_error))
}

fn cycle(w: &Writers<'_>, author: &mut Caller, approver: &mut Caller, key: &str, revision: &str) -> Result<()> {
    let scope = json!({"org": w.org, "project": PROJECT, "key": key});
    let mut content = prompt_content(key, 0);
    content["messages"][0]["content"] = json!(format!("You are {key}, revision {revision}. Greet {{{{name}}}}."));
    let mut publish = scope.clone();
    publish["content"] = content;
    author.run(
        "mutation($org: String!, $project: String!, $key: String!, $content: JSON!) {
           createPromptVersion(org: $org, project: $project, key: $key, content: $content, publishTo: [\"staging\"]) { version { number } } }",
        &publish,
    )?;
    let release = author.run(
        "mutation($org: String!, $project: String!, $key: String!) {
           promote(org: $org, project: $project, source: \"staging\", target: \"prod\", resources: [{kind: PROMPT, key: $key}]) { id state } }",
        &scope,
    )?;
    let id = release["promote"]["id"].clone();
    let approved = approver.run(
        "mutation($id: ID!) { approveRelease(id: $id) { state } }",
        &json!({"id": id}),
    )?;
    match approved["approveRelease"]["state"].as_str() {
        Some("DEPLOYED") => Ok(()),
        other => bail!("the approved release is {other:?}, not DEPLOYED"),
    }
}

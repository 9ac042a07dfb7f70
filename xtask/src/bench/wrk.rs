//! Runs `wrk` against one URL and reads what it prints: throughput, the latency percentiles
//! (`--latency`) and the count of failed or non-2xx/3xx answers, which void a round.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// One load: where, how (headers, an optional Lua script for POST bodies) and how hard.
#[derive(Clone)]
pub struct Load {
    pub url: String,
    pub headers: Vec<String>,
    pub script: Option<String>,
    pub connections: u32,
}

/// What one `wrk` round measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub requests_per_sec: f64,
    /// Microseconds.
    pub p50: f64,
    /// Microseconds.
    pub p99: f64,
    /// Socket errors plus answers that were not 2xx/3xx.
    pub errors: u64,
}

/// Runs one round of `load` for `duration`.
///
/// # Errors
/// When `wrk` cannot run or prints nothing this module understands.
pub fn run(load: &Load, duration: Duration, scripts: &Path) -> Result<Sample> {
    let threads = load.connections.min(2);
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency");
    for header in &load.headers {
        command.arg("-H").arg(header);
    }
    if let Some(script) = &load.script {
        command.arg("-s").arg(scripts.join(script));
    }
    command.arg(&load.url);
    let output = command.output().context("could not run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk failed: {}{}", text, String::from_utf8_lossy(&output.stderr));
    }
    parse(&text).with_context(|| format!("could not read wrk's output:\n{text}"))
}

fn parse(text: &str) -> Result<Sample> {
    let mut sample = Sample::default();
    let mut seen_rate = false;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", rate] => {
                sample.requests_per_sec = rate.parse()?;
                seen_rate = true;
            }
            ["50%", value] => sample.p50 = micros(value)?,
            ["99%", value] => sample.p99 = micros(value)?,
            ["Non-2xx", "or", "3xx", "responses:", n] => sample.errors += n.parse::<u64>()?,
            ["Socket", "errors:", rest @ ..] => {
                // "connect 0, read 0, write 0, timeout 0"
                for pair in rest.chunks(2) {
                    if let [_, n] = pair {
                        sample.errors += n.trim_end_matches(',').parse::<u64>()?;
                    }
                }
            }
            _ => {}
        }
    }
    if !seen_rate {
        bail!("no Requests/sec line");
    }
    Ok(sample)
}

/// `wrk`'s durations (`812.00us`, `1.20ms`, `2.01s`) in microseconds.
fn micros(value: &str) -> Result<f64> {
    let split = value
        .find(|c: char| c.is_ascii_alphabetic())
        .with_context(|| format!("no unit in {value}"))?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse()?;
    Ok(match unit {
        "us" => number,
        "ms" => number * 1e3,
        "s" => number * 1e6,
        "m" => number * 60e6,
        _ => bail!("unknown unit in {value}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let text = "Running 1s test @ http://127.0.0.1:1/v1/config
  2 threads and 16 connections
  Latency Distribution
     50%  512.00us
     75%    1.00ms
     90%    1.50ms
     99%    2.25ms
  64000 requests in 1.00s, 800.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:  64000.50
Transfer/sec:    800.00MB
";
        let sample = parse(text).unwrap();
        assert!((sample.requests_per_sec - 64000.5).abs() < 1e-6);
        assert!((sample.p50 - 512.0).abs() < 1e-6);
        assert!((sample.p99 - 2250.0).abs() < 1e-6);
        assert_eq!(sample.errors, 6);
        assert!(parse("nothing").is_err());
    }
}

//! The bench's results: each comparison with its target, printed as a table and written to
//! `BENCHMARKS.md` (the command, the machine, the date, each target met or missed by how much).
//! The hand-written profile note at the end of an existing `BENCHMARKS.md` is kept.

use std::fmt::Write as _;
use std::process::Command;

use super::writes::WriteSample;
use super::wrk::Sample;

/// The heading from which `BENCHMARKS.md` is written by hand and kept across runs.
pub const NOTES_HEADING: &str = "## Where the read path's time goes";

/// What a comparison must show to meet its target.
#[derive(Clone, Copy)]
pub enum Goal {
    /// Slipway's throughput at least this share of the reference's, and (when set) its p99 at
    /// most this multiple of the reference's.
    Ratio { throughput: f64, p99: Option<f64> },
    /// The gateway's overhead over calling the upstream directly: a throughput floor (req/s)
    /// and ceilings on the added p50 and p99 (µs).
    Overhead {
        min_rps: Option<f64>,
        added_p50: Option<f64>,
        added_p99: Option<f64>,
    },
}

/// One measurement against its reference, averaged over the interleaved rounds.
pub struct Comparison {
    pub name: String,
    pub reference: String,
    pub target: Sample,
    pub baseline: Sample,
    pub goal: Goal,
}

/// One write-path measurement.
pub struct WriteRow {
    pub name: String,
    pub sample: WriteSample,
    /// Cycles per second to reach (at 4 writers), if any.
    pub floor: Option<f64>,
}

fn ms(us: f64) -> String {
    format!("{:.2}", us / 1e3)
}

impl Comparison {
    fn ratio(&self) -> f64 {
        if self.baseline.requests_per_sec > 0.0 {
            self.target.requests_per_sec / self.baseline.requests_per_sec
        } else {
            0.0
        }
    }

    /// The verdict: met or missed by how much (or why not measured).
    fn verdict(&self) -> String {
        if self.target.errors > 0 || self.baseline.errors > 0 {
            return format!(
                "void: {} failed answers (reference {})",
                self.target.errors, self.baseline.errors
            );
        }
        let mut missed = Vec::new();
        let mut goals = Vec::new();
        match self.goal {
            Goal::Ratio { throughput, p99 } => {
                goals.push(format!("≥{throughput}× req/s"));
                if self.ratio() < throughput {
                    missed.push(format!("req/s {:.2}× < {throughput}×", self.ratio()));
                }
                if let Some(limit) = p99 {
                    goals.push(format!("p99 ≤{limit}×"));
                    let p99_ratio = self.target.p99 / self.baseline.p99.max(1.0);
                    if p99_ratio > limit {
                        missed.push(format!("p99 {p99_ratio:.2}× > {limit}×"));
                    }
                }
            }
            Goal::Overhead {
                min_rps,
                added_p50,
                added_p99,
            } => {
                if let Some(floor) = min_rps {
                    goals.push(format!("≥{floor:.0} req/s"));
                    if self.target.requests_per_sec < floor {
                        missed.push(format!(
                            "{:.0} req/s is {:.2}× of it",
                            self.target.requests_per_sec,
                            self.target.requests_per_sec / floor
                        ));
                    }
                }
                let added = |a: f64, b: f64| (a - b).max(0.0);
                if let Some(limit) = added_p50 {
                    goals.push(format!("+p50 <{} ms", ms(limit)));
                    let got = added(self.target.p50, self.baseline.p50);
                    if got >= limit {
                        missed.push(format!("+p50 {} ms", ms(got)));
                    }
                }
                if let Some(limit) = added_p99 {
                    goals.push(format!("+p99 <{} ms", ms(limit)));
                    let got = added(self.target.p99, self.baseline.p99);
                    if got >= limit {
                        missed.push(format!("+p99 {} ms", ms(got)));
                    }
                }
            }
        }
        if missed.is_empty() {
            format!("met ({})", goals.join(", "))
        } else {
            format!("MISSED: {} (target {})", missed.join("; "), goals.join(", "))
        }
    }
}

impl WriteRow {
    fn verdict(&self) -> String {
        let failures = if self.sample.failed > 0 {
            format!(
                "; {} failed cycles, first: {}",
                self.sample.failed,
                self.sample.first_error.as_deref().unwrap_or("?")
            )
        } else {
            String::new()
        };
        match self.floor {
            Some(floor) if self.sample.cycles_per_sec >= floor && self.sample.failed == 0 => {
                format!("met (≥{floor:.0}/s)")
            }
            Some(floor) => format!(
                "MISSED: {:.2}× of ≥{floor:.0}/s{failures}",
                self.sample.cycles_per_sec / floor
            ),
            None => format!("(reported){failures}"),
        }
    }
}

/// The read and chat comparisons as a Markdown table.
pub fn table(rows: &[Comparison]) -> String {
    let mut out = String::from(
        "| measurement | reference | Slipway req/s | reference req/s | ratio | Slipway p50 / p99 ms | reference p50 / p99 ms | target |\n\
         |---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.0} | {:.2}× | {} / {} | {} / {} | {} |",
            r.name,
            r.reference,
            r.target.requests_per_sec,
            r.baseline.requests_per_sec,
            r.ratio(),
            ms(r.target.p50),
            ms(r.target.p99),
            ms(r.baseline.p50),
            ms(r.baseline.p99),
            r.verdict()
        );
    }
    out
}

/// The write-path runs as a Markdown table.
pub fn write_table(rows: &[WriteRow]) -> String {
    let mut out = String::from(
        "| write path (publish → promote → approve → deployed) | cycles/s | p50 ms | p99 ms | target |\n\
         |---|---:|---:|---:|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {} | {} | {} |",
            r.name,
            r.sample.cycles_per_sec,
            ms(r.sample.p50),
            ms(r.sample.p99),
            r.verdict()
        );
    }
    out
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| {
            let text = if o.stdout.is_empty() { o.stderr } else { o.stdout };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

/// The machine, as the report names it.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!(
        "{cpu}, {cores} cores; {} ; {}; {}",
        first_line("uname", &["-sr"]),
        first_line("nginx", &["-v"]),
        first_line("wrk", &["-v"])
    )
}

/// Everything `BENCHMARKS.md` says, up to the kept notes.
pub struct Document<'a> {
    pub command: &'a str,
    pub method: &'a str,
    pub reads: &'a [Comparison],
    pub writes: &'a [WriteRow],
    pub notes: &'a [String],
    pub micro: &'a str,
}

/// Renders the document; `kept` is the hand-written tail of the previous file.
pub fn render(doc: &Document<'_>, kept: Option<&str>) -> String {
    let date = first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let mut out = format!(
        "# Benchmarks\n\n\
         Written by `{}` — do not edit above the last section by hand (the next run rewrites it).\n\n\
         - Date: {date}\n- Machine: {}\n- Method: {}\n\n\
         Ratios compare measurements taken in the same run, round by round; absolute figures depend \
         on the machine and on what else runs on it. Targets come from issues 17 (performance) and \
         16 (the gateway's overhead).\n\n\
         ## Reads and the chat path\n\n{}\n",
        doc.command,
        machine(),
        doc.method,
        table(doc.reads)
    );
    let _ = write!(out, "## Write path\n\n{}\n", write_table(doc.writes));
    if !doc.notes.is_empty() {
        out.push_str("Notes:\n\n");
        for note in doc.notes {
            let _ = writeln!(out, "- {note}");
        }
        out.push('\n');
    }
    let _ = write!(
        out,
        "## In-process micro-benchmarks (`cargo bench -p slipway-service --bench resolution`)\n\n```text\n{}```\n\n",
        doc.micro
    );
    match kept {
        Some(notes) => out.push_str(notes),
        None => {
            let _ = writeln!(out, "{NOTES_HEADING}\n\n(No profile note yet.)");
        }
    }
    out
}

//! `cargo xtask bench [--quick]`: the HTTP benchmarks of issues 17 and 16 against the release
//! binary — each measurement interleaved round by round with its reference (nginx serving the
//! same bytes, or the fake upstream called directly) — then the in-process micro-benchmarks of
//! slipway-service. Prints the tables and writes `BENCHMARKS.md` (`--quick`, a one-minute smoke
//! run, writes `target/bench/BENCHMARKS.quick.md` instead).

mod graphql;
mod http;
mod nginx;
mod process;
mod report;
mod seed;
mod writes;
mod wrk;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::ci::{root, run};
use graphql::Caller;
use http::Connection;
use nginx::{Nginx, RESOURCE_PATH};
use process::Slipway;
use report::{Comparison, Document, Goal, NOTES_HEADING, WriteRow};
use wrk::{Load, Sample};

/// Portkey's best throughput in issue 16's measurement on this machine (req/s); the gateway's
/// target is ten times it.
const PORTKEY_RPS: f64 = 859.0;
/// The most concurrent writers the write path is measured with (its targets are at 4).
const WRITERS: usize = 4;

/// How long and how often each measurement runs.
struct Settings {
    rounds: usize,
    round: Duration,
    writes: Duration,
}

/// Everything one run collects.
#[derive(Default)]
struct Results {
    reads: Vec<Comparison>,
    writes: Vec<WriteRow>,
    notes: Vec<String>,
}

/// Runs the bench; `args` are the words after `bench`.
///
/// # Errors
/// A missing tool (with how to install it), a failed build, seed or measurement.
pub fn bench(args: &[String]) -> Result<()> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => bail!("usage: cargo xtask bench [--quick]"),
    };
    check_tools()?;
    let settings = if quick {
        Settings {
            rounds: 1,
            round: Duration::from_secs(1),
            writes: Duration::from_secs(2),
        }
    } else {
        Settings {
            rounds: 2,
            round: Duration::from_secs(5),
            writes: Duration::from_secs(8),
        }
    };
    // `SLIPWAY_BENCH_BIN` measures a binary built elsewhere (another commit, for a before/after).
    let binary = match std::env::var_os("SLIPWAY_BENCH_BIN") {
        Some(path) if !path.is_empty() => std::path::PathBuf::from(path),
        _ => {
            run("cargo", &["build", "--release", "--locked", "-p", "slipway-server"])?;
            root().join("target/release/slipway")
        }
    };
    let dir = root().join("target/bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("scripts"))?;
    let nginx = Nginx::start(&dir)?;
    let mut results = Results::default();

    {
        let server = Slipway::start(&binary, &dir.join("sqlite"), None)?;
        let org = "bench";
        let keys = prepare(&server, &nginx, org)?;
        reads(&nginx, &server, &keys, "SQLite", &settings, &dir, &mut results)?;
        people(&server, &keys, &settings, &dir, &mut results)?;
        chat(&nginx, &server, &keys, &settings, &dir, &mut results)?;
        write_path(&server, &keys, "SQLite", 500.0, &settings, &mut results)?;
    }
    match std::env::var("SLIPWAY_BENCH_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let server = Slipway::start(&binary, &dir.join("postgres"), Some(&url))?;
            // A fresh organization per run: the database may hold earlier runs.
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let keys = prepare(&server, &nginx, &format!("bench-{stamp}"))?;
            reads(&nginx, &server, &keys, "PostgreSQL", &settings, &dir, &mut results)?;
            write_path(&server, &keys, "PostgreSQL", 300.0, &settings, &mut results)?;
        }
        _ => results.notes.push(
            "PostgreSQL skipped: set SLIPWAY_BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench) to measure it."
                .to_owned(),
        ),
    }
    drop(nginx);

    // The HTTP results are the point of the run: a failed micro-benchmark is reported, not fatal.
    let micro = if quick {
        "(skipped with --quick)\n".to_owned()
    } else {
        micro_benchmarks().unwrap_or_else(|e| format!("(failed: {e:#})\n"))
    };
    let method = format!(
        "wrk, {} interleaved round(s) of {} s per measurement and its reference (reference first in odd rounds); write path {} s per run; \
         slipway with rate limits off and logs at warn; {} prompts live in prod",
        settings.rounds,
        settings.round.as_secs(),
        settings.writes.as_secs(),
        seed::PROMPTS
    );
    let command = if quick {
        "cargo xtask bench --quick"
    } else {
        "cargo xtask bench"
    };
    let document = Document {
        command,
        method: &method,
        reads: &results.reads,
        writes: &results.writes,
        notes: &results.notes,
        micro: &micro,
    };
    let path = if quick {
        dir.join("BENCHMARKS.quick.md")
    } else {
        root().join("BENCHMARKS.md")
    };
    let previous = std::fs::read_to_string(root().join("BENCHMARKS.md")).unwrap_or_default();
    let kept = previous.find(NOTES_HEADING).map(|at| &previous[at..]);
    let text = report::render(&document, kept);
    println!("{}", report::table(&results.reads));
    println!("{}", report::write_table(&results.writes));
    for note in &results.notes {
        println!("note: {note}");
    }
    std::fs::write(&path, text).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!("xtask: wrote {}", path.display());
    Ok(())
}

/// The tools the bench runs, and how to get them.
fn check_tools() -> Result<()> {
    let missing: Vec<&str> = [("nginx", "-v"), ("wrk", "-v")]
        .into_iter()
        .filter(|(tool, flag)| Command::new(tool).arg(flag).output().is_err())
        .map(|(tool, _)| tool)
        .collect();
    if !missing.is_empty() {
        bail!(
            "the bench needs {} on the PATH; on Debian or Ubuntu: `sudo apt-get install -y nginx-light wrk` \
             (nginx is the reference and the fake upstream, wrk the load generator)",
            missing.join(" and ")
        );
    }
    Ok(())
}

/// The credentials and bodies a server's measurements use.
struct Keys {
    org: String,
    api_key: String,
    alice: String,
    bob: String,
    etag: String,
}

/// Seeds `org` on `server` and puts the exact bytes it answers into nginx.
fn prepare(server: &Slipway, nginx: &Nginx, org: &str) -> Result<Keys> {
    let alice = server.token("alice")?;
    let bob = server.token("bob")?;
    // Bob signs in once, so that he exists when Alice adds him.
    Caller::new(server.address, &bob)?.run("{ __typename }", &json!({}))?;
    let seeded = seed::seed(server.address, &alice, org, nginx.address, WRITERS)?;
    let get = |path: &str| -> Result<http::Response> {
        let authorization = format!("Bearer {}", seeded.api_key);
        let response =
            Connection::open(server.address)?.request("GET", path, &[("Authorization", &authorization)], "")?;
        if response.status != 200 {
            bail!("GET {path} answered {}: {}", response.status, response.body);
        }
        Ok(response)
    };
    let config = get("/v1/config?environment=prod")?;
    let resource = get(&format!("{RESOURCE_PATH}?environment=prod"))?;
    nginx.serve(config.body.as_bytes(), resource.body.as_bytes())?;
    eprintln!(
        "xtask: seeded {org}/{}: /v1/config is {} bytes, {RESOURCE_PATH} {} bytes",
        seed::PROJECT,
        config.body.len(),
        resource.body.len()
    );
    Ok(Keys {
        org: org.to_owned(),
        etag: config.header("etag").context("/v1/config sent no ETag")?.to_owned(),
        api_key: seeded.api_key,
        alice,
        bob,
    })
}

fn get(address: impl std::fmt::Display, path: &str, headers: &[String], connections: u32) -> Load {
    Load {
        url: format!("http://{address}{path}"),
        headers: headers.to_vec(),
        script: None,
        connections,
    }
}

/// Runs `target` and `baseline` in alternating rounds and averages each.
fn compare(
    name: String,
    reference: &str,
    target: &Load,
    baseline: &Load,
    goal: Goal,
    settings: &Settings,
    scripts: &Path,
) -> Result<Comparison> {
    eprintln!("xtask: measuring {name} against {reference}");
    let mut t = Vec::new();
    let mut b = Vec::new();
    for round in 0..settings.rounds {
        if round % 2 == 0 {
            b.push(wrk::run(baseline, settings.round, scripts)?);
            t.push(wrk::run(target, settings.round, scripts)?);
        } else {
            t.push(wrk::run(target, settings.round, scripts)?);
            b.push(wrk::run(baseline, settings.round, scripts)?);
        }
    }
    Ok(Comparison {
        name,
        reference: reference.to_owned(),
        target: average(&t),
        baseline: average(&b),
        goal,
    })
}

fn average(samples: &[Sample]) -> Sample {
    let n = samples.len().max(1) as f64;
    Sample {
        requests_per_sec: samples.iter().map(|s| s.requests_per_sec).sum::<f64>() / n,
        p50: samples.iter().map(|s| s.p50).sum::<f64>() / n,
        p99: samples.iter().map(|s| s.p99).sum::<f64>() / n,
        errors: samples.iter().map(|s| s.errors).sum(),
    }
}

/// The gateway reads against nginx, and a 304 against a 200.
fn reads(
    nginx: &Nginx,
    server: &Slipway,
    keys: &Keys,
    store: &str,
    settings: &Settings,
    dir: &Path,
    results: &mut Results,
) -> Result<()> {
    let scripts = dir.join("scripts");
    let key = vec![format!("Authorization: Bearer {}", keys.api_key)];
    let lean = Goal::Ratio {
        throughput: 0.9,
        p99: Some(1.5),
    };
    for (label, path) in [
        ("GET /v1/config", "/v1/config?environment=prod".to_owned()),
        (
            "GET /v1/config/{kind}/{key}",
            format!("{RESOURCE_PATH}?environment=prod"),
        ),
    ] {
        for connections in [2, 16] {
            results.reads.push(compare(
                format!("{label}, {store}, {connections} conn."),
                "nginx, same bytes",
                &get(server.address, &path, &key, connections),
                &get(nginx.address, &path, &[], connections),
                lean,
                settings,
                &scripts,
            )?);
        }
    }
    let mut conditional = key.clone();
    conditional.push(format!("If-None-Match: {}", keys.etag));
    results.reads.push(compare(
        format!("GET /v1/config 304, {store}, 16 conn."),
        "the same 200",
        &get(server.address, "/v1/config?environment=prod", &conditional, 16),
        &get(server.address, "/v1/config?environment=prod", &key, 16),
        Goal::Ratio {
            throughput: 1.05,
            p99: None,
        },
        settings,
        &scripts,
    )?);
    Ok(())
}

/// Writes a wrk script that POSTs `body` as JSON.
fn post_script(dir: &Path, name: &str, body: &str) -> Result<String> {
    if body.contains("]]") {
        bail!("a bench body may not contain `]]` (it goes into a Lua long string)");
    }
    let file = format!("{name}.lua");
    std::fs::write(
        dir.join("scripts").join(&file),
        format!("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{body}]]\n"),
    )?;
    Ok(file)
}

/// GraphQL `resolve` against REST, and a person's REST read against an API key's.
fn people(server: &Slipway, keys: &Keys, settings: &Settings, dir: &Path, results: &mut Results) -> Result<()> {
    let scripts = dir.join("scripts");
    let key = vec![format!("Authorization: Bearer {}", keys.api_key)];
    let query = "query($org: String!, $project: String!) { resolve(org: $org, project: $project, environment: \"prod\") { etag resources { resource { kind key } version { number content } fellBack } } }";
    let variables = json!({"org": keys.org, "project": seed::PROJECT});
    // The API key if GraphQL takes it, else a person's token: the query must answer first.
    let credential = if Caller::new(server.address, &keys.api_key)?
        .run(query, &variables)
        .is_ok()
    {
        ("API key", &keys.api_key)
    } else {
        Caller::new(server.address, &keys.alice)?.run(query, &variables)?;
        results
            .notes
            .push("GraphQL `resolve` was measured with a person's JWT: /graphql refused the API key.".to_owned());
        ("JWT", &keys.alice)
    };
    let script = post_script(
        dir,
        "resolve",
        &json!({"query": query, "variables": variables}).to_string(),
    )?;
    let mut graphql = get(
        server.address,
        "/graphql",
        &[format!("Authorization: Bearer {}", credential.1)],
        16,
    );
    graphql.script = Some(script);
    results.reads.push(compare(
        format!("GraphQL resolve ({}), SQLite, 16 conn.", credential.0),
        "REST /v1/config, API key",
        &graphql,
        &get(server.address, "/v1/config?environment=prod", &key, 16),
        Goal::Ratio {
            throughput: 0.25,
            p99: None,
        },
        settings,
        &scripts,
    )?);
    let person = format!("/v1/config?environment=prod&project={}/{}", keys.org, seed::PROJECT);
    results.reads.push(compare(
        "GET /v1/config, JWT + ?project=, SQLite, 16 conn.".to_owned(),
        "the same with an API key",
        &get(
            server.address,
            &person,
            &[format!("Authorization: Bearer {}", keys.alice)],
            16,
        ),
        &get(server.address, "/v1/config?environment=prod", &key, 16),
        Goal::Ratio {
            throughput: 0.9,
            p99: None,
        },
        settings,
        &scripts,
    )?);
    Ok(())
}

/// `POST /v1/chat/completions` through Slipway against calling the fake upstream directly.
fn chat(
    nginx: &Nginx,
    server: &Slipway,
    keys: &Keys,
    settings: &Settings,
    dir: &Path,
    results: &mut Results,
) -> Result<()> {
    let scripts = dir.join("scripts");
    let key = vec![
        format!("Authorization: Bearer {}", keys.api_key),
        "X-Slipway-Environment: prod".to_owned(),
    ];
    for (streaming, provider, path) in [(false, "fake", "plain"), (true, "fakestream", "stream")] {
        let messages = json!([{"role": "user", "content": "Hello!"}]);
        let through =
            json!({"model": format!("{provider}/{}", seed::MODEL), "messages": messages, "stream": streaming})
                .to_string();
        let direct = json!({"model": seed::MODEL, "messages": messages, "stream": streaming}).to_string();
        // One call first: a refused call would only measure error answers.
        let authorization = format!("Bearer {}", keys.api_key);
        let answer = Connection::open(server.address)?.request(
            "POST",
            "/v1/chat/completions",
            &[
                ("Authorization", &authorization),
                ("X-Slipway-Environment", "prod"),
                ("Content-Type", "application/json"),
            ],
            &through,
        )?;
        let marker = if streaming {
            "[DONE]"
        } else {
            "Hello! How can I help you today?"
        };
        if answer.status != 200 || !answer.body.contains(marker) {
            bail!("the chat call answered {}: {}", answer.status, answer.body);
        }
        let mode = if streaming { "streaming" } else { "non-streaming" };
        let mut target = get(server.address, "/v1/chat/completions", &key, 1);
        target.script = Some(post_script(dir, &format!("chat-{path}"), &through)?);
        let mut baseline = get(nginx.address, &format!("/{path}/v1/chat/completions"), &[], 1);
        baseline.script = Some(post_script(dir, &format!("direct-{path}"), &direct)?);
        for connections in [1, 16, 64] {
            target.connections = connections;
            baseline.connections = connections;
            let goal = match connections {
                1 => Goal::Overhead {
                    min_rps: None,
                    added_p50: Some(300.0),
                    added_p99: Some(1000.0),
                },
                16 => Goal::Overhead {
                    min_rps: Some(10.0 * PORTKEY_RPS),
                    added_p50: None,
                    added_p99: Some(2000.0),
                },
                _ => Goal::Overhead {
                    min_rps: Some(10.0 * PORTKEY_RPS),
                    added_p50: None,
                    added_p99: None,
                },
            };
            results.reads.push(compare(
                format!("POST /v1/chat/completions, {mode}, {connections} conn."),
                "the fake upstream directly",
                &target,
                &baseline,
                goal,
                settings,
                &scripts,
            )?);
        }
    }
    Ok(())
}

/// Write-path cycles per second at 1 and [`WRITERS`] writers.
fn write_path(
    server: &Slipway,
    keys: &Keys,
    store: &str,
    floor: f64,
    settings: &Settings,
    results: &mut Results,
) -> Result<()> {
    for writers in [1, WRITERS] {
        eprintln!("xtask: measuring the write path, {store}, {writers} writer(s)");
        let sample = writes::run(
            &writes::Writers {
                address: server.address,
                org: &keys.org,
                author: &keys.alice,
                approver: &keys.bob,
                writers,
            },
            settings.writes,
        )?;
        results.writes.push(WriteRow {
            name: format!("{store}, {writers} writer(s)"),
            sample,
            floor: (writers == WRITERS).then_some(floor),
        });
    }
    Ok(())
}

/// The in-process micro-benchmarks' output.
fn micro_benchmarks() -> Result<String> {
    eprintln!("xtask: $ cargo bench --locked -p slipway-service --bench resolution");
    let output = Command::new("cargo")
        .args(["bench", "--locked", "-p", "slipway-service", "--bench", "resolution"])
        .current_dir(root())
        .output()
        .context("could not run cargo bench")?;
    if !output.status.success() {
        bail!(
            "the micro-benchmarks failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8(output.stdout)?;
    print!("{text}");
    Ok(text)
}

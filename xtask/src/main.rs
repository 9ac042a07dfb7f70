//! Developer tasks: `cargo xtask ci | test | clients | layering | tidy | schema | openapi | config-reference | web | bench | fuzz`.
//!
//! Kept deliberately small: it shells out to cargo and reads what cargo prints.

mod bench;
mod ci;
mod clients;
mod fuzz;
mod layering;
mod tidy;
mod web;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask <task>\n\n\
         tasks:\n  \
         ci         what CI runs: fmt check, layering and tidy checks, clippy -D warnings, schema, OpenAPI and configuration-reference drift, tests\n  \
         test       the test suites (SQLite always; PostgreSQL too when SLIPWAY_TEST_DATABASE_URL is set),\n             \
         then the Python and TypeScript clients' suites\n  \
         clients    only the Python and TypeScript clients' suites (against a freshly built slipway)\n  \
         layering   fail if a crate depends on what its layer must not use\n  \
         tidy       fail if a Rust module does not start with a `//!` doc\n  \
         schema     rewrite schema.graphql from the code\n  \
         openapi    rewrite openapi.json (the REST endpoints' OpenAPI description) from the code\n  \
         config-reference  rewrite docs/configuration.md (every setting) from its declaration\n  \
         web        the dashboard: npm install, generate GraphQL types, build and embed the bundle\n  \
         bench      the benchmarks (release build, nginx and wrk on loopback): bench [--quick]; writes BENCHMARKS.md\n  \
         fuzz       the domain's fuzz properties at length: fuzz [--cases N (20000)] [FILTER]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci::ci(),
        Some("test") => ci::test(),
        Some("clients") => clients::clients(),
        Some("layering") => layering::check(),
        Some("tidy") => tidy::check(),
        Some("schema") => ci::schema(false),
        Some("openapi") => ci::openapi(false),
        Some("config-reference") => ci::config_reference(false),
        Some("web") => web::build(),
        Some("bench") => bench::bench(&std::env::args().skip(2).collect::<Vec<_>>()),
        Some("fuzz") => fuzz::fuzz(&std::env::args().skip(2).collect::<Vec<_>>()),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

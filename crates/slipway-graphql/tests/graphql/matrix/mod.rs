//! The authorization matrix: every root field of the schema (queries, mutations,
//! subscriptions) × every caller (anonymous, each role, an API key) × the callers' own project
//! and another organization's, each cell asserting the outcome DESIGN.md §2 gives. The schema's
//! root fields are read by introspection, so an operation added without a row (or a row left
//! behind by a removed operation) fails the test by name.

mod requests;
mod table;
mod world;

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use serde_json::{Value, json};

use self::requests::Request;
use self::table::{Outcome, TABLE, check_shape, expected, operation};
use self::world::{CALLERS, Scope, Who, World};

/// How long an allowed subscriber may wait for the event its trigger causes.
const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The outcome a response shows: allowed without errors, else the first error's code.
fn outcome(response: &Value) -> Outcome {
    match response.get("errors").and_then(Value::as_array) {
        None => Outcome::Allowed,
        Some(errors) => {
            let error = &errors[0];
            match error["extensions"]["code"].as_str() {
                Some("FORBIDDEN") => Outcome::Forbidden,
                Some("NOT_FOUND") => Outcome::NotFound,
                Some("UNAUTHENTICATED") => Outcome::Unauthenticated,
                _ => Outcome::Unexpected(error.to_string()),
            }
        }
    }
}

/// Runs one cell: prepares and sends the case's request as `who` in `scope`.
async fn run(w: &World, case: &str, who: Who, scope: Scope) -> Outcome {
    let Some(request) = requests::build(w, case, scope).await else {
        return Outcome::Unexpected(format!("no request builder for {case:?} in matrix/requests.rs"));
    };
    let caller = w.caller(who);
    match request {
        Request::Execute { query, variables } => outcome(&w.h.run(caller, query, variables).await),
        Request::Subscribe {
            query,
            variables,
            trigger,
        } => {
            let mut stream = w.h.schema.execute_stream(w.h.request(caller, query, variables));
            // The first poll starts listening; a refusal may already be there.
            let first = match stream.next().now_or_never() {
                Some(first) => first,
                None => {
                    requests::trigger(w, w.site(scope), trigger).await;
                    match tokio::time::timeout(EVENT_TIMEOUT, stream.next()).await {
                        Ok(next) => next,
                        Err(_) => return Outcome::Unexpected("no event and no error within 5 s".into()),
                    }
                }
            };
            match first {
                Some(response) => outcome(&serde_json::to_value(&response).unwrap()),
                None => Outcome::Unexpected("the stream ended without an event".into()),
            }
        }
    }
}

/// The names of the schema's Query, Mutation and Subscription fields, read by introspection.
async fn root_fields(w: &World) -> BTreeSet<String> {
    let data = w
        .h
        .ok(
            &w.own.owner,
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }",
            json!({}),
        )
        .await;
    let schema = &data["__schema"];
    ["queryType", "mutationType", "subscriptionType"]
        .iter()
        .flat_map(|root| schema[root]["fields"].as_array().unwrap().clone())
        .map(|field| field["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_every_caller_as_designed() {
    check_shape();
    let w = World::build().await;

    let fields = root_fields(&w).await;
    let covered: BTreeSet<String> = TABLE.iter().map(|row| operation(row.0).to_owned()).collect();
    let missing: Vec<&String> = fields.difference(&covered).collect();
    let stale: Vec<&String> = covered.difference(&fields).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the authorization matrix (tests/graphql/matrix/table.rs) is out of date: \
         operations without a row: {missing:?}; rows naming no operation: {stale:?}"
    );

    let mut wrong = Vec::new();
    let mut cells = 0;
    for row in TABLE {
        for scope in [Scope::Own, Scope::Other] {
            for who in CALLERS {
                let want = expected(row, who, scope);
                let got = run(&w, row.0, who, scope).await;
                cells += 1;
                if got != want {
                    wrong.push(format!(
                        "{} × {who:?} × {scope:?}: expected {want:?}, got {got:?}",
                        row.0
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells disagree with DESIGN.md §2:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

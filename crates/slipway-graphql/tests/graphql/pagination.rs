//! Relay pagination: pages follow `endCursor`, any edge's cursor resumes right after it, and
//! the last page says so.

use serde_json::{Value, json};

use crate::harness::{Harness, PUBLISH, prompt};

const VERSIONS: &str = r#"query($first: Int, $after: String) {
  project(org: "acme", slug: "chat") {
    resource(kind: PROMPT, key: "greeting") {
      versions(first: $first, after: $after) {
        edges { cursor node { number } }
        pageInfo { hasNextPage hasPreviousPage endCursor }
      }
    }
  }
}"#;

fn numbers(page: &Value) -> Vec<u64> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["number"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_page_by_cursor() {
    let h = Harness::start().await;
    let (alice, _, dave) = h.acme().await;
    for n in 2..=5 {
        h.ok(&alice, PUBLISH, json!({"content": prompt(&format!("v{n}")), "to": []}))
            .await;
    }
    let page = |first: i64, after: Option<String>| {
        let h = &h;
        let dave = &dave;
        async move {
            let data = h.ok(dave, VERSIONS, json!({"first": first, "after": after})).await;
            data["project"]["resource"]["versions"].clone()
        }
    };

    let first = page(2, None).await;
    assert_eq!(numbers(&first), [5, 4], "newest first");
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let end = first["pageInfo"]["endCursor"].as_str().unwrap().to_owned();

    let second = page(2, Some(end)).await;
    assert_eq!(numbers(&second), [3, 2]);
    let third = page(2, second["pageInfo"]["endCursor"].as_str().map(str::to_owned)).await;
    assert_eq!(numbers(&third), [1]);
    assert_eq!(third["pageInfo"]["hasNextPage"], false);

    // A cursor from the middle of a page resumes right after its edge.
    let middle = first["edges"][0]["cursor"].as_str().unwrap().to_owned();
    let resumed = page(3, Some(middle)).await;
    assert_eq!(numbers(&resumed), [4, 3, 2]);
    assert_eq!(resumed["pageInfo"]["hasNextPage"], true);

    // Page sizes and cursors are checked.
    let err = h.error(Some(&dave), VERSIONS, json!({"first": 0})).await;
    assert_eq!(
        (err["extensions"]["code"].clone(), err["extensions"]["field"].clone()),
        (json!("VALIDATION"), json!("first"))
    );
    let err = h
        .error(Some(&dave), VERSIONS, json!({"first": 2, "after": "garbage"}))
        .await;
    assert_eq!(err["extensions"]["field"], "after");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_pages_newest_first() {
    let h = Harness::start().await;
    let (alice, ..) = h.acme().await;
    let data = h
        .ok(
            &alice,
            r#"{ auditLog(org: "acme", project: "chat", first: 2) { edges { node { action actor actorUser { subject } } } pageInfo { hasNextPage } } }"#,
            json!({}),
        )
        .await;
    let log = &data["auditLog"];
    assert_eq!(log["edges"][0]["node"]["action"], "version.publish");
    assert_eq!(log["edges"][0]["node"]["actorUser"]["subject"], "alice");
    assert_eq!(log["pageInfo"]["hasNextPage"], true);
}

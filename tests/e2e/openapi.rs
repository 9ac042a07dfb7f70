//! `openapi.json`: the committed description of the REST endpoints is the one the code
//! generates, and the running server answers as it says (paths routed, statuses documented,
//! bodies with the documented fields and no others).

use serde_json::Value;

use crate::helpers::{api_key, fixture, publish_prompt, spawn_app};

fn committed() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi.json is committed at the root");
    assert_eq!(
        text,
        slipway_server::openapi::document_text(),
        "openapi.json is out of date: run `cargo xtask openapi`"
    );
    serde_json::from_str(&text).unwrap()
}

/// The documented properties of a schema, checked against a body: every required one present,
/// nothing undocumented.
fn assert_matches_schema(doc: &Value, schema: &str, body: &Value) {
    let schema = &doc["components"]["schemas"][schema];
    let properties = schema["properties"].as_object().unwrap();
    for required in schema["required"].as_array().unwrap() {
        let name = required.as_str().unwrap();
        assert!(body.get(name).is_some(), "the body lacks required `{name}`: {body}");
    }
    for name in body.as_object().unwrap().keys() {
        assert!(properties.contains_key(name), "`{name}` is not documented: {body}");
    }
}

#[tokio::test]
async fn every_documented_endpoint_answers_with_a_documented_status() {
    let doc = committed();
    let app = spawn_app().await;
    let f = fixture(&app, "openapi-org", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["prod"]).await;
    let key = api_key(&app, &f, &["prod"]).await;
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 5, "three gateway endpoints and two health checks");
    for (path, item) in paths {
        let url = path.replace("{kind}", "prompt").replace("{key}", "greeting");
        let responses = item["get"]["responses"].as_object().unwrap();
        for bearer in [Some(key.as_str()), None] {
            let response = if path.ends_with("/watch") {
                let mut request = app.client.get(app.url(&url));
                if let Some(bearer) = bearer {
                    request = request.bearer_auth(bearer);
                }
                request.send().await.unwrap()
            } else {
                app.get(&url, bearer).await
            };
            let status = response.status().as_u16().to_string();
            assert!(
                responses.contains_key(&status),
                "{path} answered {status}, which is not documented"
            );
            let secured = item["get"].get("security").is_none();
            if bearer.is_none() {
                assert_eq!(status == "401", secured, "{path} without credentials answered {status}");
            } else {
                assert_eq!(status, "200", "{path} with the key");
            }
        }
    }
}

#[tokio::test]
async fn the_configuration_bodies_hold_exactly_the_documented_fields() {
    let doc = committed();
    let app = spawn_app().await;
    let f = fixture(&app, "openapi-body", "shop").await;
    publish_prompt(&app, &f, "greeting", "v1", &["staging"]).await;
    let key = api_key(&app, &f, &[]).await;
    let config: Value = app
        .get("/v1/config?environment=staging", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_matches_schema(&doc, "Config", &config);
    assert_matches_schema(&doc, "Entry", &config["resources"][0]);
    let entry: Value = app
        .get("/v1/config/prompt/greeting?environment=staging", Some(&key))
        .await
        .json()
        .await
        .unwrap();
    assert_matches_schema(&doc, "Entry", &entry);
    let missing = app
        .get("/v1/config/prompt/nothing?environment=staging", Some(&key))
        .await;
    assert_eq!(missing.status(), 404);
    let error: Value = missing.json().await.unwrap();
    assert_matches_schema(&doc, "Error", &error);
    let code = error["error"]["code"].as_str().unwrap();
    let codes = &doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"];
    assert!(
        codes.as_array().unwrap().iter().any(|c| c == code),
        "{code} is documented"
    );
}

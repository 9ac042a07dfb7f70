//! The dashboard as the binary serves it: the page at `/` under a strict Content-Security-Policy
//! and never cached, hashed assets cached for a year, gzip/brotli only for a client that accepts
//! them (GraphiQL's vendored assets included), deep links that load the app while API paths
//! keep their JSON answers, and `slipway token --link`.

use std::io::Read;
use std::process::Command;

use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn get(app: &TestApp, path: &str, headers: &[(reqwest::header::HeaderName, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The `/assets/…` paths `index.html` loads, scripts first.
fn bundle_paths(index: &str) -> Vec<String> {
    let mut paths: Vec<String> = index
        .split('"')
        .filter(|s| s.starts_with("/assets/"))
        .map(str::to_owned)
        .collect();
    paths.sort_by_key(|p| !p.ends_with(".js"));
    paths
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut plain).unwrap();
    plain
}

#[tokio::test]
async fn the_root_serves_the_dashboard_uncached_under_a_strict_content_security_policy() {
    let app = spawn_app().await;
    let response = get(&app, "/", &[(ACCEPT, BROWSER_ACCEPT)]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(header(&response, CACHE_CONTROL), "no-cache");
    let csp = header(&response, reqwest::header::CONTENT_SECURITY_POLICY);
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(header(&response, reqwest::header::X_FRAME_OPTIONS), "DENY");
    let body = response.text().await.unwrap();
    assert!(body.contains(r#"<div id="root"></div>"#), "{body}");
    assert!(!body.contains("<script>"), "no inline script: {body}");
    app.finish().await;
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_unknown_ones_are_a_json_not_found() {
    let app = spawn_app().await;
    let index = get(&app, "/", &[]).await.text().await.unwrap();
    let paths = bundle_paths(&index);
    assert!(
        paths.iter().any(|p| p.ends_with(".js")) && paths.iter().any(|p| p.ends_with(".css")),
        "{paths:?}"
    );
    for path in &paths {
        let response = get(&app, path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{path}"
        );
        let kind = if path.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(header(&response, CONTENT_TYPE).starts_with(kind), "{path}");
        assert_eq!(header(&response, reqwest::header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    }
    let missing = get(&app, "/assets/index-00000000.js", &[(ACCEPT, BROWSER_ACCEPT)]).await;
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "NOT_FOUND");
    app.finish().await;
}

#[tokio::test]
async fn dashboard_and_graphiql_assets_are_compressed_only_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let index = get(&app, "/", &[]).await.text().await.unwrap();
    let script = bundle_paths(&index).into_iter().next().unwrap();
    for path in [script.as_str(), "/graphiql/graphiql.min.js"] {
        let plain = get(&app, path, &[]).await;
        assert_eq!(
            header(&plain, CONTENT_ENCODING),
            "",
            "{path}: no Accept-Encoding, plain"
        );
        let plain = plain.bytes().await.unwrap();
        assert!(!plain.starts_with(&[0x1f, 0x8b]), "{path}: a plain body");

        for refusal in ["identity", "gzip;q=0, identity", "br;q=0, gzip;q=0"] {
            let response = get(&app, path, &[(ACCEPT_ENCODING, refusal)]).await;
            assert_eq!(header(&response, CONTENT_ENCODING), "", "{path} with {refusal}");
            assert_eq!(response.bytes().await.unwrap(), plain, "{path} with {refusal}");
        }

        let gzipped = get(&app, path, &[(ACCEPT_ENCODING, "gzip")]).await;
        assert_eq!(header(&gzipped, CONTENT_ENCODING), "gzip", "{path}");
        assert!(
            header(&gzipped, VARY).to_lowercase().contains("accept-encoding"),
            "{path}"
        );
        assert_eq!(gunzip(&gzipped.bytes().await.unwrap()), plain, "{path}: the same file");
    }
    // A plain-stored asset is brotli-compressed for a client that prefers it.
    let brotli = get(&app, &script, &[(ACCEPT_ENCODING, "br")]).await;
    assert_eq!(header(&brotli, CONTENT_ENCODING), "br");
    app.finish().await;
}

#[tokio::test]
async fn deep_links_load_the_app_while_api_paths_keep_their_answers() {
    let app = spawn_app().await;
    let index = get(&app, "/", &[]).await.text().await.unwrap();
    for path in [
        "/signin",
        "/orgs/acme/projects/support-bot/settings/environments",
        "/releases/123",
    ] {
        let response = get(&app, path, &[(ACCEPT, BROWSER_ACCEPT)]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            !header(&response, reqwest::header::CONTENT_SECURITY_POLICY).is_empty(),
            "{path}"
        );
        assert_eq!(response.text().await.unwrap(), index, "{path}");
    }
    // An API client (no text/html in Accept) still gets the JSON not-found.
    let response = get(&app, "/orgs/acme", &[(ACCEPT, "application/json")]).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "NOT_FOUND");
    // The server's own paths never turn into the page, even for a browser.
    for path in ["/v1/nothing", "/v1/config/prompt", "/graphiql/nothing.js", "/metrics/x"] {
        let response = get(&app, path, &[(ACCEPT, BROWSER_ACCEPT)]).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(header(&response, CONTENT_TYPE).contains("json"), "{path}");
    }
    let graphiql = get(&app, "/graphql", &[(ACCEPT, BROWSER_ACCEPT)])
        .await
        .text()
        .await
        .unwrap();
    assert!(graphiql.contains("Slipway GraphiQL"), "GET /graphql is still GraphiQL");
    let health = get(&app, "/healthz", &[(ACCEPT, BROWSER_ACCEPT)]).await;
    assert_eq!(health.status(), 200);
    // Writes to a page path are refused as before.
    let post = app
        .client
        .post(app.url("/orgs/acme"))
        .header(ACCEPT, BROWSER_ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
    app.finish().await;
}

#[tokio::test]
async fn token_link_signs_in_through_the_fragment_with_a_token_the_server_accepts() {
    let app = spawn_app().await;
    let run = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_slipway"));
        for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SLIPWAY_")) {
            command.env_remove(name);
        }
        let output = command
            .env("SLIPWAY_DATA_DIR", &app.settings.data_dir)
            .env("SLIPWAY_LOG", "warn")
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    let link = run(&["token", "--sub", "alice", "--name", "Alice", "--link"]);
    assert!(link.starts_with("http://127.0.0.1:8080/signin#token="), "{link}");
    let token = link.split_once("#token=").unwrap().1;
    let data = app
        .gql(token, "{ viewer { user { subject name } } }", Value::Null)
        .await;
    assert_eq!(data["viewer"]["user"]["subject"], "alice");
    assert_eq!(data["viewer"]["user"]["name"], "Alice");

    let behind_proxy = run(&[
        "token",
        "--sub",
        "alice",
        "--link",
        "--base-url",
        "https://slipway.example.com/",
    ]);
    assert!(
        behind_proxy.starts_with("https://slipway.example.com/signin#token="),
        "{behind_proxy}"
    );
    app.finish().await;
}

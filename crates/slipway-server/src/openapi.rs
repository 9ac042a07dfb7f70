//! The OpenAPI 3.1 description of the REST endpoints (`/v1/config`, `/v1/config/{kind}/{key}`,
//! the watch stream, health): what client libraries and API tools read. `slipway openapi` prints
//! it, `cargo xtask openapi` writes it to `openapi.json`, and CI fails when the committed file
//! drifts from this code. The resource kinds and the watch stream's retry hint are taken from the
//! code that uses them; the paths are the router's (`app.rs`), and the end-to-end suite checks
//! that the running server routes each of them and answers only documented statuses and fields.

use serde_json::{Map, Value, json};
use slipway_domain::ResourceKind;

use crate::watch::RETRY_HINT;

/// The paths documented, as the router writes them (`app.rs`).
const CONFIG_PATH: &str = "/v1/config";
const WATCH_PATH: &str = "/v1/config/watch";
const RESOURCE_PATH: &str = "/v1/config/{kind}/{*key}";
const HEALTHZ_PATH: &str = "/healthz";
const READYZ_PATH: &str = "/readyz";

/// The error codes a REST endpoint can answer with, and when.
const ERROR_CODES: &[(&str, &str)] = &[
    ("UNAUTHENTICATED", "no credentials, or credentials that do not verify"),
    ("FORBIDDEN", "the API key may not read that environment"),
    (
        "NOT_FOUND",
        "unknown project, environment or resource (or one the caller may not see)",
    ),
    (
        "VALIDATION",
        "a malformed query string or path (the `field` says which)",
    ),
    (
        "RATE_LIMITED",
        "over a request budget; `Retry-After` says when to come back",
    ),
    (
        "UNAVAILABLE",
        "storage unreachable, shutting down, or the request took too long",
    ),
    ("INTERNAL", "an unexpected failure (the message is masked)"),
];

/// The OpenAPI document, as pretty-printed JSON ending in a newline (the committed file's
/// exact text).
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}

/// The OpenAPI document.
pub fn document() -> Value {
    // The router writes the tail as `{*key}` (a key may contain `/`); OpenAPI names it `{key}`.
    let resource_path = RESOURCE_PATH.replace("{*key}", "{key}");
    let mut paths = Map::new();
    paths.insert(CONFIG_PATH.to_owned(), config_path());
    paths.insert(resource_path, resource_path_item());
    paths.insert(WATCH_PATH.to_owned(), watch_path());
    paths.insert(
        HEALTHZ_PATH.to_owned(),
        health_path("healthz", "The process answers.", "ok"),
    );
    paths.insert(READYZ_PATH.to_owned(), readyz_path());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Slipway gateway REST API",
            "version": "1",
            "description": "What is live in an environment: every active version, one resource, or a \
                stream of changes. Authenticate with an API key (`Authorization: Bearer slw_…`; its \
                project is implied) or a JWT (then `project=ORG/PROJECT` is required). Answers carry \
                an `ETag`; `If-None-Match` with it answers 304.",
        },
        "paths": paths,
        "components": components(),
        "security": [{ "bearer": [] }],
    })
}

fn environment_parameter() -> Value {
    json!({
        "name": "environment", "in": "query", "required": false,
        "description": "The environment's slug; the project's gateway fallback environment when absent. \
            An unknown slug is NOT_FOUND, never a silent fallback.",
        "schema": { "type": "string" },
    })
}

fn environment_header_parameter() -> Value {
    json!({
        "name": "X-Slipway-Environment", "in": "header", "required": false,
        "description": "The environment's slug when the query string has no `environment` (the query wins).",
        "schema": { "type": "string" },
    })
}

fn project_parameter() -> Value {
    json!({
        "name": "project", "in": "query", "required": false,
        "description": "`ORG/PROJECT`: required with a JWT; an API key implies its project.",
        "schema": { "type": "string", "pattern": "^[^/]+/[^/]+$" },
    })
}

fn if_none_match_parameter() -> Value {
    json!({
        "name": "If-None-Match", "in": "header", "required": false,
        "description": "An ETag the client holds: 304 when it is still current.",
        "schema": { "type": "string" },
    })
}

fn error_responses(codes: &[u16]) -> Map<String, Value> {
    codes
        .iter()
        .map(|code| {
            let description = match code {
                400 => "VALIDATION",
                401 => "UNAUTHENTICATED",
                403 => "FORBIDDEN",
                404 => "NOT_FOUND",
                429 => "RATE_LIMITED",
                _ => "UNAVAILABLE",
            };
            (
                code.to_string(),
                json!({ "$ref": format!("#/components/responses/{description}") }),
            )
        })
        .collect()
}

fn json_answer(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "headers": { "ETag": { "$ref": "#/components/headers/ETag" } },
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
    })
}

fn not_modified() -> Value {
    json!({
        "description": "The `If-None-Match` ETag is current.",
        "headers": { "ETag": { "$ref": "#/components/headers/ETag" } },
    })
}

fn config_path() -> Value {
    let mut responses = error_responses(&[400, 401, 403, 404, 429, 503]);
    responses.insert(
        "200".into(),
        json_answer("Everything the environment serves.", "Config"),
    );
    responses.insert("304".into(), not_modified());
    json!({ "get": {
        "operationId": "getConfig",
        "summary": "Every active version in an environment",
        "parameters": [environment_parameter(), environment_header_parameter(), project_parameter(), if_none_match_parameter()],
        "responses": responses,
    }})
}

fn resource_path_item() -> Value {
    let kinds: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut responses = error_responses(&[400, 401, 403, 404, 429, 503]);
    responses.insert(
        "200".into(),
        json_answer(
            "The version the environment serves (or, when it has none, the gateway fallback's: \
             `fell_back` is then true).",
            "Entry",
        ),
    );
    responses.insert("304".into(), not_modified());
    json!({ "get": {
        "operationId": "getResource",
        "summary": "One resource as an environment serves it",
        "parameters": [
            { "name": "kind", "in": "path", "required": true, "schema": { "type": "string", "enum": kinds } },
            { "name": "key", "in": "path", "required": true, "description": "The resource key (may contain `/`).",
              "schema": { "type": "string" } },
            environment_parameter(), environment_header_parameter(), project_parameter(), if_none_match_parameter(),
        ],
        "responses": responses,
    }})
}

fn watch_path() -> Value {
    let retry_ms = RETRY_HINT.as_millis();
    let mut responses = error_responses(&[400, 401, 403, 404, 429, 503]);
    responses.insert(
        "200".into(),
        json!({
            "description": format!(
                "A Server-Sent Events stream. First a `retry: {retry_ms}` hint, with the current \
                 configuration as `event: config` (`id:` its ETag, `data:` a Config) unless \
                 `Last-Event-ID` names it; then an `event: config` after each deployment that \
                 changes what the environment serves, and `: keep-alive` comments in between. When \
                 the caller loses access (token expired, key revoked) or the environment goes away, \
                 an `event: error` (`data:` an Error) ends the stream."
            ),
            "content": { "text/event-stream": { "schema": { "type": "string" } } },
        }),
    );
    json!({ "get": {
        "operationId": "watchConfig",
        "summary": "The environment's configuration, pushed on every change",
        "parameters": [
            environment_parameter(), environment_header_parameter(), project_parameter(),
            { "name": "Last-Event-ID", "in": "header", "required": false,
              "description": "The id (ETag) of the last configuration received: not sent again while current.",
              "schema": { "type": "string" } },
        ],
        "responses": responses,
    }})
}

fn health_path(operation: &str, summary: &str, status: &str) -> Value {
    json!({ "get": {
        "operationId": operation,
        "summary": summary,
        "security": [],
        "responses": {
            "200": { "description": summary, "content": { "application/json": { "schema": {
                "type": "object", "required": ["status"],
                "properties": { "status": { "const": status } },
            }}}},
            "503": { "$ref": "#/components/responses/UNAVAILABLE" },
        },
    }})
}

fn readyz_path() -> Value {
    let readiness = json!({
        "type": "object", "required": ["status", "reads", "writes", "snapshots"],
        "properties": {
            "status": { "enum": ["ready", "unavailable"] },
            "reads": { "type": "boolean", "description": "Gateway reads can be served (database or snapshots in memory)." },
            "writes": { "type": "boolean", "description": "The database answers." },
            "snapshots": { "type": "integer", "minimum": 0, "description": "Configuration snapshots held in memory." },
        },
    });
    json!({ "get": {
        "operationId": "readyz",
        "summary": "Whether this instance can serve gateway reads (or, with `for=writes`, also write)",
        "security": [],
        "parameters": [{ "name": "for", "in": "query", "required": false,
                         "schema": { "enum": ["reads", "writes"], "default": "reads" } }],
        "responses": {
            "200": { "description": "Ready for what was asked.",
                     "content": { "application/json": { "schema": readiness.clone() } } },
            "400": { "$ref": "#/components/responses/VALIDATION" },
            "503": { "description": "Not ready for what was asked (the body says what holds), or shutting down (an Error).",
                     "content": { "application/json": { "schema": { "oneOf": [
                         readiness, { "$ref": "#/components/schemas/Error" } ] } } } },
        },
    }})
}

fn components() -> Value {
    let kinds: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
    let codes: Vec<&str> = ERROR_CODES.iter().map(|(code, _)| *code).collect();
    let mut responses = Map::new();
    for (status, code) in [
        (400, "VALIDATION"),
        (401, "UNAUTHENTICATED"),
        (403, "FORBIDDEN"),
        (404, "NOT_FOUND"),
        (429, "RATE_LIMITED"),
        (503, "UNAVAILABLE"),
    ] {
        let when = ERROR_CODES.iter().find(|(c, _)| *c == code).map_or("", |(_, w)| *w);
        let mut response = json!({
            "description": format!("{status} {code}: {when}"),
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
        });
        if status == 429 {
            response["headers"] = json!({ "Retry-After": {
                "description": "Seconds to wait.", "schema": { "type": "integer", "minimum": 1 } } });
        }
        responses.insert(code.to_owned(), response);
    }
    json!({
        "securitySchemes": {
            "bearer": { "type": "http", "scheme": "bearer",
                        "description": "An API key (`slw_…`) or a JWT." },
        },
        "headers": {
            "ETag": { "description": "Changes exactly when the answer changes.", "schema": { "type": "string" } },
        },
        "responses": responses,
        "schemas": {
            "Config": {
                "type": "object",
                "required": ["project_id", "environment", "resources"],
                "properties": {
                    "project_id": { "type": "string", "format": "uuid" },
                    "environment": { "type": "string", "description": "The environment asked for (or the fallback)." },
                    "resources": { "type": "array", "items": { "$ref": "#/components/schemas/Entry" },
                                   "description": "Sorted by kind, then key." },
                },
            },
            "Entry": {
                "type": "object",
                "required": ["kind", "key", "version", "version_id", "content_hash", "content",
                             "environment", "served_from", "fell_back"],
                "properties": {
                    "kind": { "type": "string", "enum": kinds },
                    "key": { "type": "string" },
                    "version": { "type": "integer", "minimum": 1 },
                    "version_id": { "type": "string", "format": "uuid" },
                    "content_hash": { "type": "string", "description": "SHA-256 of the content's canonical JSON." },
                    "content": { "type": "object", "description": "The version's content, as validated for its kind." },
                    "environment": { "type": "string", "description": "The environment asked for." },
                    "served_from": { "type": "string", "description": "The environment whose pointer was used." },
                    "fell_back": { "type": "boolean", "description": "Whether the gateway fallback's pointer was used." },
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": { "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string", "enum": codes },
                        "message": { "type": "string" },
                        "field": { "type": "string", "description": "For VALIDATION: the field at fault." },
                    },
                }},
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        for reference in text.split("\"$ref\":\"#/").skip(1) {
            let pointer = reference.split('"').next().unwrap_or_default();
            assert!(
                doc.pointer(&format!("/{pointer}")).is_some(),
                "dangling $ref #/{pointer}"
            );
        }
    }

    #[test]
    fn the_resource_path_names_its_key_the_openapi_way() {
        let doc = document();
        assert!(doc["paths"]["/v1/config/{kind}/{key}"]["get"].is_object());
        assert!(!document_text().contains("{*key}"));
    }
}

//! Media types of `POST /graphql`, as the GraphQL-over-HTTP specification has them: the body
//! must be `application/json` (any parameters, any case), and the answer is
//! `application/graphql-response+json` when the client's `Accept` asks for it (the mode in which
//! documents refused before execution get `400`), else `application/json` as before.

use axum::http::{HeaderValue, StatusCode};
use serde_json::Value;

/// The media type of GraphQL responses whose status codes carry meaning.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// How a `POST /graphql` is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/json`: every executed or refused document is `200`, as before the
    /// specification (what clients that do not ask for more get).
    Json,
    /// `application/graphql-response+json`: `400` for documents refused before execution.
    GraphqlResponseJson,
}

impl ResponseMedia {
    /// The `Content-Type` of the answer.
    pub fn content_type(self) -> HeaderValue {
        match self {
            Self::Json => HeaderValue::from_static("application/json"),
            Self::GraphqlResponseJson => HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
        }
    }

    /// Chooses from an `Accept` header: `application/graphql-response+json` when it is
    /// acceptable (quality above zero) and no less preferred than `application/json` (directly
    /// or through `application/*` or `*/*`); `application/json` otherwise, including when the
    /// header is absent, unreadable or names nothing we serve.
    pub fn negotiate(accept: Option<&HeaderValue>) -> Self {
        let Some(accept) = accept.and_then(|v| v.to_str().ok()) else {
            return Self::Json;
        };
        let mut graphql_response: Option<f32> = None;
        let mut json: Option<f32> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, value)| value.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            let slot = match essence.as_str() {
                GRAPHQL_RESPONSE_JSON => &mut graphql_response,
                "application/json" | "application/*" | "*/*" => &mut json,
                _ => continue,
            };
            *slot = Some(slot.map_or(quality, |q| q.max(quality)));
        }
        match (graphql_response, json) {
            (Some(g), json) if g > 0.0 && g >= json.unwrap_or(0.0) => Self::GraphqlResponseJson,
            _ => Self::Json,
        }
    }
}

/// The codes of documents refused before execution (slipway-graphql sets them).
const REFUSED_BEFORE_EXECUTION: [&str; 2] = ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"];

/// Whether a serialized GraphQL response is a request error: no data, and only errors raised
/// before execution — a document that does not parse or validate, or whose operation cannot be
/// chosen (async-graphql leaves those without a code; every error of an executed operation has
/// one).
fn is_request_error(response: &Value) -> bool {
    let no_data = response.get("data").is_none_or(Value::is_null);
    let Some(errors) = response.get("errors").and_then(Value::as_array) else {
        return false;
    };
    no_data
        && !errors.is_empty()
        && errors.iter().all(|error| match error.pointer("/extensions/code") {
            None => true,
            Some(code) => code.as_str().is_some_and(|c| REFUSED_BEFORE_EXECUTION.contains(&c)),
        })
}

impl ResponseMedia {
    /// The status of a serialized GraphQL response, and the response to send: with
    /// `application/graphql-response+json`, a request error is `400` without a `data` entry (as
    /// the specification asks); anything else is `200`.
    pub fn answer(self, mut response: Value) -> (StatusCode, Value) {
        if self == Self::GraphqlResponseJson && is_request_error(&response) {
            if let Some(object) = response.as_object_mut() {
                object.remove("data");
            }
            return (StatusCode::BAD_REQUEST, response);
        }
        (StatusCode::OK, response)
    }
}

/// Whether a request body's `Content-Type` is `application/json` (parameters such as
/// `charset=utf-8` allowed, in any case; a missing header is not).
pub fn is_json_body(content_type: Option<&HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> ResponseMedia {
        ResponseMedia::negotiate(Some(&HeaderValue::from_str(value).unwrap()))
    }

    #[test]
    fn only_json_bodies_are_accepted() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON",
            "Application/Json;charset=UTF-8",
            " application/json ",
        ] {
            assert!(is_json_body(Some(&HeaderValue::from_static(ok))), "{ok}");
        }
        for refused in [
            "text/plain",
            "application/graphql",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "application/jsonp",
            "application/json-seq",
            "application/graphql-response+json",
            "",
        ] {
            assert!(!is_json_body(Some(&HeaderValue::from_static(refused))), "{refused}");
        }
        assert!(!is_json_body(None));
    }

    #[test]
    fn only_documents_refused_before_execution_are_400() {
        use serde_json::json;
        let parse =
            json!({ "data": null, "errors": [{ "message": "x", "extensions": { "code": "GRAPHQL_PARSE_FAILED" } }] });
        let validation = json!({ "data": null, "errors": [{ "message": "x", "extensions": { "code": "GRAPHQL_VALIDATION_FAILED" } }] });
        let unknown_operation = json!({ "data": null, "errors": [{ "message": "Unknown operation named \"A\"" }] });
        for refused in [parse, validation, unknown_operation] {
            let (status, body) = ResponseMedia::GraphqlResponseJson.answer(refused.clone());
            assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
            assert!(body.get("data").is_none(), "no data entry: {body}");
            assert_eq!(body["errors"], refused["errors"]);
            assert_eq!(ResponseMedia::Json.answer(refused.clone()), (StatusCode::OK, refused));
        }
        let executed = [
            json!({ "data": { "viewer": null } }),
            json!({ "data": null, "errors": [{ "message": "x", "extensions": { "code": "UNAUTHENTICATED" } }] }),
            json!({ "data": null, "errors": [
                { "message": "x", "extensions": { "code": "GRAPHQL_VALIDATION_FAILED" } },
                { "message": "y", "extensions": { "code": "NOT_FOUND" } }] }),
            json!({ "data": { "a": 1 }, "errors": [{ "message": "x" }] }),
        ];
        for body in executed {
            assert_eq!(
                ResponseMedia::GraphqlResponseJson.answer(body.clone()),
                (StatusCode::OK, body.clone()),
                "{body}"
            );
        }
    }

    #[test]
    fn graphql_response_json_is_chosen_only_when_asked_for() {
        assert_eq!(ResponseMedia::negotiate(None), ResponseMedia::Json);
        assert_eq!(accept("application/json"), ResponseMedia::Json);
        assert_eq!(accept("*/*"), ResponseMedia::Json);
        assert_eq!(accept("text/html"), ResponseMedia::Json);
        assert_eq!(accept(GRAPHQL_RESPONSE_JSON), ResponseMedia::GraphqlResponseJson);
        assert_eq!(
            accept("application/graphql-response+json, application/json"),
            ResponseMedia::GraphqlResponseJson
        );
        assert_eq!(
            accept("application/json;q=0.9, Application/GraphQL-Response+JSON"),
            ResponseMedia::GraphqlResponseJson
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            ResponseMedia::Json
        );
        assert_eq!(accept("application/graphql-response+json;q=0"), ResponseMedia::Json);
        assert_eq!(accept("application/graphql-response+json;q=x"), ResponseMedia::Json);
        assert_eq!(
            accept("application/graphql-response+json;charset=utf-8, */*;q=0.1"),
            ResponseMedia::GraphqlResponseJson
        );
    }
}

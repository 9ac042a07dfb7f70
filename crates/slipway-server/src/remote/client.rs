//! GraphQL over HTTP to a running Slipway, and what can go wrong, each kind with its exit status.

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::Login;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a command failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteError {
    /// The API's error code (`POLICY_VIOLATION`, `FORBIDDEN`, …), or one of this CLI's own:
    /// `USAGE`, `LOCAL` (a file), `UNREACHABLE` (the server did not answer).
    pub code: String,
    /// What to tell the person.
    pub message: String,
}

impl RemoteError {
    pub(super) fn usage(message: String) -> Self {
        Self {
            code: "USAGE".into(),
            message,
        }
    }

    pub(super) fn local(message: String) -> Self {
        Self {
            code: "LOCAL".into(),
            message,
        }
    }

    /// The exit status for this error: 2 usage, 3 a policy refused it, 4 not signed in or not
    /// allowed, 5 not found, 6 a conflict (try again), 7 invalid input, 8 the server could not be
    /// reached or is unavailable, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self.code.as_str() {
            "USAGE" => 2,
            "POLICY_VIOLATION" => 3,
            "UNAUTHENTICATED" | "FORBIDDEN" => 4,
            "NOT_FOUND" => 5,
            "CONFLICT" => 6,
            "VALIDATION" | "GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED" => 7,
            "UNREACHABLE" | "UNAVAILABLE" | "RATE_LIMITED" => 8,
            _ => 1,
        }
    }
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for RemoteError {}

/// A signed-in connection to a server.
pub struct Client {
    http: reqwest::Client,
    login: Login,
}

impl Client {
    /// A client for `login`.
    ///
    /// # Errors
    /// When the HTTP client cannot be set up (no TLS roots).
    pub fn new(login: Login) -> Result<Self, RemoteError> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("slipway-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RemoteError::local(format!("cannot set up HTTP: {e}")))?;
        Ok(Self { http, login })
    }

    /// The sign-in this client uses.
    pub fn login(&self) -> &Login {
        &self.login
    }

    /// Runs `document` with `variables`; its `data`.
    ///
    /// # Errors
    /// The first GraphQL error (with its code), an HTTP failure, or an unreachable server.
    pub async fn run(&self, document: &str, variables: Value) -> Result<Value, RemoteError> {
        let url = format!("{}/graphql", self.login.server);
        let response = self
            .http
            .post(&url)
            .bearer_auth(self.login.token.expose_secret())
            .json(&json!({ "query": document, "variables": variables }))
            .send()
            .await
            .map_err(|e| RemoteError {
                code: "UNREACHABLE".into(),
                message: format!("cannot reach {url}: {}", without_url(e)),
            })?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|_| RemoteError {
            code: "UNREACHABLE".into(),
            message: format!("{url} answered {status} without a GraphQL response: is it a Slipway server?"),
        })?;
        if let Some(error) = body["errors"].as_array().and_then(|errors| errors.first()) {
            return Err(RemoteError {
                code: error["extensions"]["code"].as_str().unwrap_or("INTERNAL").to_owned(),
                message: describe(error),
            });
        }
        if let Some(error) = body.get("error") {
            return Err(RemoteError {
                code: error["code"].as_str().unwrap_or("INTERNAL").to_owned(),
                message: error["message"].as_str().unwrap_or("the request failed").to_owned(),
            });
        }
        Ok(body["data"].clone())
    }
}

/// A GraphQL error's message, with the field or rule it names.
fn describe(error: &Value) -> String {
    let message = error["message"].as_str().unwrap_or("the request failed");
    let extensions = &error["extensions"];
    match (extensions["field"].as_str(), extensions["rule"].as_str()) {
        (Some(field), _) => format!("{message} [field {field}]"),
        (None, Some(rule)) => format!("{message} [rule {rule}]"),
        (None, None) => message.to_owned(),
    }
}

/// reqwest's message without the URL it repeats (which the caller names once), with its cause.
fn without_url(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    if let Some(source) = std::error::Error::source(&error) {
        let cause = source.to_string();
        if !text.contains(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_tell_scripts_what_happened() {
        let code = |c: &str| {
            RemoteError {
                code: c.into(),
                message: String::new(),
            }
            .exit_code()
        };
        assert_eq!(
            [
                code("USAGE"),
                code("POLICY_VIOLATION"),
                code("FORBIDDEN"),
                code("NOT_FOUND"),
                code("CONFLICT"),
                code("VALIDATION"),
                code("UNREACHABLE"),
                code("INTERNAL")
            ],
            [2, 3, 4, 5, 6, 7, 8, 1]
        );
    }

    #[test]
    fn errors_name_their_field_or_rule() {
        let field = json!({ "message": "too long", "extensions": { "code": "VALIDATION", "field": "name" } });
        assert_eq!(describe(&field), "too long [field name]");
        let rule = json!({ "message": "not allowed", "extensions": { "code": "POLICY_VIOLATION", "rule": "allowed_sources" } });
        assert_eq!(describe(&rule), "not allowed [rule allowed_sources]");
    }
}

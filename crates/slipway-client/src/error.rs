//! The client's errors: closed cases a caller can act on. None of them ever holds the API key or
//! token (it is sent in a header and never formatted).

/// Why a read or the client's start failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API key or token was refused (absent, malformed, expired or revoked).
    #[error("unauthenticated: Slipway refused the credentials")]
    Unauthenticated,
    /// The credentials may not read that environment (an API key scoped to others).
    #[error("forbidden: {message}")]
    Forbidden {
        /// The server's explanation.
        message: String,
    },
    /// Unknown project or environment, or a resource that nothing serves.
    #[error("not found: {message}")]
    NotFound {
        /// What was not found.
        message: String,
    },
    /// The server refused the request as malformed (a bad `project`, say).
    #[error("invalid request: {message}")]
    Invalid {
        /// The server's explanation.
        message: String,
    },
    /// Slipway could not be reached or answered that it cannot serve now, and no configuration
    /// is held for the environment (with one held, reads keep serving it instead).
    #[error("Slipway is unavailable: {reason}")]
    Unavailable {
        /// What failed.
        reason: String,
    },
    /// The server answered something this client does not understand.
    #[error("unexpected answer from Slipway: {reason}")]
    InvalidResponse {
        /// What was wrong with it.
        reason: String,
    },
    /// A read pinned an environment that this client does not follow.
    #[error("environment '{0}' is not followed by this client (add it with `ClientBuilder::follow`)")]
    NotFollowed(String),
    /// The bootstrap file or value could not be used.
    #[error("bootstrap configuration unusable: {reason}")]
    Bootstrap {
        /// Why.
        reason: String,
    },
    /// The client's own settings are wrong (a base URL that does not parse, say).
    #[error("client settings: {reason}")]
    Settings {
        /// Which setting and why.
        reason: String,
    },
    /// Rendering a prompt lacked a value for a variable it declares.
    #[error("prompt variable '{name}' was not given")]
    MissingVariable {
        /// The variable.
        name: String,
    },
    /// Rendering a prompt was given a variable it does not declare.
    #[error("'{name}' is not a variable of this prompt")]
    UnknownVariable {
        /// The variable.
        name: String,
    },
}

impl Error {
    /// Whether retrying cannot help until someone changes the credentials or the setup: the
    /// client's start reports these at once instead of waiting out its timeout.
    pub const fn is_definitive(&self) -> bool {
        matches!(
            self,
            Error::Unauthenticated | Error::Forbidden { .. } | Error::NotFound { .. } | Error::Invalid { .. }
        )
    }

    /// The error for an HTTP answer that is not a success, from its status and JSON body
    /// (`{"error": {"code", "message"}}`).
    pub(crate) fn from_answer(status: u16, body: &str) -> Self {
        let message = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| format!("HTTP {status}"));
        match status {
            401 => Error::Unauthenticated,
            403 => Error::Forbidden { message },
            404 => Error::NotFound { message },
            400 | 422 => Error::Invalid { message },
            _ => Error::Unavailable {
                reason: format!("HTTP {status}: {message}"),
            },
        }
    }

    /// The error an `event: error` of the watch stream carries (`{"error": {"code", "message"}}`).
    pub(crate) fn from_event(data: &str) -> Self {
        let value = serde_json::from_str::<serde_json::Value>(data).unwrap_or_default();
        let message = value["error"]["message"]
            .as_str()
            .unwrap_or("the stream ended")
            .to_owned();
        match value["error"]["code"].as_str() {
            Some("UNAUTHENTICATED") => Error::Unauthenticated,
            Some("FORBIDDEN") => Error::Forbidden { message },
            Some("NOT_FOUND") => Error::NotFound { message },
            _ => Error::Unavailable { reason: message },
        }
    }

    /// The error for a request that got no answer.
    pub(crate) fn transport(error: &reqwest::Error) -> Self {
        // Without the URL: it names the server, which the caller knows, and nothing else useful.
        let reason = if error.is_timeout() {
            "timed out".to_owned()
        } else if error.is_connect() {
            "could not connect".to_owned()
        } else {
            "the connection failed".to_owned()
        };
        Error::Unavailable { reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_the_cases_a_caller_acts_on() {
        let body = r#"{"error":{"code":"FORBIDDEN","message":"this API key may not read 'prod'"}}"#;
        assert_eq!(
            Error::from_answer(403, body),
            Error::Forbidden {
                message: "this API key may not read 'prod'".into()
            }
        );
        assert_eq!(Error::from_answer(401, "{}"), Error::Unauthenticated);
        assert!(matches!(Error::from_answer(404, "not json"), Error::NotFound { message } if message == "HTTP 404"));
        assert!(matches!(Error::from_answer(503, "{}"), Error::Unavailable { .. }));
        assert!(matches!(Error::from_answer(429, "{}"), Error::Unavailable { .. }));
        assert!(Error::from_answer(401, "").is_definitive());
        assert!(!Error::from_answer(502, "").is_definitive());
    }
}

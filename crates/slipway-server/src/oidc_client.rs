//! `GET /auth/oidc`: the public half of the dashboard's OpenID Connect client — the issuer, the
//! client id and the scopes to ask for — so that the dashboard can start an authorization code +
//! PKCE sign-in without being built for one provider. Unauthenticated: none of it is secret (a
//! public client has no secret). `{"oidc": null}` when no issuer is configured: the dashboard
//! then offers the embedded default's sign-in link.

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::config::JwtSettings;

/// The path of the endpoint.
pub const PATH: &str = "/auth/oidc";

/// The scopes asked for when none are configured.
pub const DEFAULT_SCOPES: &str = "openid profile email";

/// The endpoint's answer for `jwt`: the issuer, client id and scopes, or `null` without an
/// issuer and client id.
pub fn public_settings(jwt: &JwtSettings) -> Value {
    let (Some(issuer), Some(client_id)) = (&jwt.oidc_issuer, &jwt.oidc_client_id) else {
        return json!({ "oidc": null });
    };
    let scopes: Vec<&str> = jwt
        .oidc_scopes
        .as_deref()
        .unwrap_or(DEFAULT_SCOPES)
        .split_whitespace()
        .collect();
    json!({ "oidc": { "issuer": issuer, "clientId": client_id, "scopes": scopes } })
}

/// The issuer's origin (`scheme://host[:port]`), which the dashboard's page may call, when a
/// public client is configured.
pub fn issuer_origin(jwt: &JwtSettings) -> Option<String> {
    let issuer = jwt.oidc_issuer.as_deref()?;
    jwt.oidc_client_id.as_ref()?;
    let (scheme, rest) = issuer.split_once("://")?;
    let host = rest.split('/').next()?;
    // Only characters a URL's authority holds: nothing that could end the CSP directive.
    host.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        .then(|| format!("{scheme}://{host}"))
}

/// Answers with `settings` (computed once at start).
pub fn respond(settings: &Value) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Json(settings.clone())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_configured_issuer_and_client_are_published() {
        let mut jwt = JwtSettings::default();
        assert_eq!(public_settings(&jwt), json!({ "oidc": null }));
        jwt.oidc_issuer = Some("https://idp.example.com".into());
        assert_eq!(public_settings(&jwt), json!({ "oidc": null }), "no client id yet");
        jwt.oidc_client_id = Some("slipway-dashboard".into());
        assert_eq!(
            public_settings(&jwt)["oidc"],
            json!({ "issuer": "https://idp.example.com", "clientId": "slipway-dashboard",
                    "scopes": ["openid", "profile", "email"] })
        );
        assert_eq!(issuer_origin(&jwt).as_deref(), Some("https://idp.example.com"));
        jwt.oidc_issuer = Some("http://127.0.0.1:4000/realms/acme".into());
        assert_eq!(issuer_origin(&jwt).as_deref(), Some("http://127.0.0.1:4000"));
        jwt.oidc_issuer = Some("https://idp.example.com;script-src *".into());
        assert_eq!(issuer_origin(&jwt), None);
        jwt.oidc_issuer = Some("https://idp.example.com".into());
        jwt.oidc_scopes = Some(" openid  offline_access ".into());
        assert_eq!(
            public_settings(&jwt)["oidc"]["scopes"],
            json!(["openid", "offline_access"])
        );
    }
}

//! Signing in with tokens of an OpenID Connect issuer (the fake of `oidc_issuer.rs`): keys
//! discovered and rotated without a restart, removed keys refused, unknown `kid`s fetching at
//! most once per interval, cached keys serving while the provider is down, `iss`/`aud` checked
//! and `jku` never followed.

use std::time::Duration;

use serde_json::{Value, json};
use slipway_server::Settings;

use crate::helpers::{TestApp, spawn_with};
use crate::oidc_issuer::{CLIENT_ID, EC1_PRIVATE, FakeIssuer, RSA1_PRIVATE, RSA2_PRIVATE, SigningKey};

const VIEWER: &str = "{ viewer { user { subject } } }";

/// A server trusting `issuer`, refreshing every `refresh`, fetching for unknown `kid`s at most
/// once per `min_refresh`.
async fn server(issuer: &FakeIssuer, refresh: Duration, min_refresh: Duration) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path()).unwrap();
    settings.rate_limit.enabled = false;
    settings.jwt.oidc_issuer = Some(issuer.issuer.clone());
    settings.jwt.oidc_client_id = Some(CLIENT_ID.to_owned());
    settings.jwt.jwks_refresh = Some(refresh);
    settings.jwt.jwks_min_refresh = Some(min_refresh);
    spawn_with(settings, Some(dir)).await
}

const HOUR: Duration = Duration::from_secs(3600);

/// The subject the server sees behind `token`, or the error code it answers with.
async fn whoami(app: &TestApp, token: &str) -> Result<String, String> {
    let (_, body) = app.gql_raw(Some(token), VIEWER, json!({})).await;
    match body["data"]["viewer"]["user"]["subject"].as_str() {
        Some(subject) => Ok(subject.to_owned()),
        None => Err(body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("?")
            .to_owned()),
    }
}

async fn gateway_status(app: &TestApp, token: &str) -> u16 {
    app.get("/v1/config?project=nobody/nothing", Some(token))
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_at_once_and_a_removed_one_refused() {
    let k1 = SigningKey::rsa("k1", RSA1_PRIVATE);
    let k2 = SigningKey::rsa("k2", RSA2_PRIVATE);
    let issuer = FakeIssuer::start(vec![k1.clone()]).await;
    let app = server(&issuer, HOUR, HOUR).await;
    assert_eq!(issuer.jwks_fetches(), 1, "the keys are fetched at start");
    let old = k1.sign(&issuer.claims("ada"));
    assert_eq!(whoami(&app, &old).await, Ok("ada".to_owned()));

    issuer.rotate(vec![k2.clone()]);
    let new = k2.sign(&issuer.claims("grace"));
    assert_eq!(whoami(&app, &new).await, Ok("grace".to_owned()), "no restart needed");
    assert_eq!(issuer.jwks_fetches(), 2);
    assert_eq!(whoami(&app, &old).await, Err("UNAUTHENTICATED".to_owned()));
    assert_eq!(gateway_status(&app, &old).await, 401);
    assert_eq!(issuer.jwks_fetches(), 2, "the gate stays closed for the old kid");
    app.finish().await;
}

#[tokio::test]
async fn scheduled_refreshes_follow_the_provider_and_survive_its_outage() {
    let k1 = SigningKey::rsa("k1", RSA1_PRIVATE);
    let e1 = SigningKey::ec("e1", EC1_PRIVATE);
    let issuer = FakeIssuer::start(vec![k1.clone()]).await;
    let app = server(&issuer, Duration::from_millis(100), HOUR).await;
    // A forged kid spends the one on-demand fetch of the hour: what follows is the schedule's.
    let forged = k1.sign_as("forged", &issuer.claims("mallory"), |_| {});
    assert_eq!(whoami(&app, &forged).await, Err("UNAUTHENTICATED".to_owned()));

    issuer.rotate(vec![e1.clone()]);
    let seen = issuer.discovery_fetches();
    issuer.wait_for_discovery_fetches(seen + 2).await;
    let ec_token = e1.sign(&issuer.claims("ada"));
    assert_eq!(
        whoami(&app, &ec_token).await,
        Ok("ada".to_owned()),
        "ES256 key discovered"
    );
    let old = k1.sign(&issuer.claims("ada"));
    assert_eq!(
        whoami(&app, &old).await,
        Err("UNAUTHENTICATED".to_owned()),
        "removed key refused"
    );

    issuer.set_down(true);
    let seen = issuer.discovery_fetches();
    issuer.wait_for_discovery_fetches(seen + 2).await;
    assert_eq!(
        whoami(&app, &ec_token).await,
        Ok("ada".to_owned()),
        "the last good keys serve while the provider is down"
    );
    issuer.set_down(false);
    app.finish().await;
}

#[tokio::test]
async fn forged_kids_fetch_at_most_once_per_interval() {
    let k1 = SigningKey::rsa("k1", RSA1_PRIVATE);
    let issuer = FakeIssuer::start(vec![k1.clone()]).await;
    let app = server(&issuer, HOUR, HOUR).await;
    assert_eq!(issuer.jwks_fetches(), 1);
    let claims = issuer.claims("mallory");
    let attempts = (0..40).map(|i| {
        let token = k1.sign_as(&format!("forged-{i}"), &claims, |_| {});
        let app = &app;
        async move { whoami(app, &token).await }
    });
    for outcome in futures_util::future::join_all(attempts).await {
        assert_eq!(outcome, Err("UNAUTHENTICATED".to_owned()));
    }
    assert_eq!(issuer.jwks_fetches(), 2, "one fetch for forty forged kids");
    // Honest tokens are unaffected.
    assert_eq!(
        whoami(&app, &k1.sign(&issuer.claims("ada"))).await,
        Ok("ada".to_owned())
    );
    app.finish().await;
}

#[tokio::test]
async fn issuer_audience_and_algorithm_are_enforced_and_jku_never_followed() {
    let k1 = SigningKey::rsa("k1", RSA1_PRIVATE);
    let issuer = FakeIssuer::start(vec![k1.clone()]).await;
    let app = server(&issuer, HOUR, HOUR).await;
    let with = |changes: Value| {
        let mut claims = issuer.claims("mallory");
        for (k, v) in changes.as_object().unwrap() {
            claims[k] = v.clone();
        }
        claims
    };
    for (case, token) in [
        ("another issuer", k1.sign(&with(json!({"iss": "http://127.0.0.1:1"})))),
        (
            "an issuer array",
            k1.sign(&with(json!({"iss": [issuer.issuer.clone(), "x"]}))),
        ),
        (
            "a trailing slash",
            k1.sign(&with(json!({"iss": format!("{}/", issuer.issuer)}))),
        ),
        ("another audience", k1.sign(&with(json!({"aud": "another-app"})))),
        ("no audience", {
            let mut claims = issuer.claims("mallory");
            claims.as_object_mut().unwrap().remove("aud");
            k1.sign(&claims)
        }),
        (
            "expired",
            k1.sign(&with(json!({"exp": chrono::Utc::now().timestamp() - 3600}))),
        ),
    ] {
        assert_eq!(whoami(&app, &token).await, Err("UNAUTHENTICATED".to_owned()), "{case}");
        assert_eq!(gateway_status(&app, &token).await, 401, "{case}");
    }
    // A token that points at the attacker's own JWKS is verified against the issuer's keys
    // only; the attacker's URLs are never fetched.
    let attacker = issuer.attacker();
    let jku = attacker.sign_as("attacker", &issuer.claims("mallory"), |h| {
        h.jku = Some(issuer.attacker_jwks_url());
        h.x5u = Some(issuer.attacker_jwks_url());
    });
    assert_eq!(whoami(&app, &jku).await, Err("UNAUTHENTICATED".to_owned()));
    let kid_reuse = attacker.sign_as("k1", &issuer.claims("mallory"), |h| {
        h.jku = Some(issuer.attacker_jwks_url());
    });
    assert_eq!(whoami(&app, &kid_reuse).await, Err("UNAUTHENTICATED".to_owned()));
    assert_eq!(issuer.attacker_fetches(), 0);
    assert_eq!(
        whoami(&app, &k1.sign(&issuer.claims("ada"))).await,
        Ok("ada".to_owned())
    );
    app.finish().await;
}

#[tokio::test]
async fn a_provider_down_at_start_delays_sign_in_but_not_the_start() {
    let k1 = SigningKey::rsa("k1", RSA1_PRIVATE);
    let issuer = FakeIssuer::start(vec![k1.clone()]).await;
    issuer.set_down(true);
    let app = server(&issuer, Duration::from_millis(100), HOUR).await;
    let token = k1.sign(&issuer.claims("ada"));
    assert_eq!(whoami(&app, &token).await, Err("UNAUTHENTICATED".to_owned()));
    issuer.set_down(false);
    let seen = issuer.discovery_fetches();
    issuer.wait_for_discovery_fetches(seen + 2).await;
    assert_eq!(whoami(&app, &token).await, Ok("ada".to_owned()));
    app.finish().await;
}

#[tokio::test]
async fn the_dashboard_learns_the_public_client_settings() {
    let issuer = FakeIssuer::start(vec![SigningKey::rsa("k1", RSA1_PRIVATE)]).await;
    let app = server(&issuer, HOUR, HOUR).await;
    let response = app.get("/auth/oidc", None).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "oidc": { "issuer": issuer.issuer, "clientId": CLIENT_ID, "scopes": ["openid", "profile", "email"] } })
    );
    app.finish().await;

    let plain = crate::helpers::spawn_app().await;
    let body: Value = plain.get("/auth/oidc", None).await.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "oidc": null }),
        "the embedded default keeps its sign-in link"
    );
    plain.finish().await;
}

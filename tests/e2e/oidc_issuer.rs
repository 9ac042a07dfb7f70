//! A fake OpenID Connect issuer on loopback for the identity-provider tests: a discovery
//! document and a JWKS whose keys the test rotates, counting every fetch, able to go down, and
//! an attacker's JWKS that must never be fetched.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::helpers::PATIENCE;

pub const RSA1_PRIVATE: &str = include_str!("../../crates/slipway-auth/tests/fixtures/rsa1-private.pem");
pub const RSA2_PRIVATE: &str = include_str!("../../crates/slipway-auth/tests/fixtures/rsa2-private.pem");
pub const EC1_PRIVATE: &str = include_str!("../../crates/slipway-auth/tests/fixtures/ec1-private.pem");
/// The dashboard's client id, which is also the audience tokens carry.
pub const CLIENT_ID: &str = "slipway-dashboard";

/// A signing key of the fake provider.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub algorithm: Algorithm,
    key: EncodingKey,
}

impl SigningKey {
    pub fn rsa(kid: &str, pem: &str) -> Self {
        SigningKey {
            kid: kid.to_owned(),
            algorithm: Algorithm::RS256,
            key: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        }
    }

    pub fn ec(kid: &str, pem: &str) -> Self {
        SigningKey {
            kid: kid.to_owned(),
            algorithm: Algorithm::ES256,
            key: EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        }
    }

    fn jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.key, self.algorithm).unwrap();
        jwk.common.key_id = Some(self.kid.clone());
        jwk
    }

    /// Signs `claims` with this key, naming `kid` (normally its own) in the header.
    pub fn sign_as(&self, kid: &str, claims: &Value, tweak: impl FnOnce(&mut Header)) -> String {
        let mut header = Header::new(self.algorithm);
        header.kid = Some(kid.to_owned());
        tweak(&mut header);
        jsonwebtoken::encode(&header, claims, &self.key).unwrap()
    }

    pub fn sign(&self, claims: &Value) -> String {
        self.sign_as(&self.kid, claims, |_| {})
    }
}

struct IssuerState {
    issuer: String,
    keys: Mutex<Vec<SigningKey>>,
    attacker: SigningKey,
    down: AtomicBool,
    discovery_fetches: watch::Sender<usize>,
    jwks_fetches: AtomicUsize,
    attacker_fetches: AtomicUsize,
}

/// The running fake issuer.
pub struct FakeIssuer {
    pub issuer: String,
    state: Arc<IssuerState>,
}

impl FakeIssuer {
    /// Starts an issuer publishing `keys`.
    pub async fn start(keys: Vec<SigningKey>) -> FakeIssuer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(IssuerState {
            issuer: issuer.clone(),
            keys: Mutex::new(keys),
            attacker: SigningKey::rsa("attacker", RSA2_PRIVATE),
            down: AtomicBool::new(false),
            discovery_fetches: watch::Sender::new(0),
            jwks_fetches: AtomicUsize::new(0),
            attacker_fetches: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/attacker/jwks", get(attacker_jwks))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeIssuer { issuer, state }
    }

    /// Claims the configured server accepts, for `subject`.
    pub fn claims(&self, subject: &str) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({ "sub": subject, "iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 600 })
    }

    /// Publishes `keys` instead of the current ones.
    pub fn rotate(&self, keys: Vec<SigningKey>) {
        *self.state.keys.lock().unwrap() = keys;
    }

    /// Makes every endpoint answer 503 (or serve again).
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    pub fn jwks_fetches(&self) -> usize {
        self.state.jwks_fetches.load(Ordering::SeqCst)
    }

    pub fn discovery_fetches(&self) -> usize {
        *self.state.discovery_fetches.borrow()
    }

    pub fn attacker_fetches(&self) -> usize {
        self.state.attacker_fetches.load(Ordering::SeqCst)
    }

    /// The attacker's key, published only at `/attacker/jwks`.
    pub fn attacker(&self) -> SigningKey {
        self.state.attacker.clone()
    }

    /// The URL of the attacker's JWKS (what a forged `jku` names).
    pub fn attacker_jwks_url(&self) -> String {
        format!("{}/attacker/jwks", self.issuer)
    }

    /// Waits until the discovery document has been fetched at least `count` times. Refreshes
    /// run one at a time, so once fetch `n + 1` has begun, refresh `n` has installed its keys.
    pub async fn wait_for_discovery_fetches(&self, count: usize) {
        let mut fetched = self.state.discovery_fetches.subscribe();
        tokio::time::timeout(PATIENCE, fetched.wait_for(|n| *n >= count))
            .await
            .expect("the server refreshes the issuer's keys in time")
            .unwrap();
    }
}

async fn discovery(State(state): State<Arc<IssuerState>>) -> Response {
    state.discovery_fetches.send_modify(|n| *n += 1);
    if state.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Json(json!({
        "issuer": state.issuer,
        "jwks_uri": format!("{}/jwks", state.issuer),
        "authorization_endpoint": format!("{}/auth", state.issuer),
        "token_endpoint": format!("{}/token", state.issuer),
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }))
    .into_response()
}

async fn jwks(State(state): State<Arc<IssuerState>>) -> Response {
    state.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    if state.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let keys = state.keys.lock().unwrap().iter().map(SigningKey::jwk).collect();
    Json(JwkSet { keys }).into_response()
}

async fn attacker_jwks(State(state): State<Arc<IssuerState>>) -> Json<JwkSet> {
    state.attacker_fetches.fetch_add(1, Ordering::SeqCst);
    Json(JwkSet {
        keys: vec![state.attacker.jwk()],
    })
}

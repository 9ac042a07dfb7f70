//! Verifying against a discovered JWKS: keys pinned per key, replaced as the provider rotates,
//! `iss` a single string equal to the issuer, and the user's claims configurable.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: a failed unwrap is a failed test"
)]

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use slipway_auth::{
    AuthError, ClaimNames, DiscoveredKeys, JwtConfig, JwtVerifier, KeySet, Principal, VerificationKeys,
};

const RSA1_PRIVATE: &str = include_str!("fixtures/rsa1-private.pem");
const RSA2_PRIVATE: &str = include_str!("fixtures/rsa2-private.pem");
const EC1_PRIVATE: &str = include_str!("fixtures/ec1-private.pem");
const ISSUER: &str = "https://idp.example.com";
const AUDIENCE: &str = "slipway-dashboard";

fn rsa(pem: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap()
}

fn ec(pem: &str) -> EncodingKey {
    EncodingKey::from_ec_pem(pem.as_bytes()).unwrap()
}

/// A JWKS as a provider publishes it: no `alg` on the keys, so the type decides.
fn jwks(keys: &[(&str, &EncodingKey, Algorithm)]) -> KeySet {
    let keys = keys
        .iter()
        .map(|(kid, key, alg)| {
            let mut jwk = Jwk::from_encoding_key(key, *alg).unwrap();
            jwk.common.key_id = Some((*kid).to_owned());
            jwk.common.key_algorithm = None;
            jwk
        })
        .collect();
    KeySet::from_discovered_jwks(&serde_json::to_string(&JwkSet { keys }).unwrap()).unwrap()
}

fn claims(changes: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": "user-1", "name": "Ada", "email": "ada@example.com",
        "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300,
    });
    for (k, v) in changes.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

fn sign(alg: Algorithm, kid: &str, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn verifier(cell: &DiscoveredKeys) -> JwtVerifier {
    JwtVerifier::new(
        JwtConfig::new(VerificationKeys::Discovered(cell.clone()))
            .with_issuer(ISSUER)
            .with_audience(AUDIENCE),
    )
}

#[test]
fn keys_of_both_kinds_verify_their_own_algorithm_only() {
    let cell = DiscoveredKeys::new();
    let verifier = verifier(&cell);
    let good = claims(json!({}));
    let rs_token = sign(Algorithm::RS256, "r1", &rsa(RSA1_PRIVATE), &good);
    assert_eq!(
        verifier.verify(&rs_token),
        Err(AuthError::UnknownKey),
        "no keys fetched yet"
    );

    cell.replace(jwks(&[
        ("r1", &rsa(RSA1_PRIVATE), Algorithm::RS256),
        ("e1", &ec(EC1_PRIVATE), Algorithm::ES256),
    ]));
    assert_eq!(verifier.verify(&rs_token).unwrap().subject, "user-1");
    let es_token = sign(Algorithm::ES256, "e1", &ec(EC1_PRIVATE), &good);
    assert_eq!(verifier.verify(&es_token).unwrap().subject, "user-1");

    // A token naming the RSA key but claiming ES256 (or the reverse) never gets checked
    // against the wrong kind of key.
    let crossed = sign(Algorithm::ES256, "r1", &ec(EC1_PRIVATE), &good);
    assert_eq!(verifier.verify(&crossed), Err(AuthError::AlgorithmMismatch));
    // HS256 keyed with the public key's bytes, and `none`, are refused before any lookup.
    let hs = sign(
        Algorithm::HS256,
        "r1",
        &EncodingKey::from_secret(b"public key bytes"),
        &good,
    );
    assert_eq!(verifier.verify(&hs), Err(AuthError::AlgorithmMismatch));
    let none = format!(
        "eyJhbGciOiJub25lIiwia2lkIjoicjEifQ.{}.",
        rs_token.split('.').nth(1).unwrap()
    );
    assert!(verifier.verify(&none).is_err());
}

#[test]
fn a_rotated_out_key_stops_verifying_and_a_new_one_starts() {
    let cell = DiscoveredKeys::new();
    let verifier = verifier(&cell);
    cell.replace(jwks(&[("old", &rsa(RSA1_PRIVATE), Algorithm::RS256)]));
    let good = claims(json!({}));
    let old = sign(Algorithm::RS256, "old", &rsa(RSA1_PRIVATE), &good);
    let new = sign(Algorithm::RS256, "new", &rsa(RSA2_PRIVATE), &good);
    assert!(verifier.verify(&old).is_ok());
    assert_eq!(verifier.verify(&new), Err(AuthError::UnknownKey));

    cell.replace(jwks(&[("new", &rsa(RSA2_PRIVATE), Algorithm::RS256)]));
    assert_eq!(verifier.verify(&old), Err(AuthError::UnknownKey));
    assert!(verifier.verify(&new).is_ok());
    // A token naming the new kid but signed by the old key.
    let forged = sign(Algorithm::RS256, "new", &rsa(RSA1_PRIVATE), &good);
    assert_eq!(verifier.verify(&forged), Err(AuthError::BadSignature));
}

#[test]
fn the_issuer_is_one_string_and_the_audience_is_checked() {
    let cell = DiscoveredKeys::new();
    cell.replace(jwks(&[("k", &rsa(RSA1_PRIVATE), Algorithm::RS256)]));
    let verifier = verifier(&cell);
    let token = |changes: Value| sign(Algorithm::RS256, "k", &rsa(RSA1_PRIVATE), &claims(changes));
    for (case, changes, expected) in [
        (
            "iss array holding the issuer",
            json!({"iss": [ISSUER, "https://evil.example"]}),
            AuthError::WrongIssuer,
        ),
        ("iss array of one", json!({"iss": [ISSUER]}), AuthError::WrongIssuer),
        (
            "iss with a trailing slash",
            json!({"iss": format!("{ISSUER}/")}),
            AuthError::WrongIssuer,
        ),
        (
            "another issuer",
            json!({"iss": "https://evil.example"}),
            AuthError::WrongIssuer,
        ),
        (
            "another audience",
            json!({"aud": "someone-else"}),
            AuthError::WrongAudience,
        ),
    ] {
        assert_eq!(verifier.verify(&token(changes)), Err(expected), "{case}");
    }
    // `aud` may be an array that contains the audience (OpenID Connect Core §2).
    assert!(verifier.verify(&token(json!({"aud": ["other", AUDIENCE]}))).is_ok());
}

#[test]
fn the_user_comes_from_the_configured_claims() {
    let cell = DiscoveredKeys::new();
    cell.replace(jwks(&[("k", &rsa(RSA1_PRIVATE), Algorithm::RS256)]));
    let names = ClaimNames {
        subject: "oid".into(),
        name: "preferred_username".into(),
        email: "upn".into(),
        groups: None,
    };
    let verifier = JwtVerifier::new(
        JwtConfig::new(VerificationKeys::Discovered(cell))
            .with_issuer(ISSUER)
            .with_audience(AUDIENCE)
            .with_claim_names(names)
            .unwrap(),
    );
    let token = |changes: Value| sign(Algorithm::RS256, "k", &rsa(RSA1_PRIVATE), &claims(changes));
    let principal = verifier
        .verify(&token(
            json!({"oid": "0f3c", "preferred_username": "ada.l", "upn": "ada@corp.example"}),
        ))
        .unwrap();
    assert_eq!(
        principal,
        Principal {
            subject: "0f3c".into(),
            name: Some("ada.l".into()),
            email: Some("ada@corp.example".into()),
            groups: None,
        }
    );
    assert_eq!(
        verifier.verify(&token(json!({}))),
        Err(AuthError::MissingClaim { claim: "subject claim" })
    );
    assert!(
        JwtConfig::hs256(slipway_auth::Hs256Secret::generate())
            .with_claim_names(ClaimNames {
                subject: " ".into(),
                ..ClaimNames::default()
            })
            .is_err()
    );
}

#[test]
fn the_groups_claim_is_read_only_when_configured() {
    let cell = DiscoveredKeys::new();
    cell.replace(jwks(&[("k", &rsa(RSA1_PRIVATE), Algorithm::RS256)]));
    let config = JwtConfig::new(VerificationKeys::Discovered(cell))
        .with_issuer(ISSUER)
        .with_audience(AUDIENCE);
    let without = JwtVerifier::new(config.clone());
    let with = JwtVerifier::new(
        config
            .with_claim_names(ClaimNames {
                groups: Some("groups".into()),
                ..ClaimNames::default()
            })
            .unwrap(),
    );
    let token = |changes: Value| sign(Algorithm::RS256, "k", &rsa(RSA1_PRIVATE), &claims(changes));
    let groups = |verifier: &JwtVerifier, changes: Value| verifier.verify(&token(changes)).unwrap().groups;
    let strings = |list: &[&str]| Some(list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    assert_eq!(groups(&without, json!({"groups": ["llm-devs"]})), None);
    assert_eq!(
        groups(&with, json!({"groups": ["llm-devs", "ops"]})),
        strings(&["llm-devs", "ops"])
    );
    assert_eq!(groups(&with, json!({"groups": "llm-devs"})), strings(&["llm-devs"]));
    assert_eq!(groups(&with, json!({"groups": []})), strings(&[]), "in no group");
    assert_eq!(groups(&with, json!({"groups": ["a", 7, {"b": 1}]})), strings(&["a"]));
    assert_eq!(groups(&with, json!({})), None, "no claim: nothing is said about groups");
    assert_eq!(groups(&with, json!({"groups": 7})), None);
    assert!(
        JwtConfig::hs256(slipway_auth::Hs256Secret::generate())
            .with_claim_names(ClaimNames {
                groups: Some("".into()),
                ..ClaimNames::default()
            })
            .is_err()
    );
}

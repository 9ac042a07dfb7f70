//! The token matrix: every kind of token a verifier can meet, accepted or rejected as it should.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: a failed unwrap is a failed test"
)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::SecretString;
use serde_json::{Value, json};
use slipway_auth::{AsymmetricAlgorithm, AuthError, Hs256Secret, JwtConfig, JwtVerifier, KeySet, Principal};

const RSA1_PRIVATE: &str = include_str!("fixtures/rsa1-private.pem");
const RSA1_PUBLIC: &str = include_str!("fixtures/rsa1-public.pem");
const RSA2_PRIVATE: &str = include_str!("fixtures/rsa2-private.pem");
const EC1_PRIVATE: &str = include_str!("fixtures/ec1-private.pem");
const EC1_PUBLIC: &str = include_str!("fixtures/ec1-public.pem");
const EC2_PRIVATE: &str = include_str!("fixtures/ec2-private.pem");

const HS_SECRET: &str = "an-hs256-secret-of-at-least-32-bytes!";
const ISSUER: &str = "https://idp.example.com/";
const AUDIENCE: &str = "slipway";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Claims that every configured verifier accepts.
fn good_claims() -> Value {
    json!({
        "sub": "user-123",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now(),
        "exp": now() + 600,
    })
}

fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn header(alg: Algorithm, kid: Option<&str>) -> Header {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    header
}

fn sign(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).unwrap()
}

fn hs(claims: &Value) -> String {
    sign(
        &header(Algorithm::HS256, None),
        claims,
        &EncodingKey::from_secret(HS_SECRET.as_bytes()),
    )
}

fn rsa_key(pem: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap()
}

fn ec_key(pem: &str) -> EncodingKey {
    EncodingKey::from_ec_pem(pem.as_bytes()).unwrap()
}

fn rs(kid: Option<&str>, pem: &str, claims: &Value) -> String {
    sign(&header(Algorithm::RS256, kid), claims, &rsa_key(pem))
}

fn es(kid: Option<&str>, pem: &str, claims: &Value) -> String {
    sign(&header(Algorithm::ES256, kid), claims, &ec_key(pem))
}

/// A token assembled by hand, for headers no honest library would produce.
fn raw_token(header: &Value, claims: &Value, signature: &[u8]) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!(
        "{}.{}.{}",
        part(header),
        part(claims),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn jwks(keys: &[(&str, EncodingKey, Algorithm)]) -> String {
    let keys = keys
        .iter()
        .map(|(kid, key, alg)| {
            let mut jwk = Jwk::from_encoding_key(key, *alg).unwrap();
            jwk.common.key_id = Some((*kid).to_owned());
            jwk
        })
        .collect();
    serde_json::to_string(&JwkSet { keys }).unwrap()
}

fn checked(config: JwtConfig) -> JwtVerifier {
    JwtVerifier::new(config.with_issuer(ISSUER).with_audience(AUDIENCE))
}

struct Verifiers {
    hs: JwtVerifier,
    hs_unchecked: JwtVerifier,
    rs_pem: JwtVerifier,
    rs_jwks: JwtVerifier,
    rs_jwks_rotated: JwtVerifier,
    es_pem: JwtVerifier,
    es_jwks: JwtVerifier,
}

fn verifiers() -> Verifiers {
    let secret = || Hs256Secret::new(SecretString::from(HS_SECRET)).unwrap();
    let rs_jwks = jwks(&[
        ("k1", rsa_key(RSA1_PRIVATE), Algorithm::RS256),
        ("k2", rsa_key(RSA2_PRIVATE), Algorithm::RS256),
    ]);
    let rs_rotated = jwks(&[("k1", rsa_key(RSA1_PRIVATE), Algorithm::RS256)]);
    let es_jwks = jwks(&[
        ("e1", ec_key(EC1_PRIVATE), Algorithm::ES256),
        ("e2", ec_key(EC2_PRIVATE), Algorithm::ES256),
    ]);
    let rs = AsymmetricAlgorithm::Rs256;
    let es = AsymmetricAlgorithm::Es256;
    Verifiers {
        hs: checked(JwtConfig::hs256(secret())),
        hs_unchecked: JwtVerifier::new(JwtConfig::hs256(secret())),
        rs_pem: checked(JwtConfig::asymmetric(
            KeySet::from_pem(rs, RSA1_PUBLIC.as_bytes()).unwrap(),
        )),
        rs_jwks: checked(JwtConfig::asymmetric(KeySet::from_jwks(rs, &rs_jwks).unwrap())),
        rs_jwks_rotated: checked(JwtConfig::asymmetric(KeySet::from_jwks(rs, &rs_rotated).unwrap())),
        es_pem: checked(JwtConfig::asymmetric(
            KeySet::from_pem(es, EC1_PUBLIC.as_bytes()).unwrap(),
        )),
        es_jwks: checked(JwtConfig::asymmetric(KeySet::from_jwks(es, &es_jwks).unwrap())),
    }
}

fn ada() -> Principal {
    Principal {
        subject: "user-123".into(),
        name: Some("Ada Lovelace".into()),
        email: Some("ada@example.com".into()),
        groups: None,
    }
}

#[test]
fn token_matrix() {
    let v = verifiers();
    let good = good_claims();
    let t = now();
    let none_header = json!({"alg": "none", "typ": "JWT"});

    let cases: Vec<(&str, &JwtVerifier, String, Result<Principal, AuthError>)> = vec![
        // Valid tokens, for every way of configuring keys.
        ("valid HS256", &v.hs, hs(&good), Ok(ada())),
        (
            "valid RS256 (PEM, no kid)",
            &v.rs_pem,
            rs(None, RSA1_PRIVATE, &good),
            Ok(ada()),
        ),
        (
            "valid RS256 (PEM, any kid)",
            &v.rs_pem,
            rs(Some("x"), RSA1_PRIVATE, &good),
            Ok(ada()),
        ),
        (
            "valid RS256 (JWKS k1)",
            &v.rs_jwks,
            rs(Some("k1"), RSA1_PRIVATE, &good),
            Ok(ada()),
        ),
        (
            "valid RS256 (JWKS k2)",
            &v.rs_jwks,
            rs(Some("k2"), RSA2_PRIVATE, &good),
            Ok(ada()),
        ),
        ("valid ES256 (PEM)", &v.es_pem, es(None, EC1_PRIVATE, &good), Ok(ada())),
        (
            "valid ES256 (JWKS e2)",
            &v.es_jwks,
            es(Some("e2"), EC2_PRIVATE, &good),
            Ok(ada()),
        ),
        (
            "aud as an array containing ours",
            &v.hs,
            hs(&with(good.clone(), json!({"aud": ["other", AUDIENCE]}))),
            Ok(ada()),
        ),
        (
            "only sub and exp when iss/aud are not configured",
            &v.hs_unchecked,
            hs(&json!({"sub": "user-123", "exp": t + 60})),
            Ok(Principal {
                subject: "user-123".into(),
                name: None,
                email: None,
                groups: None,
            }),
        ),
        (
            "any iss/aud when not configured",
            &v.hs_unchecked,
            hs(&with(good.clone(), json!({"iss": "elsewhere", "aud": "others"}))),
            Ok(ada()),
        ),
        (
            "non-string profile claims are dropped",
            &v.hs,
            hs(&with(good.clone(), json!({"name": 42, "email": {"a": 1}}))),
            Ok(Principal {
                subject: "user-123".into(),
                name: None,
                email: None,
                groups: None,
            }),
        ),
        (
            "profile claims with bidirectional, zero-width or control characters are dropped",
            &v.hs,
            hs(&with(
                good.clone(),
                json!({"name": "Ada\u{202E}ecalevol", "email": "ada\u{200B}@example.com"}),
            )),
            Ok(Principal {
                subject: "user-123".into(),
                name: None,
                email: None,
                groups: None,
            }),
        ),
        (
            "a profile name on two lines is dropped",
            &v.hs,
            hs(&with(good.clone(), json!({"name": "Ada\nAdmin"}))),
            Ok(Principal { name: None, ..ada() }),
        ),
        // Time.
        (
            "expired",
            &v.hs,
            hs(&with(good.clone(), json!({"exp": t - 120}))),
            Err(AuthError::Expired),
        ),
        (
            "expired RS256",
            &v.rs_jwks,
            rs(Some("k1"), RSA1_PRIVATE, &with(good.clone(), json!({"exp": t - 3600}))),
            Err(AuthError::Expired),
        ),
        (
            "expired within the leeway",
            &v.hs,
            hs(&with(good.clone(), json!({"exp": t - 5}))),
            Ok(ada()),
        ),
        (
            "nbf in the future",
            &v.hs,
            hs(&with(good.clone(), json!({"nbf": t + 600}))),
            Err(AuthError::NotYetValid),
        ),
        (
            "nbf in the future, RS256",
            &v.rs_pem,
            rs(None, RSA1_PRIVATE, &with(good.clone(), json!({"nbf": t + 600}))),
            Err(AuthError::NotYetValid),
        ),
        (
            "nbf within the leeway",
            &v.hs,
            hs(&with(good.clone(), json!({"nbf": t + 5}))),
            Ok(ada()),
        ),
        (
            "missing exp",
            &v.hs,
            hs(&with(good.clone(), json!({"exp": null}))),
            Err(AuthError::MissingClaim { claim: "exp" }),
        ),
        (
            "exp sent as a string",
            &v.hs,
            hs(&with(good.clone(), json!({"exp": (t + 600).to_string()}))),
            Err(AuthError::MissingClaim { claim: "exp" }),
        ),
        (
            "expired exp sent as a string",
            &v.hs_unchecked,
            hs(&with(good.clone(), json!({"exp": (t - 600).to_string()}))),
            Err(AuthError::MissingClaim { claim: "exp" }),
        ),
        (
            "nbf sent as a string",
            &v.hs,
            hs(&with(good.clone(), json!({"nbf": (t + 600).to_string()}))),
            Err(AuthError::InvalidClaim { claim: "nbf" }),
        ),
        // Signatures.
        (
            "HS256 signed with another secret",
            &v.hs,
            sign(
                &header(Algorithm::HS256, None),
                &good,
                &EncodingKey::from_secret(b"another-secret-of-at-least-32-bytes!!"),
            ),
            Err(AuthError::BadSignature),
        ),
        (
            "RS256 signed with another RSA key (PEM)",
            &v.rs_pem,
            rs(None, RSA2_PRIVATE, &good),
            Err(AuthError::BadSignature),
        ),
        (
            "RS256 signed with another RSA key under a known kid",
            &v.rs_jwks,
            rs(Some("k1"), RSA2_PRIVATE, &good),
            Err(AuthError::BadSignature),
        ),
        (
            "ES256 signed with another EC key",
            &v.es_pem,
            es(None, EC2_PRIVATE, &good),
            Err(AuthError::BadSignature),
        ),
        (
            "payload swapped after signing",
            &v.rs_pem,
            {
                let token = rs(None, RSA1_PRIVATE, &good);
                let forged = rs(None, RSA2_PRIVATE, &with(good.clone(), json!({"sub": "admin"})));
                let parts: Vec<&str> = token.split('.').collect();
                let forged_parts: Vec<&str> = forged.split('.').collect();
                format!("{}.{}.{}", parts[0], forged_parts[1], parts[2])
            },
            Err(AuthError::BadSignature),
        ),
        (
            "signature stripped",
            &v.hs,
            {
                let token = hs(&good);
                format!("{}.", token.rsplit_once('.').unwrap().0)
            },
            Err(AuthError::BadSignature),
        ),
        // Algorithm confusion.
        (
            "alg none",
            &v.hs,
            raw_token(&none_header, &good, b""),
            Err(AuthError::Malformed {
                reason: "invalid header or claims (unsupported `alg`, or not a JSON object)",
            }),
        ),
        (
            "alg none against RS256",
            &v.rs_jwks,
            raw_token(&json!({"alg": "none", "kid": "k1"}), &good, b""),
            Err(AuthError::Malformed {
                reason: "invalid header or claims (unsupported `alg`, or not a JSON object)",
            }),
        ),
        (
            "HS256 signed with the RSA public key while RS256 is configured (PEM)",
            &v.rs_pem,
            sign(
                &header(Algorithm::HS256, None),
                &good,
                &EncodingKey::from_secret(RSA1_PUBLIC.as_bytes()),
            ),
            Err(AuthError::AlgorithmMismatch),
        ),
        (
            "HS256 signed with the RSA public key while RS256 is configured (JWKS)",
            &v.rs_jwks,
            sign(
                &header(Algorithm::HS256, Some("k1")),
                &good,
                &EncodingKey::from_secret(RSA1_PUBLIC.as_bytes()),
            ),
            Err(AuthError::AlgorithmMismatch),
        ),
        (
            "RS256 token while HS256 is configured",
            &v.hs,
            rs(None, RSA1_PRIVATE, &good),
            Err(AuthError::AlgorithmMismatch),
        ),
        (
            "ES256 token while RS256 is configured",
            &v.rs_pem,
            es(None, EC1_PRIVATE, &good),
            Err(AuthError::AlgorithmMismatch),
        ),
        (
            "RS512 token while RS256 is configured",
            &v.rs_pem,
            sign(&header(Algorithm::RS512, None), &good, &rsa_key(RSA1_PRIVATE)),
            Err(AuthError::AlgorithmMismatch),
        ),
        // Issuer and audience.
        (
            "wrong iss",
            &v.hs,
            hs(&with(good.clone(), json!({"iss": "https://evil.example.com/"}))),
            Err(AuthError::WrongIssuer),
        ),
        (
            "missing iss",
            &v.rs_pem,
            rs(None, RSA1_PRIVATE, &with(good.clone(), json!({"iss": null}))),
            Err(AuthError::MissingClaim { claim: "iss" }),
        ),
        (
            "wrong aud",
            &v.hs,
            hs(&with(good.clone(), json!({"aud": "someone-else"}))),
            Err(AuthError::WrongAudience),
        ),
        (
            "aud array without ours",
            &v.hs,
            hs(&with(good.clone(), json!({"aud": ["a", "b"]}))),
            Err(AuthError::WrongAudience),
        ),
        (
            "missing aud",
            &v.es_jwks,
            es(Some("e1"), EC1_PRIVATE, &with(good.clone(), json!({"aud": null}))),
            Err(AuthError::MissingClaim { claim: "aud" }),
        ),
        // Subject.
        (
            "missing sub",
            &v.hs,
            hs(&with(good.clone(), json!({"sub": null}))),
            Err(AuthError::MissingClaim { claim: "sub" }),
        ),
        (
            "sub not a string",
            &v.hs,
            hs(&with(good.clone(), json!({"sub": 123}))),
            Err(AuthError::MissingClaim { claim: "sub" }),
        ),
        (
            "empty sub",
            &v.hs,
            hs(&with(good.clone(), json!({"sub": "  "}))),
            Err(AuthError::InvalidClaim { claim: "sub" }),
        ),
        (
            "overlong sub",
            &v.hs,
            hs(&with(good.clone(), json!({"sub": "x".repeat(256)}))),
            Err(AuthError::InvalidClaim { claim: "sub" }),
        ),
        // Key selection.
        (
            "unknown kid",
            &v.rs_jwks,
            rs(Some("k9"), RSA1_PRIVATE, &good),
            Err(AuthError::UnknownKey),
        ),
        (
            "no kid while a JWKS is configured",
            &v.rs_jwks,
            rs(None, RSA1_PRIVATE, &good),
            Err(AuthError::UnknownKey),
        ),
        (
            "a token for a JWKS key that was removed",
            &v.rs_jwks_rotated,
            rs(Some("k2"), RSA2_PRIVATE, &good),
            Err(AuthError::UnknownKey),
        ),
        (
            "the remaining key still works after the removal",
            &v.rs_jwks_rotated,
            rs(Some("k1"), RSA1_PRIVATE, &good),
            Ok(ada()),
        ),
        (
            "jku is never fetched",
            &v.rs_jwks,
            {
                let mut h = header(Algorithm::RS256, Some("attacker"));
                h.jku = Some("https://evil.example.com/jwks.json".into());
                h.x5u = Some("https://evil.example.com/cert.pem".into());
                sign(&h, &good, &rsa_key(RSA2_PRIVATE))
            },
            Err(AuthError::UnknownKey),
        ),
        (
            "an embedded jwk header is never trusted",
            &v.rs_jwks_rotated,
            {
                let attacker = rsa_key(RSA2_PRIVATE);
                let mut h = header(Algorithm::RS256, Some("k1"));
                h.jwk = Some(Jwk::from_encoding_key(&attacker, Algorithm::RS256).unwrap());
                sign(&h, &good, &attacker)
            },
            Err(AuthError::BadSignature),
        ),
        (
            "critical header extensions",
            &v.hs,
            {
                let mut h = header(Algorithm::HS256, None);
                h.crit = Some(vec!["exp".into()]);
                sign(&h, &good, &EncodingKey::from_secret(HS_SECRET.as_bytes()))
            },
            Err(AuthError::Malformed {
                reason: "critical header extensions are not supported",
            }),
        ),
        // Not JWTs at all.
        (
            "garbage",
            &v.hs,
            "not-a-token".into(),
            Err(AuthError::Malformed { reason: "not a JWT" }),
        ),
        (
            "two parts",
            &v.hs,
            {
                let token = hs(&good);
                token.rsplit_once('.').unwrap().0.to_owned()
            },
            Err(AuthError::Malformed { reason: "not a JWT" }),
        ),
        (
            "claims not an object",
            &v.hs,
            {
                let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
                let c = URL_SAFE_NO_PAD.encode(b"[1,2]");
                let sig = {
                    use jsonwebtoken::crypto::sign;
                    sign(
                        format!("{h}.{c}").as_bytes(),
                        &EncodingKey::from_secret(HS_SECRET.as_bytes()),
                        Algorithm::HS256,
                    )
                    .unwrap()
                };
                format!("{h}.{c}.{sig}")
            },
            Err(AuthError::Malformed {
                reason: "invalid header or claims (unsupported `alg`, or not a JSON object)",
            }),
        ),
    ];

    let mut failures = Vec::new();
    for (name, verifier, token, expected) in &cases {
        let actual = verifier.verify(token);
        if &actual != expected {
            failures.push(format!("{name}: expected {expected:?}, got {actual:?}"));
        }
        if let Err(error) = &actual {
            // Messages name the failed check, never the token.
            assert!(!error.to_string().contains(token.as_str()), "{name}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn jwks_and_pem_files_load_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let jwks_path = dir.path().join("jwks.json");
    std::fs::write(&jwks_path, jwks(&[("k1", rsa_key(RSA1_PRIVATE), Algorithm::RS256)])).unwrap();
    let pem_path = dir.path().join("key.pem");
    std::fs::write(&pem_path, EC1_PUBLIC).unwrap();

    let set = KeySet::from_jwks_file(AsymmetricAlgorithm::Rs256, &jwks_path).unwrap();
    assert_eq!(set.kids(), vec!["k1"]);
    let verifier = JwtVerifier::new(JwtConfig::asymmetric(set));
    assert_eq!(
        verifier.verify(&rs(Some("k1"), RSA1_PRIVATE, &good_claims())),
        Ok(ada())
    );

    let set = KeySet::from_pem_file(AsymmetricAlgorithm::Es256, &pem_path).unwrap();
    let verifier = JwtVerifier::new(JwtConfig::asymmetric(set));
    assert_eq!(verifier.verify(&es(None, EC1_PRIVATE, &good_claims())), Ok(ada()));

    assert!(KeySet::from_pem_file(AsymmetricAlgorithm::Es256, &dir.path().join("missing.pem")).is_err());
    // An RS256 JWKS offers nothing to an ES256 configuration.
    assert!(KeySet::from_jwks_file(AsymmetricAlgorithm::Es256, &jwks_path).is_err());
}

#[test]
fn minted_tokens_are_accepted_by_serve_and_rejected_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    // `slipway token` and `slipway serve` both load the generated secret.
    let minted_by = slipway_auth::load_or_generate_jwt_secret(dir.path()).unwrap().value;
    let served_by = slipway_auth::load_or_generate_jwt_secret(dir.path()).unwrap().value;
    let request = slipway_auth::TokenRequest::new("cli-user", chrono::Duration::minutes(5));
    let token = slipway_auth::mint_hs256(&minted_by, &request, chrono::Utc::now()).unwrap();
    let principal = JwtVerifier::new(JwtConfig::hs256(served_by)).verify(&token).unwrap();
    assert_eq!(principal.subject, "cli-user");

    let other = JwtVerifier::new(JwtConfig::hs256(Hs256Secret::generate()));
    assert_eq!(other.verify(&token), Err(AuthError::BadSignature));
    // An RS256 configuration cannot mint.
    let rs_config =
        JwtConfig::asymmetric(KeySet::from_pem(AsymmetricAlgorithm::Rs256, RSA1_PUBLIC.as_bytes()).unwrap());
    assert_eq!(
        rs_config.mint(&request, chrono::Utc::now()),
        Err(slipway_auth::MintError::NotHs256)
    );
}

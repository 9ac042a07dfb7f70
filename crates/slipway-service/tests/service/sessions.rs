//! Bearer credentials to callers (`Sessions`): a verified JWT becomes its user, expiring with
//! the token and remembered without a second database write; a bad token or a revoked key gives
//! no caller.

use chrono::{TimeDelta, Utc};
use secrecy::SecretString;
use slipway_auth::{BearerCredential, Hs256Secret, JwtConfig, JwtVerifier, TokenRequest, mint_hs256};
use slipway_service::api_keys::NewApiKey;
use slipway_service::{Caller, Clock, ServiceError, SessionError, Sessions};

use crate::both_backends;
use crate::harness::Harness;

const SECRET: &str = "a-test-secret-of-at-least-thirty-two-bytes";

fn secret() -> Hs256Secret {
    Hs256Secret::new(SecretString::from(SECRET)).unwrap()
}

fn sessions(h: &Harness) -> Sessions {
    Sessions::new(h.service.clone(), JwtVerifier::new(JwtConfig::hs256(secret())))
}

both_backends!(
    a_verified_jwt_becomes_its_user_until_the_token_expires,
    async |h: &Harness| {
        let sessions = sessions(h);
        let token = mint_hs256(
            &secret(),
            &TokenRequest::new("alice", TimeDelta::minutes(5)),
            Utc::now(),
        )
        .unwrap();
        let ctx = sessions
            .caller(BearerCredential::Jwt(&token), Some("req-1".into()))
            .await
            .unwrap();
        let Caller::User(user) = &ctx.caller else {
            panic!("a JWT gives a user, got {:?}", ctx.caller);
        };
        assert_eq!(user.subject, "alice");
        assert_eq!(ctx.request_id.as_deref(), Some("req-1"));
        let expires_at = ctx.expires_at.expect("a JWT caller expires with its token");
        assert!(expires_at > Utc::now() && expires_at <= Utc::now() + TimeDelta::minutes(5));
        // The same signed-in user again is the same user (remembered, not created twice).
        let again = sessions.caller(BearerCredential::Jwt(&token), None).await.unwrap();
        assert!(matches!(&again.caller, Caller::User(u) if u.id == user.id));
    }
);

both_backends!(a_bad_token_or_a_revoked_key_gives_no_caller, async |h: &Harness| {
    let sessions = sessions(h);
    let forged = mint_hs256(
        &Hs256Secret::new(SecretString::from("another-secret-of-at-least-thirty-two-bytes")).unwrap(),
        &TokenRequest::new("alice", TimeDelta::minutes(5)),
        Utc::now(),
    )
    .unwrap();
    assert!(matches!(
        sessions.caller(BearerCredential::Jwt(&forged), None).await,
        Err(SessionError::InvalidToken(_))
    ));

    let s = &h.service;
    let alice = h.user("alice").await;
    s.create_organization(&alice, "acme", "Acme").await.unwrap();
    s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    let key = s
        .create_api_key(&alice, "acme", "chat", &NewApiKey::named("gateway"))
        .await
        .unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&key.secret).to_owned();
    let gateway = sessions.caller(BearerCredential::ApiKey(&secret), None).await.unwrap();
    assert!(matches!(gateway.caller, Caller::ApiKey(_)));
    s.revoke_api_key(&alice, "acme", "chat", key.key.id).await.unwrap();
    assert!(matches!(
        sessions.caller(BearerCredential::ApiKey(&secret), None).await,
        Err(SessionError::Service(ServiceError::Unauthenticated))
    ));
});

both_backends!(
    an_expiring_api_key_works_until_its_expiry_and_records_its_last_use,
    async |h: &Harness| {
        let sessions = sessions(h);
        let s = &h.service;
        let alice = h.user("alice").await;
        s.create_organization(&alice, "acme", "Acme").await.unwrap();
        s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
        let now = h.clock.now();
        let past = NewApiKey::named("late").expiring_at(now);
        assert!(matches!(
            s.create_api_key(&alice, "acme", "chat", &past).await,
            Err(ServiceError::Validation { field, .. }) if field == "expiresAt"
        ));
        let expires_at = now + TimeDelta::hours(1);
        let key = s
            .create_api_key(
                &alice,
                "acme",
                "chat",
                &NewApiKey::named("gateway").expiring_at(expires_at),
            )
            .await
            .unwrap();
        assert_eq!(key.key.expires_at, Some(expires_at));
        let secret = secrecy::ExposeSecret::expose_secret(&key.secret).to_owned();
        let listed = |keys: Vec<slipway_domain::api_key::ApiKey>| keys[0].last_used_at;
        assert_eq!(listed(s.api_keys(&alice, "acme", "chat").await.unwrap()), None);

        h.clock.advance(TimeDelta::minutes(10));
        let used_at = h.clock.now();
        let gateway = sessions.caller(BearerCredential::ApiKey(&secret), None).await.unwrap();
        assert_eq!(
            gateway.expires_at,
            Some(expires_at),
            "a stream opened with it ends with it"
        );
        // Seen at once on this instance, before anything is written.
        assert_eq!(listed(s.api_keys(&alice, "acme", "chat").await.unwrap()), Some(used_at));
        assert_eq!(
            s.store().api_keys(key.key.project_id).await.unwrap()[0].last_used_at,
            None
        );
        assert_eq!(s.flush_api_key_usage().await, 1);
        assert_eq!(
            s.store().api_keys(key.key.project_id).await.unwrap()[0].last_used_at,
            Some(used_at)
        );
        assert_eq!(s.flush_api_key_usage().await, 0, "nothing new to write");

        h.clock.set(expires_at);
        assert!(matches!(
            sessions.caller(BearerCredential::ApiKey(&secret), None).await,
            Err(SessionError::Service(ServiceError::Unauthenticated))
        ));
        assert!(matches!(
            s.recheck_caller(&gateway).await,
            Err(ServiceError::Unauthenticated)
        ));
    }
);

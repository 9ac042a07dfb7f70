//! A caller's event stream (`Service::caller_events`): the connection rules the watch stream and
//! GraphQL subscriptions share — only the followed project's events, an end at the JWT's expiry
//! on the service's clock, and an end once an API key is revoked.

use slipway_service::api_keys::NewApiKey;
use std::time::Duration;

use chrono::TimeDelta;
use slipway_domain::Role;
use slipway_service::environments::EnvironmentInput;
use slipway_service::{CallerEvent, CallerEvents, Event, ServiceError, ServiceResult};

use crate::both_backends;
use crate::harness::{Harness, start_time};

fn env(slug: &str) -> EnvironmentInput {
    EnvironmentInput {
        slug: slug.into(),
        name: slug.to_uppercase(),
        ..Default::default()
    }
}

/// The stream's next item, failing the test instead of hanging when none comes.
async fn next(events: &mut CallerEvents) -> ServiceResult<CallerEvent> {
    tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("the stream answers within 10 s")
        .expect("the event channel stays open")
}

both_backends!(a_stream_carries_only_its_projects_events, async |h: &Harness| {
    let s = &h.service;
    let alice = h.user("alice").await;
    s.create_organization(&alice, "acme", "Acme").await.unwrap();
    s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    s.create_project(&alice, "acme", "other", "Other").await.unwrap();
    let (chat, _) = s.project(&alice, "acme", "chat").await.unwrap();
    let mut events = s.caller_events(alice.clone()).for_project(chat.id);

    s.create_environment(&alice, "acme", "other", env("qa")).await.unwrap();
    let qa = s.create_environment(&alice, "acme", "chat", env("qa")).await.unwrap();
    // The other project's changes came first and are left out: every event is chat's, up to
    // the new environment's.
    loop {
        let CallerEvent::Project(event) = next(&mut events).await.unwrap() else {
            panic!("only project events were announced");
        };
        assert_eq!(event.project_id(), chat.id, "the other project's changes are left out");
        if let Event::EnvironmentChanged { environment_id, .. } = event {
            assert_eq!(environment_id, qa.id);
            break;
        }
    }
});

both_backends!(
    a_stream_ends_when_its_token_expires_by_the_service_clock,
    async |h: &Harness| {
        let s = &h.service;
        let alice = h.user("alice").await;
        s.create_organization(&alice, "acme", "Acme").await.unwrap();
        s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
        let (chat, _) = s.project(&alice, "acme", "chat").await.unwrap();
        let expiring = alice.clone().expiring_at(start_time() + TimeDelta::seconds(60));
        let mut events = s.caller_events(expiring).for_project(chat.id);

        // Before the expiry (by the service's clock) the stream carries events.
        s.create_environment(&alice, "acme", "chat", env("qa")).await.unwrap();
        assert!(matches!(next(&mut events).await, Ok(CallerEvent::Project(_))));
        // The wall clock is irrelevant: once the service's clock passes `exp`, the stream ends.
        h.clock.advance(TimeDelta::seconds(61));
        assert!(matches!(next(&mut events).await, Err(ServiceError::Unauthenticated)));
    }
);

both_backends!(a_stream_ends_once_its_api_key_is_revoked, async |h: &Harness| {
    let s = &h.service;
    let alice = h.user("alice").await;
    s.create_organization(&alice, "acme", "Acme").await.unwrap();
    s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    s.add_member(&alice, "acme", "chat", "bob", Role::Viewer).await.unwrap();
    let (chat, _) = s.project(&alice, "acme", "chat").await.unwrap();
    let key = s
        .create_api_key(&alice, "acme", "chat", &NewApiKey::named("gateway"))
        .await
        .unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&key.secret).to_owned();
    let gateway = s.authenticate_api_key(&secret, None).await.unwrap();
    let mut by_key = s.caller_events(gateway).for_project(chat.id);
    let mut by_bob = s.caller_events(h.user("bob").await).for_project(chat.id);

    s.revoke_api_key(&alice, "acme", "chat", key.key.id).await.unwrap();
    assert!(
        matches!(next(&mut by_key).await, Err(ServiceError::Unauthenticated)),
        "the revoked key's stream ends at once"
    );
    // Another caller's revocation is not bob's business: the next thing he hears is a change.
    s.create_environment(&alice, "acme", "chat", env("qa")).await.unwrap();
    assert!(matches!(next(&mut by_bob).await, Ok(CallerEvent::Project(_))));
    // Removing bob tells his stream to look again (his credential itself is still valid).
    s.remove_member(&alice, "acme", "chat", "bob").await.unwrap();
    loop {
        match next(&mut by_bob).await {
            // The rest of the environment's announcements.
            Ok(CallerEvent::Project(event)) => assert!(!matches!(event, Event::AccessRevoked { .. })),
            other => {
                assert!(matches!(other, Ok(CallerEvent::AccessChanged)), "got {other:?}");
                break;
            }
        }
    }
});

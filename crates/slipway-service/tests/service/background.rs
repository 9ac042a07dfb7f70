//! The background tick looks only at what fell due or changed: an idle tick examines nothing,
//! a release is looked at again when it expires or its freeze ends, a change in its project
//! (here, a removed approver) makes the next tick re-settle it, and a full pass still comes
//! every few minutes.

use chrono::Duration;
use slipway_domain::release::ReleaseState;
use slipway_service::policies::PolicyInput;
use slipway_service::releases::Action;

use crate::both_backends;
use crate::harness::Harness;
use crate::story::{promote, setup};

both_backends!(
    idle_ticks_examine_nothing_until_a_release_falls_due,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, ..) = setup(h).await;
        let policy = PolicyInput {
            required_approvals: 1,
            expires_after_seconds: Some(600),
            ..PolicyInput::default()
        };
        s.set_promotion_policy(&alice, "acme", "chat", "prod", policy)
            .await
            .unwrap();
        let release = promote(s, &alice, "staging", "prod").await.unwrap();
        assert_eq!(s.tick().await.examined, 1, "the first tick looks at every open release");
        for _ in 0..3 {
            h.clock.advance(Duration::seconds(5));
            assert_eq!(s.tick().await.examined, 0, "nothing changed, nothing due");
        }
        h.clock.advance(Duration::seconds(600));
        let report = s.tick().await;
        assert_eq!((report.examined, report.changed), (1, 1), "due at its expiry");
        assert_eq!(
            s.release(&alice, release.id()).await.unwrap().state(),
            ReleaseState::Expired
        );
        h.clock.advance(Duration::seconds(5));
        assert_eq!(s.tick().await.examined, 0, "a closed release is never due");
    }
);

both_backends!(
    a_change_in_the_project_is_rechecked_on_the_next_tick,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, bob, ..) = setup(h).await;
        let now = slipway_service::Clock::now(&*h.clock);
        let policy = PolicyInput {
            required_approvals: 1,
            freeze_windows: vec![(now, now + Duration::hours(1), "launch".into())],
            ..PolicyInput::default()
        };
        s.set_promotion_policy(&alice, "acme", "chat", "prod", policy)
            .await
            .unwrap();
        let release = promote(s, &alice, "staging", "prod").await.unwrap();
        s.act_on_release(&bob, release.id(), Action::Approve).await.unwrap();
        s.tick().await;
        h.clock.advance(Duration::seconds(5));
        assert_eq!(s.tick().await.examined, 0, "approved and frozen: due at the thaw only");

        s.remove_member(&alice, "acme", "chat", "bob").await.unwrap();
        h.clock.advance(Duration::seconds(5));
        let report = s.tick().await;
        assert_eq!(
            (report.examined, report.changed),
            (1, 1),
            "the removal is looked at on the next tick"
        );
        assert_eq!(
            s.release(&alice, release.id()).await.unwrap().state(),
            ReleaseState::Pending,
            "bob's approval stopped counting"
        );
        h.clock.advance(Duration::seconds(5));
        let report = s.tick().await;
        assert_eq!(
            (report.examined, report.changed),
            (1, 0),
            "the re-check's own commit is a change of the project, looked at once"
        );
        h.clock.advance(Duration::seconds(5));
        assert_eq!(s.tick().await.examined, 0, "pending: waits for approvals, not for time");

        // The safety net: a full pass every few minutes, whatever the queue says.
        h.clock.advance(Duration::minutes(5));
        assert_eq!(s.tick().await.examined, 1);
    }
);

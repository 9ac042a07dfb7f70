//! The whole story of DESIGN.md, told through the service's API.

use chrono::Duration;
use serde_json::{Value, json};
use slipway_domain::Role;
use slipway_domain::policy::PolicyRule;
use slipway_domain::release::ReleaseState;
use slipway_domain::resource::ResourceKind;
use slipway_service::policies::PolicyInput;
use slipway_service::releases::Action;
use slipway_service::releases::{Promotion, Rollback};
use slipway_service::resources::VersionInput;
use slipway_service::{Ctx, Missing, ServiceError};
use slipway_store::PageRequest;

use crate::both_backends;
use crate::harness::Harness;

pub fn prompt(text: &str) -> Value {
    json!({"model": "gpt-4o", "messages": [{"role": "system", "content": text}]})
}

/// acme/chat with alice (owner), bob and carol (approvers), dave (viewer), erin (developer),
/// and a prompt `greeting` with v1 live in staging.
pub async fn setup(h: &Harness) -> (Ctx, Ctx, Ctx, Ctx, Ctx) {
    let s = &h.service;
    let alice = h.user("alice").await;
    s.create_organization(&alice, "acme", "Acme").await.unwrap();
    s.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    for (who, role) in [
        ("bob", Role::Approver),
        ("carol", Role::Approver),
        ("dave", Role::Viewer),
        ("erin", Role::Developer),
    ] {
        s.add_member(&alice, "acme", "chat", who, role).await.unwrap();
    }
    s.create_resource(&alice, "acme", "chat", ResourceKind::Prompt, "greeting")
        .await
        .unwrap();
    let published = s
        .create_version(
            &alice,
            "acme",
            "chat",
            VersionInput::new(ResourceKind::Prompt, "greeting", prompt("v1"))
                .message("first")
                .to(&["staging"]),
        )
        .await
        .unwrap();
    assert_eq!(published.releases.len(), 1);
    assert_eq!(
        published.releases[0].state(),
        ReleaseState::Deployed,
        "staging needs no approval"
    );
    (
        alice,
        h.user("bob").await,
        h.user("carol").await,
        h.user("dave").await,
        h.user("erin").await,
    )
}

/// Publishes `text` as a new version of acme/`project`'s prompt `key` to `env`.
pub async fn publish(
    s: &slipway_service::Service,
    ctx: &Ctx,
    project: &str,
    key: &str,
    text: &str,
    env: &str,
) -> Result<slipway_service::resources::Published, ServiceError> {
    s.create_version(
        ctx,
        "acme",
        project,
        VersionInput::new(ResourceKind::Prompt, key, prompt(text)).to(&[env]),
    )
    .await
}

/// Promotes everything acme/chat's `from` serves into `to`.
pub async fn promote(
    s: &slipway_service::Service,
    ctx: &Ctx,
    from: &str,
    to: &str,
) -> Result<slipway_domain::release::Release, ServiceError> {
    s.promote(ctx, "acme", "chat", Promotion::new(from, to)).await
}

pub async fn served(h: &Harness, ctx: &Ctx, env: Option<&str>) -> Option<u32> {
    match h
        .service
        .resolve_resource(ctx, Some(("acme", "chat")), env, ResourceKind::Prompt, "greeting")
        .await
    {
        Ok(entry) => Some(entry.version.number.get()),
        Err(ServiceError::NotFound(_)) => None,
        Err(e) => panic!("resolution failed: {e}"),
    }
}

/// The gateway context of a fresh unscoped API key of `acme/PROJECT`, made by `owner`.
pub async fn gateway_key(h: &Harness, owner: &Ctx, project: &str) -> Ctx {
    let key = h
        .service
        .create_api_key(
            owner,
            "acme",
            project,
            &slipway_service::api_keys::NewApiKey::named("gw"),
        )
        .await
        .unwrap();
    h.service
        .authenticate_api_key(secrecy::ExposeSecret::expose_secret(&key.secret), None)
        .await
        .unwrap()
}

fn two_approvals() -> PolicyInput {
    PolicyInput {
        required_approvals: 2,
        allowed_sources: vec!["staging".into()],
        allow_direct: false,
        ..PolicyInput::default()
    }
}

both_backends!(a_new_project_has_prod_and_staging, async |h: &Harness| {
    let alice = h.user("alice").await;
    h.service.create_organization(&alice, "acme", "Acme").await.unwrap();
    h.service.create_project(&alice, "acme", "chat", "Chat").await.unwrap();
    let (_, envs) = h.service.environments(&alice, "acme", "chat").await.unwrap();
    let slugs: Vec<&str> = envs.all().iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs, ["prod", "staging"]);
    assert!(envs.by_slug("prod").unwrap().is_gateway_fallback);
    assert!(envs.by_slug("prod").unwrap().is_default_publish_target);
});

both_backends!(promotion_under_two_approvals, async |h: &Harness| {
    let s = &h.service;
    let (alice, bob, carol, dave, _) = setup(h).await;
    s.set_promotion_policy(&alice, "acme", "chat", "prod", two_approvals())
        .await
        .unwrap();
    assert_eq!(served(h, &alice, Some("prod")).await, None, "nothing in prod yet");

    let release = s
        .promote(
            &alice,
            "acme",
            "chat",
            Promotion::new("staging", "prod").message("ship v1"),
        )
        .await
        .unwrap();
    assert_eq!(release.state(), ReleaseState::Pending);

    // The author's approval is recorded but does not count.
    let r = s.act_on_release(&alice, release.id(), Action::Approve).await.unwrap();
    assert_eq!(r.state(), ReleaseState::Pending);
    // A viewer cannot approve.
    let denied = s
        .act_on_release(&dave, release.id(), Action::Approve)
        .await
        .unwrap_err();
    assert!(matches!(denied, ServiceError::Forbidden { .. }), "{denied:?}");

    let r = s.act_on_release(&bob, release.id(), Action::Approve).await.unwrap();
    assert_eq!(r.state(), ReleaseState::Pending, "one of two approvals");
    assert_eq!(served(h, &alice, Some("prod")).await, None);
    let r = s.act_on_release(&carol, release.id(), Action::Approve).await.unwrap();
    assert_eq!(r.state(), ReleaseState::Deployed);
    assert_eq!(served(h, &alice, Some("prod")).await, Some(1));

    // A direct publish to prod is refused by allow_direct = false.
    let err = s
        .create_version(
            &alice,
            "acme",
            "chat",
            VersionInput::new(ResourceKind::Prompt, "greeting", prompt("v2")).to(&["prod"]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::PolicyViolation {
                rule: PolicyRule::AllowDirect,
                ..
            }
        ),
        "{err:?}"
    );
});

both_backends!(staging_moving_on_supersedes_a_pending_promotion, async |h: &Harness| {
    let s = &h.service;
    let (alice, bob, _, _, _) = setup(h).await;
    s.set_promotion_policy(&alice, "acme", "chat", "prod", two_approvals())
        .await
        .unwrap();
    let release = promote(s, &alice, "staging", "prod").await.unwrap();
    publish(s, &alice, "chat", "greeting", "v2", "staging").await.unwrap();
    let r = s.act_on_release(&bob, release.id(), Action::Approve).await.unwrap();
    assert_eq!(r.state(), ReleaseState::Superseded);
    assert_eq!(served(h, &alice, Some("prod")).await, None, "nothing moved");
    assert!(
        s.act_on_release(&bob, release.id(), Action::Apply { bypass_reason: None })
            .await
            .is_err(),
        "a superseded release never applies"
    );
});

both_backends!(
    freeze_window_holds_an_approved_release_until_it_ends,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, bob, _, _, _) = setup(h).await;
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
        let r = s.act_on_release(&bob, release.id(), Action::Approve).await.unwrap();
        assert_eq!(
            r.state(),
            ReleaseState::Approved,
            "approved, waiting for the window to end"
        );
        assert_eq!(served(h, &alice, Some("prod")).await, None);
        let explicit = s
            .act_on_release(&bob, release.id(), Action::Apply { bypass_reason: None })
            .await
            .unwrap_err();
        assert!(
            matches!(
                explicit,
                ServiceError::PolicyViolation {
                    rule: PolicyRule::FreezeWindows,
                    ..
                }
            ),
            "{explicit:?}"
        );

        h.clock.advance(Duration::minutes(30));
        s.tick().await;
        assert_eq!(served(h, &alice, Some("prod")).await, None, "still frozen");
        h.clock.advance(Duration::minutes(31));
        let report = s.tick().await;
        assert_eq!(report.changed, 1);
        assert_eq!(
            s.release(&alice, release.id()).await.unwrap().state(),
            ReleaseState::Deployed
        );
        assert_eq!(served(h, &alice, Some("prod")).await, Some(1));
    }
);

both_backends!(rollback_restores_the_earlier_pointers, async |h: &Harness| {
    let s = &h.service;
    let (alice, _, _, _, _) = setup(h).await;
    let first = s
        .deployments(&alice, "acme", "chat", "staging", PageRequest::default())
        .await
        .unwrap();
    let first = first.items[0].clone();
    publish(s, &alice, "chat", "greeting", "v2", "staging").await.unwrap();
    assert_eq!(served(h, &alice, Some("staging")).await, Some(2));
    let r = s
        .rollback(
            &alice,
            "acme",
            "chat",
            Rollback::new("staging", first.id).message("back to v1"),
        )
        .await
        .unwrap();
    assert_eq!(r.state(), ReleaseState::Deployed);
    assert_eq!(served(h, &alice, Some("staging")).await, Some(1));
    let history = s
        .deployments(&alice, "acme", "chat", "staging", PageRequest::default())
        .await
        .unwrap();
    assert_eq!(history.items.iter().map(|d| d.sequence).collect::<Vec<_>>(), [3, 2, 1]);
});

both_backends!(
    moving_the_gateway_fallback_changes_resolution_at_once,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, _, _, _, _) = setup(h).await;
        assert_eq!(
            served(h, &alice, None).await,
            None,
            "prod is the fallback and serves nothing"
        );
        s.set_environment_roles(
            &alice,
            "acme",
            "chat",
            slipway_service::environments::RolesInput {
                gateway_fallback: Some("staging".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(served(h, &alice, None).await, Some(1));
        assert_eq!(
            served(h, &alice, Some("prod")).await,
            Some(1),
            "prod falls back to staging"
        );
        let unknown = s
            .resolve_resource(
                &alice,
                Some(("acme", "chat")),
                Some("nope"),
                ResourceKind::Prompt,
                "greeting",
            )
            .await
            .unwrap_err();
        assert!(matches!(unknown, ServiceError::NotFound(Missing::Environment(m)) if m == "nope"));
    }
);

both_backends!(an_approver_who_lost_the_role_no_longer_counts, async |h: &Harness| {
    let s = &h.service;
    let (alice, bob, carol, _, _) = setup(h).await;
    s.set_promotion_policy(&alice, "acme", "chat", "prod", two_approvals())
        .await
        .unwrap();
    let release = promote(s, &alice, "staging", "prod").await.unwrap();
    s.act_on_release(&bob, release.id(), Action::Approve).await.unwrap();
    s.remove_member(&alice, "acme", "chat", "bob").await.unwrap();
    let r = s.act_on_release(&carol, release.id(), Action::Approve).await.unwrap();
    assert_eq!(r.state(), ReleaseState::Pending, "bob's approval stopped counting");
    assert_eq!(served(h, &alice, Some("prod")).await, None);
});

both_backends!(
    every_mutation_leaves_one_audit_event_and_the_chain_verifies,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, ..) = setup(h).await;
        let (project, _) = s.project(&alice, "acme", "chat").await.unwrap();
        // project.create, 4 × member.add, prompt.create, version.publish
        let events = s
            .audit_log(
                &alice,
                "acme",
                "chat",
                slipway_service::audit::AuditLogFilter::default(),
                PageRequest {
                    first: 100,
                    after: None,
                },
            )
            .await
            .unwrap();
        let actions: Vec<&str> = events.items.iter().rev().map(|e| e.entry.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "project.create",
                "member.add",
                "member.add",
                "member.add",
                "member.add",
                "prompt.create",
                "version.publish"
            ]
        );
        assert_eq!(s.verify_audit_chain(project.id).await.unwrap(), Ok(7));
    }
);

both_backends!(concurrent_approvals_are_never_lost, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    let approvers = ["ann", "ben", "cat", "dan", "eve", "fay"];
    for who in approvers {
        s.add_member(&alice, "acme", "chat", who, Role::Approver).await.unwrap();
    }
    let policy = PolicyInput {
        required_approvals: 6,
        ..PolicyInput::default()
    };
    s.set_promotion_policy(&alice, "acme", "chat", "prod", policy)
        .await
        .unwrap();
    let release = promote(s, &alice, "staging", "prod").await.unwrap();
    let mut tasks = Vec::new();
    for who in approvers {
        let ctx = h.user(who).await;
        let service = s.clone();
        let id = release.id();
        tasks.push(tokio::spawn(async move {
            service.act_on_release(&ctx, id, Action::Approve).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let release = s.release(&alice, release.id()).await.unwrap();
    assert_eq!(release.parts().approvals.len(), 6, "every approval was kept");
    assert_eq!(
        release.state(),
        ReleaseState::Deployed,
        "the sixth approval deployed it without waiting for a tick"
    );
    assert_eq!(served(h, &alice, Some("prod")).await, Some(1));
});

both_backends!(
    a_prompt_its_routing_rule_and_provider_ship_together,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, bob, ..) = setup(h).await;
        s.create_resource(&alice, "acme", "chat", ResourceKind::Provider, "openai")
            .await
            .unwrap();
        let credential = s
            .set_provider_credential(&alice, "acme", "chat", "openai", secrecy::SecretString::from("sk-test"))
            .await
            .unwrap();
        let activation = json!({"provider_kind": "openai", "base_url": "https://api.openai.com/v1", "models": ["gpt-4o"], "credential": credential.id.to_string()});
        let activation = VersionInput::new(ResourceKind::Provider, "openai", activation).to(&["staging"]);
        s.create_version(&alice, "acme", "chat", activation).await.unwrap();
        s.create_resource(&alice, "acme", "chat", ResourceKind::RoutingRule, "default")
            .await
            .unwrap();
        let rule = json!({"routes": [{"name": "all", "targets": [{"provider": "openai", "model": "gpt-4o"}]}]});
        let rule = VersionInput::new(ResourceKind::RoutingRule, "default", rule).to(&["staging"]);
        s.create_version(&alice, "acme", "chat", rule).await.unwrap();

        let policy = PolicyInput {
            required_approvals: 1,
            ..PolicyInput::default()
        };
        s.set_promotion_policy(&alice, "acme", "chat", "prod", policy)
            .await
            .unwrap();
        let release = s
            .promote(
                &alice,
                "acme",
                "chat",
                Promotion::new("staging", "prod").message("launch"),
            )
            .await
            .unwrap();
        assert_eq!(release.changes().len(), 3, "one release moves all three");
        let resolved = s
            .resolve_environment(&alice, Some(("acme", "chat")), Some("prod"))
            .await
            .unwrap();
        assert_eq!(resolved.view.environment.slug.as_str(), "prod");
        assert!(resolved.view.entries.is_empty(), "nothing moves before approval");
        s.act_on_release(&bob, release.id(), Action::Approve).await.unwrap();
        let resolved = s
            .resolve_environment(&alice, Some(("acme", "chat")), Some("prod"))
            .await
            .unwrap();
        let prod = &resolved.view;
        assert_eq!(prod.environment.slug.as_str(), "prod");
        assert_eq!(prod.entries.len(), 3);
        assert!(prod.entries.values().all(|e| !e.fell_back));
        assert!(
            !prod.body.contains("sk-test"),
            "the credential's secret is never served"
        );
    }
);

both_backends!(
    an_owner_may_bypass_a_blocking_rule_with_a_reason,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, ..) = setup(h).await;
        s.add_member(&alice, "acme", "chat", "adam", Role::Admin).await.unwrap();
        let adam = h.user("adam").await;
        s.set_promotion_policy(&alice, "acme", "chat", "prod", two_approvals())
            .await
            .unwrap();
        let release = promote(s, &adam, "staging", "prod").await.unwrap();
        let blocked = s
            .act_on_release(&adam, release.id(), Action::Apply { bypass_reason: None })
            .await
            .unwrap_err();
        assert!(
            matches!(
                blocked,
                ServiceError::PolicyViolation {
                    rule: PolicyRule::RequiredApprovals,
                    ..
                }
            ),
            "{blocked:?}"
        );
        let denied = apply_with_bypass(s, &adam, release.id(), "hotfix").await.unwrap_err();
        assert!(
            matches!(denied, ServiceError::Forbidden { .. }),
            "admins hold no policy:bypass: {denied:?}"
        );
        let empty = apply_with_bypass(s, &alice, release.id(), "  ").await.unwrap_err();
        assert!(
            matches!(empty, ServiceError::Validation { .. }),
            "a bypass needs a reason: {empty:?}"
        );
        let r = apply_with_bypass(s, &alice, release.id(), "incident 42").await.unwrap();
        assert_eq!(r.state(), ReleaseState::Deployed);
        let bypass = r.parts().bypass.clone().expect("the bypass is shown on the release");
        assert_eq!(
            (bypass.reason.as_str(), bypass.rules.as_slice()),
            ("incident 42", &[PolicyRule::RequiredApprovals][..])
        );
        let events = s
            .audit_log(
                &alice,
                "acme",
                "chat",
                slipway_service::audit::AuditLogFilter::default(),
                PageRequest { first: 1, after: None },
            )
            .await
            .unwrap();
        assert!(
            events.items[0]
                .entry
                .after
                .as_ref()
                .unwrap()
                .to_string()
                .contains("incident 42"),
            "and audited"
        );
        assert_eq!(served(h, &alice, Some("prod")).await, Some(1));
    }
);

both_backends!(a_stale_release_expires_by_itself, async |h: &Harness| {
    let s = &h.service;
    let (alice, bob, ..) = setup(h).await;
    let policy = PolicyInput {
        required_approvals: 1,
        expires_after_seconds: Some(3600),
        ..PolicyInput::default()
    };
    s.set_promotion_policy(&alice, "acme", "chat", "prod", policy)
        .await
        .unwrap();
    let release = promote(s, &alice, "staging", "prod").await.unwrap();
    h.clock.advance(Duration::minutes(59));
    s.tick().await;
    assert_eq!(
        s.release(&alice, release.id()).await.unwrap().state(),
        ReleaseState::Pending
    );
    h.clock.advance(Duration::minutes(2));
    s.tick().await;
    assert_eq!(
        s.release(&alice, release.id()).await.unwrap().state(),
        ReleaseState::Expired
    );
    assert!(
        s.act_on_release(&bob, release.id(), Action::Approve).await.is_err(),
        "an expired release never applies"
    );
    assert_eq!(served(h, &alice, Some("prod")).await, None);
});

/// Applies `release` with a bypass `reason`, as `who`.
async fn apply_with_bypass(
    s: &slipway_service::Service,
    who: &Ctx,
    release: slipway_domain::ReleaseId,
    reason: &str,
) -> Result<slipway_domain::release::Release, ServiceError> {
    s.act_on_release(
        who,
        release,
        Action::Apply {
            bypass_reason: Some(reason.into()),
        },
    )
    .await
}

//! Access rules, quotas, API keys and credentials through the service's API.

use secrecy::SecretString;
use serde_json::json;
use slipway_domain::Role;
use slipway_domain::resource::ResourceKind;
use slipway_service::ServiceError;
use slipway_service::api_keys::NewApiKey;
use slipway_service::environments::EnvironmentInput;
use slipway_service::releases::DirectDeploy;
use slipway_service::resources::VersionInput;
use slipway_store::PageRequest;

use crate::both_backends;
use crate::harness::Harness;
use crate::story::{gateway_key, prompt, publish, setup};

fn qa(slug: &str) -> EnvironmentInput {
    EnvironmentInput {
        slug: slug.into(),
        name: slug.to_uppercase(),
        ..Default::default()
    }
}

both_backends!(the_quota_refuses_one_environment_too_many, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    s.set_environment_quota(&slipway_service::Ctx::system(), "acme", Some(3))
        .await
        .unwrap();
    s.create_environment(&alice, "acme", "chat", qa("qa")).await.unwrap();
    let err = s
        .create_environment(&alice, "acme", "chat", qa("canary"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Conflict { ref message, .. } if message.contains('3')),
        "{err:?}"
    );
});

both_backends!(
    outsiders_get_not_found_and_members_get_forbidden,
    async |h: &Harness| {
        let s = &h.service;
        let (_, _, _, dave, erin) = setup(h).await;
        let mallory = h.user("mallory").await;
        assert!(matches!(
            s.project(&mallory, "acme", "chat").await.unwrap_err(),
            ServiceError::NotFound(_)
        ));
        assert!(matches!(
            s.create_environment(&mallory, "acme", "chat", qa("qa"))
                .await
                .unwrap_err(),
            ServiceError::NotFound(_)
        ));
        assert!(matches!(
            s.create_environment(&dave, "acme", "chat", qa("qa")).await.unwrap_err(),
            ServiceError::Forbidden { .. }
        ));
        assert!(matches!(
            s.create_environment(&erin, "acme", "chat", qa("qa")).await.unwrap_err(),
            ServiceError::Forbidden { .. }
        ));
        // Developers write resources; viewers don't.
        s.create_resource(&erin, "acme", "chat", ResourceKind::Prompt, "faq")
            .await
            .unwrap();
        assert!(matches!(
            s.create_resource(&dave, "acme", "chat", ResourceKind::Prompt, "faq2")
                .await
                .unwrap_err(),
            ServiceError::Forbidden { .. }
        ));
    }
);

both_backends!(moving_default_roles_needs_the_owner, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    s.add_member(&alice, "acme", "chat", "adam", Role::Admin).await.unwrap();
    let adam = h.user("adam").await;
    let input = slipway_service::environments::RolesInput {
        gateway_fallback: Some("staging".into()),
        ..Default::default()
    };
    assert!(matches!(
        s.set_environment_roles(&adam, "acme", "chat", input.clone())
            .await
            .unwrap_err(),
        ServiceError::Forbidden { .. }
    ));
    s.set_environment_roles(&alice, "acme", "chat", input).await.unwrap();
    // The fallback holder cannot be deleted; a system environment neither.
    assert!(matches!(
        s.delete_environment(&alice, "acme", "chat", "staging")
            .await
            .unwrap_err(),
        ServiceError::Conflict { .. }
    ));
});

both_backends!(invalid_input_names_the_field, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    let long = "x".repeat(65);
    let cases = [
        (
            EnvironmentInput {
                slug: "Bad Slug".into(),
                name: "ok".into(),
                ..Default::default()
            },
            "slug",
        ),
        (
            EnvironmentInput {
                slug: "prod".into(),
                name: "ok".into(),
                ..Default::default()
            },
            "slug",
        ),
        (
            EnvironmentInput {
                slug: "qa".into(),
                name: long,
                ..Default::default()
            },
            "name",
        ),
        (
            EnvironmentInput {
                slug: "qa".into(),
                name: "ok".into(),
                color: Some("red".into()),
                ..Default::default()
            },
            "color",
        ),
    ];
    for (input, field) in cases {
        match s.create_environment(&alice, "acme", "chat", input).await.unwrap_err() {
            ServiceError::Validation { field: f, .. } => assert_eq!(f, field),
            other => panic!("expected a validation error on {field}, got {other:?}"),
        }
    }
    let bad = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi {{name}}"}]});
    match s
        .create_version(
            &alice,
            "acme",
            "chat",
            VersionInput::new(ResourceKind::Prompt, "greeting", bad).to(&[]),
        )
        .await
        .unwrap_err()
    {
        ServiceError::Validation { field, .. } => assert_eq!(field, "content.messages[0].content"),
        other => panic!("{other:?}"),
    }
});

both_backends!(identical_content_is_a_no_op, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    let again = publish(s, &alice, "chat", "greeting", "v1", "staging").await.unwrap();
    assert!(!again.created);
    assert_eq!(again.version.number.get(), 1);
    assert!(again.releases.is_empty(), "staging already serves it");
});

both_backends!(api_keys_are_scoped, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    let key = s
        .create_api_key(
            &alice,
            "acme",
            "chat",
            &NewApiKey::named("gateway").for_environments(&["staging".into()]),
        )
        .await
        .unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&key.secret).to_owned();
    assert!(secret.starts_with("slw_"));
    let gateway = s.authenticate_api_key(&secret, None).await.unwrap();
    let entry = s
        .resolve_resource(&gateway, None, Some("staging"), ResourceKind::Prompt, "greeting")
        .await
        .unwrap();
    assert_eq!(entry.version.number.get(), 1);
    assert!(matches!(
        s.resolve_environment(&gateway, None, Some("prod")).await.unwrap_err(),
        ServiceError::Forbidden { .. }
    ));
    // Another project's key cannot read this one.
    s.create_project(&alice, "acme", "other", "Other").await.unwrap();
    let other = gateway_key(h, &alice, "other").await;
    assert!(matches!(
        s.resolve_environment(&other, Some(("acme", "chat")), Some("staging"))
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
    // Keys are read-only: FORBIDDEN in their own project, NOT_FOUND in any other (a key has no
    // `project:view` there), and FORBIDDEN for what only users do.
    assert!(matches!(
        s.create_environment(&gateway, "acme", "chat", qa("qa"))
            .await
            .unwrap_err(),
        ServiceError::Forbidden { .. }
    ));
    assert!(matches!(
        s.create_environment(&gateway, "acme", "other", qa("qa"))
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
    assert!(matches!(
        s.my_organizations(&gateway).await.unwrap_err(),
        ServiceError::Forbidden { .. }
    ));
    // Revoked keys stop working at once.
    s.revoke_api_key(&alice, "acme", "chat", key.key.id).await.unwrap();
    assert!(matches!(
        s.authenticate_api_key(&secret, None).await.unwrap_err(),
        ServiceError::Unauthenticated
    ));
    assert!(matches!(
        s.authenticate_api_key("slw_garbage", None).await.unwrap_err(),
        ServiceError::Unauthenticated
    ));
});

both_backends!(credentials_are_never_audited_in_clear, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    s.create_resource(&alice, "acme", "chat", ResourceKind::Provider, "openai")
        .await
        .unwrap();
    let secret = "sk-test-very-secret-value";
    let info = s
        .set_provider_credential(&alice, "acme", "chat", "openai", SecretString::from(secret))
        .await
        .unwrap();
    let activation = json!({"provider_kind": "openai", "base_url": "https://api.openai.com/v1", "models": ["gpt-4o"], "credential": info.id.to_string()});
    s.create_version(
        &alice,
        "acme",
        "chat",
        VersionInput::new(ResourceKind::Provider, "openai", activation).to(&["staging"]),
    )
    .await
    .unwrap();
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
    for e in &events.items {
        let text = format!("{:?}", e.entry);
        assert!(
            !text.contains(secret),
            "secret leaked into audit event {}",
            e.entry.action
        );
    }
    // A credential id from nowhere is refused.
    let bogus = json!({"provider_kind": "openai", "base_url": "https://api.openai.com/v1", "models": ["gpt-4o"], "credential": uuid::Uuid::new_v4().to_string()});
    assert!(matches!(
        s.create_version(
            &alice,
            "acme",
            "chat",
            VersionInput::new(ResourceKind::Provider, "openai", bogus).to(&[])
        )
        .await
        .unwrap_err(),
        ServiceError::Validation { .. }
    ));
});

both_backends!(
    gateway_reads_come_from_memory_and_revocations_elsewhere_arrive_by_tick,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, ..) = setup(h).await;
        let key = s
            .create_api_key(&alice, "acme", "chat", &NewApiKey::named("gateway"))
            .await
            .unwrap();
        let secret = secrecy::ExposeSecret::expose_secret(&key.secret).to_owned();
        let gateway = s.authenticate_api_key(&secret, None).await.unwrap();
        s.resolve_environment(&gateway, None, Some("staging")).await.unwrap();
        let summary = s.snapshot_summary();
        assert_eq!(summary.projects, 1, "one project's snapshot is held");
        assert!(summary.max_revision > 0, "{summary:?}");
        let (hits_before, _) = s.resolution_cache_stats();
        s.resolve_environment(&gateway, None, Some("staging")).await.unwrap();
        assert_eq!(
            s.resolution_cache_stats().0,
            hits_before + 1,
            "a second read is a cache hit"
        );

        // Another instance revokes the key, straight in the shared database.
        let mut revoked = key.key.clone();
        revoked.revoked_at = Some(slipway_service::Clock::now(&*h.clock));
        s.store()
            .commit(slipway_store::Commit {
                chain_id: key.key.project_id.as_uuid(),
                writes: vec![slipway_store::Write::RevokeApiKey {
                    id: key.key.id,
                    at: revoked.revoked_at.unwrap(),
                }],
                audit: slipway_domain::audit::AuditEntry {
                    actor: slipway_domain::audit::Actor::System,
                    action: "api_key.revoke".into(),
                    target_kind: "api_key".into(),
                    target_id: key.key.id.to_string(),
                    before: None,
                    after: None,
                    request_id: None,
                    caller_request_id: None,
                },
                at: revoked.revoked_at.unwrap(),
            })
            .await
            .unwrap();
        assert!(
            s.authenticate_api_key(&secret, None).await.is_ok(),
            "still cached on this instance"
        );
        s.tick().await;
        assert!(matches!(
            s.authenticate_api_key(&secret, None).await.unwrap_err(),
            ServiceError::Unauthenticated
        ));
    }
);

both_backends!(
    concurrent_environment_edits_never_break_the_role_invariants,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, ..) = setup(h).await;
        let mut tasks = Vec::new();
        for i in 0..24 {
            let (service, ctx) = (s.clone(), alice.clone());
            tasks.push(tokio::spawn(async move {
                let slug = if i % 2 == 0 { "prod" } else { "staging" };
                let result = if i % 3 == 0 {
                    let input = slipway_service::environments::RolesInput {
                        gateway_fallback: Some(slug.into()),
                        ..Default::default()
                    };
                    service
                        .set_environment_roles(&ctx, "acme", "chat", input)
                        .await
                        .map(|_| ())
                } else {
                    let update = slipway_service::environments::EnvironmentUpdate {
                        name: Some(format!("{slug} {i}")),
                        ..Default::default()
                    };
                    service
                        .update_environment(&ctx, "acme", "chat", slug, update)
                        .await
                        .map(|_| ())
                };
                match result {
                    Ok(()) | Err(ServiceError::Conflict { .. }) => {}
                    Err(e) => panic!("unexpected error: {e:?}"),
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        // Loading checks every invariant; exactly one fallback and one default publish target remain.
        let (_, envs) = s.environments(&alice, "acme", "chat").await.unwrap();
        assert_eq!(envs.all().iter().filter(|e| e.is_gateway_fallback).count(), 1);
        assert_eq!(envs.all().iter().filter(|e| e.is_default_publish_target).count(), 1);
    }
);

both_backends!(credentials_move_to_a_rotated_key, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    s.create_resource(&alice, "acme", "chat", ResourceKind::Provider, "openai")
        .await
        .unwrap();
    let info = s
        .set_provider_credential(&alice, "acme", "chat", "openai", SecretString::from("sk-rotate-me"))
        .await
        .unwrap();
    assert_eq!(info.key_version, 1);
    // Only the operator may read or rotate credentials.
    assert!(s.decrypt_credential(&alice, info.id).await.is_err());
    assert!(s.reencrypt_credentials(&alice).await.is_err());

    // The keyring that encrypted it, with a new current key: another instance after rotation.
    let new_key = slipway_auth::keyring::generate_credential_key_base64();
    let text = format!(
        "{}\n2:{}",
        h.keyring_text,
        secrecy::ExposeSecret::expose_secret(&new_key)
    );
    let keyring = slipway_auth::keyring::parse_keyring(&text).unwrap();
    let new_version = keyring.current_version();
    assert_eq!(new_version, 2);
    let rotated = slipway_service::Service::new(s.store().clone(), h.clock.clone(), keyring);
    let system = slipway_service::Ctx::system();
    let report = rotated.reencrypt_credentials(&system).await.unwrap();
    assert_eq!((report.reencrypted, report.failed), (1, 0));
    assert_eq!(
        s.store().credential(info.id).await.unwrap().unwrap().key_version,
        new_version
    );
    let secret = rotated.decrypt_credential(&system, info.id).await.unwrap();
    assert_eq!(secrecy::ExposeSecret::expose_secret(&secret), "sk-rotate-me");
    // A second pass has nothing left to do.
    assert_eq!(
        rotated.reencrypt_credentials(&system).await.unwrap(),
        slipway_service::ReencryptReport::default()
    );
});

both_backends!(
    multi_target_publish_creation_bypass_approver_roles_and_refused_members,
    async |h: &Harness| {
        use slipway_domain::policy::PolicyRule;
        use slipway_domain::release::ReleaseState;
        use slipway_service::policies::PolicyInput;
        let s = &h.service;
        let (alice, ..) = setup(h).await;
        let closed = PolicyInput {
            allow_direct: false,
            required_approvals: 1,
            ..PolicyInput::default()
        };
        s.set_promotion_policy(&alice, "acme", "chat", "prod", closed)
            .await
            .unwrap();

        // A publish to several targets is refused whole when one target's policy forbids it.
        let err = s
            .create_version(
                &alice,
                "acme",
                "chat",
                VersionInput::new(ResourceKind::Prompt, "greeting", prompt("v2")).to(&["staging", "prod"]),
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
        let versions = s
            .versions(
                &alice,
                "acme",
                "chat",
                ResourceKind::Prompt,
                "greeting",
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(versions.items.len(), 1, "no version was written");

        // A bypass given when a release is created deploys it now and is recorded on it.
        let change = slipway_service::releases::DirectChange {
            resource: slipway_service::releases::ResourceRef {
                kind: ResourceKind::Prompt,
                key: "greeting".into(),
            },
            version: Some(1),
        };
        let release = s
            .deploy(
                &alice,
                "acme",
                "chat",
                DirectDeploy::new("prod", vec![change])
                    .message("hotfix")
                    .bypass("incident 7"),
            )
            .await
            .unwrap();
        assert_eq!(release.state(), ReleaseState::Deployed);
        let bypass = release.parts().bypass.clone().unwrap();
        assert_eq!(
            bypass.rules,
            vec![PolicyRule::AllowDirect, PolicyRule::RequiredApprovals]
        );

        // Approver roles that can never approve are refused.
        let useless = PolicyInput {
            approver_roles: vec![Role::Developer],
            required_approvals: 1,
            ..PolicyInput::default()
        };
        match s
            .set_promotion_policy(&alice, "acme", "chat", "prod", useless)
            .await
            .unwrap_err()
        {
            ServiceError::Validation { field, .. } => assert_eq!(field, "approver_roles"),
            other => panic!("{other:?}"),
        }

        // A refused addMember leaves no user behind.
        s.add_member(&alice, "acme", "chat", "adam", Role::Admin).await.unwrap();
        let adam = h.user("adam").await;
        assert!(s.add_member(&adam, "acme", "chat", "ghost", Role::Owner).await.is_err());
        assert!(s.store().user_by_subject("ghost").await.unwrap().is_none());
    }
);

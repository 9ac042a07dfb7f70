//! A person's gateway reads (`resolve` with a user's context) are authorized from memory: once
//! the database has said that a member may view the project, further reads send no statement to
//! the database at all — and a removed member is refused on the very next read. An API key that
//! names its project reads from memory too.

use slipway_domain::resource::ResourceKind;
use slipway_service::ServiceError;

use crate::both_backends;
use crate::harness::Harness;
use crate::story::{gateway_key, setup};

both_backends!(an_authorized_persons_reads_send_no_query, async |h: &Harness| {
    let s = &h.service;
    let (_alice, _bob, _carol, dave, _erin) = setup(h).await;
    let statements = || s.store().statements_run();

    let before = statements();
    s.resolve_environment(&dave, Some(("acme", "chat")), Some("staging"))
        .await
        .unwrap();
    assert!(
        statements() > before,
        "the first read checks the membership in the database"
    );

    let before = statements();
    for _ in 0..5 {
        s.resolve_environment(&dave, Some(("acme", "chat")), Some("staging"))
            .await
            .unwrap();
        s.resolve_resource(
            &dave,
            Some(("acme", "chat")),
            Some("staging"),
            ResourceKind::Prompt,
            "greeting",
        )
        .await
        .unwrap();
    }
    assert_eq!(
        statements() - before,
        0,
        "authorized reads from memory send no statement"
    );
});

both_backends!(an_api_key_naming_its_project_reads_from_memory, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    let gateway = gateway_key(h, &alice, "chat").await;
    let statements = || s.store().statements_run();
    s.resolve_environment(&gateway, Some(("acme", "chat")), Some("staging"))
        .await
        .unwrap();
    let before = statements();
    for _ in 0..5 {
        s.resolve_environment(&gateway, Some(("acme", "chat")), Some("staging"))
            .await
            .unwrap();
    }
    assert_eq!(statements() - before, 0, "the project's address is remembered");
    // Another project, even one remembered, is still refused to this key.
    s.create_project(&alice, "acme", "other", "Other").await.unwrap();
    s.resolve_environment(&alice, Some(("acme", "other")), None).await.ok();
    for _ in 0..2 {
        assert!(matches!(
            s.resolve_environment(&gateway, Some(("acme", "other")), Some("staging"))
                .await
                .unwrap_err(),
            ServiceError::NotFound(_)
        ));
    }
    assert!(matches!(
        s.resolve_environment(&gateway, Some(("acme", "nowhere")), Some("staging"))
            .await
            .unwrap_err(),
        ServiceError::NotFound(_)
    ));
});

both_backends!(a_removed_member_is_refused_on_the_next_read, async |h: &Harness| {
    let s = &h.service;
    let (alice, _bob, _carol, dave, _erin) = setup(h).await;
    s.resolve_environment(&dave, Some(("acme", "chat")), Some("staging"))
        .await
        .unwrap();
    s.remove_member(&alice, "acme", "chat", "dave").await.unwrap();
    let refused = s
        .resolve_environment(&dave, Some(("acme", "chat")), Some("staging"))
        .await
        .unwrap_err();
    assert!(matches!(refused, ServiceError::NotFound(_)), "{refused:?}");

    // Added back, the member reads again (a refusal is never remembered).
    s.add_member(&alice, "acme", "chat", "dave", slipway_domain::Role::Viewer)
        .await
        .unwrap();
    s.resolve_environment(&dave, Some(("acme", "chat")), Some("staging"))
        .await
        .unwrap();
});

both_backends!(
    interfaces_read_resources_and_projects_without_listing,
    async |h: &Harness| {
        let s = &h.service;
        let (alice, _bob, _carol, dave, _erin) = setup(h).await;
        let stranger = h.user("mallory").await;
        let greeting = s
            .resource(&dave, "acme", "chat", ResourceKind::Prompt, "greeting")
            .await
            .unwrap();
        assert_eq!(greeting.key.as_str(), "greeting");
        for (who, kind, key) in [
            (&dave, ResourceKind::Prompt, "missing"),
            (&dave, ResourceKind::Provider, "greeting"),
            (&stranger, ResourceKind::Prompt, "greeting"),
        ] {
            assert!(matches!(
                s.resource(who, "acme", "chat", kind, key).await.unwrap_err(),
                ServiceError::NotFound(_)
            ));
        }
        assert_eq!(
            s.resources_by_ids(&[greeting.id]).await.unwrap(),
            vec![greeting.clone()]
        );

        let (org, project) = s.project_by_id(&dave, greeting.project_id).await.unwrap();
        assert_eq!((org.as_str(), project.slug.as_str()), ("acme", "chat"));
        assert!(matches!(
            s.project_by_id(&stranger, greeting.project_id).await.unwrap_err(),
            ServiceError::NotFound(_)
        ));
        let gateway = gateway_key(h, &alice, "chat").await;
        assert!(matches!(
            s.project_by_id(&gateway, greeting.project_id).await.unwrap_err(),
            ServiceError::Forbidden { .. }
        ));

        // Releases by id: what the caller may see, in one read; the rest is left out.
        let page = s
            .releases(
                &dave,
                "acme",
                "chat",
                Default::default(),
                slipway_store::PageRequest::default(),
            )
            .await
            .unwrap();
        let mut want: Vec<_> = page.items.iter().map(|r| r.id()).collect();
        assert!(!want.is_empty());
        let mut seen: Vec<_> = s
            .releases_by_ids(&dave, &want)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id())
            .collect();
        seen.sort();
        want.sort();
        assert_eq!(seen, want);
        assert!(s.releases_by_ids(&stranger, &want).await.unwrap().is_empty());
        assert!(s.releases_by_ids(&gateway, &want).await.unwrap().is_empty());
    }
);

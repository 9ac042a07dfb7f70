//! The bounded snapshot cache: past its memory limit, cold projects are dropped and rebuilt on
//! their next read, and every answer stays right.

use slipway_domain::resource::ResourceKind;

use crate::both_backends;
use crate::harness::Harness;
use crate::story::{publish, served, setup};

both_backends!(cold_projects_are_dropped_and_rebuilt_on_demand, async |h: &Harness| {
    let s = &h.service;
    let (alice, ..) = setup(h).await;
    s.create_project(&alice, "acme", "other", "Other").await.unwrap();
    s.create_resource(&alice, "acme", "other", ResourceKind::Prompt, "greeting")
        .await
        .unwrap();
    publish(s, &alice, "other", "greeting", "other v1", "staging")
        .await
        .unwrap();
    s.limit_snapshot_memory(1);
    let other = async || {
        s.resolve_resource(
            &alice,
            Some(("acme", "other")),
            Some("staging"),
            ResourceKind::Prompt,
            "greeting",
        )
        .await
        .unwrap()
        .version
        .number
        .get()
    };
    for _ in 0..3 {
        assert_eq!(served(h, &alice, Some("staging")).await, Some(1));
        assert_eq!(other().await, 1);
        assert_eq!(s.cached_snapshots(), 1, "only the project read last is held");
    }
    // A change to a dropped project is seen on its next read.
    publish(s, &alice, "chat", "greeting", "v2", "staging").await.unwrap();
    assert_eq!(other().await, 1);
    assert_eq!(served(h, &alice, Some("staging")).await, Some(2));
    s.limit_snapshot_memory(usize::MAX);
    assert_eq!(other().await, 1);
    assert_eq!(s.cached_snapshots(), 2, "with room, both stay");
    assert!(s.snapshot_memory() > 0);
});

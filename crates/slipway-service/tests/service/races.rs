//! The server retries its own races: writers of one project on two instances (two services
//! over one database, so no in-process lock orders them) never see a CONFLICT for asking
//! different things at once.

use slipway_service::resources::VersionInput;
use std::sync::Arc;

use slipway_domain::release::ReleaseState;
use slipway_domain::resource::ResourceKind;
use slipway_service::{ManualClock, Service};

use crate::both_backends;
use crate::harness::{Harness, start_time};
use crate::story::{prompt, publish, setup};

/// Writers per instance.
const WRITERS: usize = 8;

/// Another instance over the same database: its own service, so no in-process lock orders its
/// writers with the harness's.
fn second_instance(h: &Harness) -> Service {
    let keyring = slipway_auth::keyring::parse_keyring(&h.keyring_text).unwrap();
    Service::new(
        h.service.store().clone(),
        Arc::new(ManualClock::new(start_time())),
        keyring,
    )
}

both_backends!(distinct_versions_from_two_instances_all_succeed, async |h: &Harness| {
    let (alice, ..) = setup(h).await;
    let other = second_instance(h);
    let mut tasks = Vec::new();
    for i in 0..2 * WRITERS {
        let service = if i % 2 == 0 { h.service.clone() } else { other.clone() };
        let ctx = alice.clone();
        tasks.push(tokio::spawn(async move {
            service
                .create_version(
                    &ctx,
                    "acme",
                    "chat",
                    VersionInput::new(ResourceKind::Prompt, "greeting", prompt(&format!("draft {i}")))
                        .message("racing"),
                )
                .await
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        let published = task.await.unwrap().expect("the server retries its own races");
        assert!(published.created);
        assert_eq!(published.releases.len(), 1, "published to the default target");
        assert_eq!(published.releases[0].state(), ReleaseState::Deployed);
        numbers.push(published.version.number.get());
    }
    numbers.sort_unstable();
    let expected: Vec<u32> = (2..=(2 * WRITERS) as u32 + 1).collect();
    assert_eq!(numbers, expected, "distinct numbers after v1, none lost");
});

both_backends!(
    environment_and_policy_changes_racing_deploys_all_succeed,
    async |h: &Harness| {
        let (alice, ..) = setup(h).await;
        let other = second_instance(h);
        let mut tasks: Vec<tokio::task::JoinHandle<Result<(), slipway_service::ServiceError>>> = Vec::new();
        for i in 0..WRITERS {
            let service = if i % 2 == 0 { h.service.clone() } else { other.clone() };
            let ctx = alice.clone();
            tasks.push(tokio::spawn(async move {
                // Each writer changes the environments (a new one, a policy) and deploys.
                let input = slipway_service::environments::EnvironmentInput {
                    slug: format!("qa{i}"),
                    name: format!("QA {i}"),
                    ..Default::default()
                };
                service.create_environment(&ctx, "acme", "chat", input).await?;
                let policy = slipway_service::policies::PolicyInput {
                    required_approvals: u32::try_from(i % 3).unwrap(),
                    ..Default::default()
                };
                service
                    .set_promotion_policy(&ctx, "acme", "chat", &format!("qa{i}"), policy)
                    .await?;
                publish(&service, &ctx, "chat", "greeting", &format!("racing {i}"), "staging").await?;
                Ok(())
            }));
        }
        for task in tasks {
            task.await
                .unwrap()
                .expect("environment changes retry their own races too");
        }
        let (_, environments) = h.service.environments(&alice, "acme", "chat").await.unwrap();
        assert_eq!(environments.all().len(), 2 + WRITERS, "every new environment is there");
    }
);

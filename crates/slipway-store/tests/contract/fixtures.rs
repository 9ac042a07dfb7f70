//! Builders of domain values and the commits that store them.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::json;
use slipway_domain::audit::{Actor, AuditEntry};
use slipway_domain::content::Content;
use slipway_domain::deployment::Deployment;
use slipway_domain::environment::{Environment, Environments};
use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::release::{Change, Release, ReleaseOrigin, ReleaseParts, ReleaseState};
use slipway_domain::resource::{ResourceKey, ResourceKind, VersionNumber};
use slipway_domain::slug::{EnvironmentSlug, OrganizationSlug, ProjectSlug};
use slipway_domain::text::{Color, Description, Message, Name};
use slipway_domain::{
    DeploymentId, EnvironmentId, Organization, OrganizationId, Project, ProjectId, ReleaseId, Resource, ResourceId,
    Role, User, UserId, Version, VersionId,
};
use slipway_store::{Commit, Committed, Store, StoreError, Write};
use uuid::Uuid;

/// A fixed, microsecond-precise "now".
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A fresh id.
pub fn id() -> Uuid {
    Uuid::now_v7()
}

/// An audit entry for `action` by `user`.
pub fn entry(user: UserId, action: &str) -> AuditEntry {
    AuditEntry {
        actor: Actor::User(user),
        action: action.to_owned(),
        target_kind: "test".to_owned(),
        target_id: "t".to_owned(),
        before: None,
        after: Some(json!({"action": action, "n": 1.5, "list": [1, "two", null]})),
        request_id: Some("req-1".to_owned()),
        caller_request_id: Some("caller-1".to_owned()),
    }
}

/// A commit of `writes` on `chain`.
pub fn commit(chain: Uuid, user: UserId, action: &str, writes: Vec<Write>) -> Commit {
    Commit {
        chain_id: chain,
        writes,
        audit: entry(user, action),
        at: now(),
    }
}

/// A user, an organization owned by them, and a project with its system environments.
pub struct World {
    pub user: User,
    pub org: Organization,
    pub project: Project,
    pub envs: Environments,
}

impl World {
    pub fn prod(&self) -> &Environment {
        self.envs.by_slug("prod").expect("prod")
    }

    pub fn staging(&self) -> &Environment {
        self.envs.by_slug("staging").expect("staging")
    }

    pub fn chain(&self) -> Uuid {
        self.project.id.as_uuid()
    }

    /// Commits `writes` on the project's chain.
    pub async fn commit(&self, store: &Store, action: &str, writes: Vec<Write>) -> Result<Committed, StoreError> {
        store.commit(commit(self.chain(), self.user.id, action, writes)).await
    }
}

/// Creates a world whose slugs end in `suffix`.
pub async fn world(store: &Store, suffix: &str) -> World {
    let user = store
        .upsert_user(&format!("sub-{suffix}"), Some("Ada"), Some("ada@example.com"), now())
        .await
        .expect("user");
    let org = Organization {
        id: OrganizationId::from_uuid(id()),
        slug: OrganizationSlug::parse(&format!("acme-{suffix}")).expect("slug"),
        name: Name::parse("Acme").expect("name"),
        environment_quota: Some(5),
        created_at: now(),
    };
    store
        .commit(commit(
            org.id.as_uuid(),
            user.id,
            "organization.create",
            vec![
                Write::InsertOrganization(org.clone()),
                Write::UpsertMembership(Membership {
                    user_id: user.id,
                    scope: MembershipScope::Organization(org.id),
                    role: Role::Owner,
                    source: MembershipSource::Slipway,
                    created_at: now(),
                }),
            ],
        ))
        .await
        .expect("organization");
    let project = Project {
        id: ProjectId::from_uuid(id()),
        organization_id: org.id,
        slug: ProjectSlug::parse("chat").expect("slug"),
        name: Name::parse("Chat").expect("name"),
        created_at: now(),
    };
    let envs = Environments::for_new_project(
        project.id,
        EnvironmentId::from_uuid(id()),
        EnvironmentId::from_uuid(id()),
        now(),
    );
    store
        .commit(commit(
            project.id.as_uuid(),
            user.id,
            "project.create",
            vec![Write::InsertProject {
                project: project.clone(),
                environments: envs.clone(),
            }],
        ))
        .await
        .expect("project");
    World {
        user,
        org,
        project,
        envs,
    }
}

/// A new user-created environment of the world's project.
pub fn environment(world: &World, slug: &str, position: u32) -> Environment {
    let mut env = world.staging().clone();
    env.id = EnvironmentId::from_uuid(id());
    env.slug = EnvironmentSlug::parse(slug).expect("slug");
    env.name = Name::parse(slug).expect("name");
    env.description = Description::parse("made by a test").expect("description");
    env.color = Color::rgb(1, 2, 3);
    env.position = position;
    env.is_system = false;
    env.is_production = false;
    env.is_default_publish_target = false;
    env.is_gateway_fallback = false;
    env
}

/// A prompt resource.
pub fn prompt(world: &World, key: &str) -> Resource {
    Resource {
        id: ResourceId::from_uuid(id()),
        project_id: world.project.id,
        kind: ResourceKind::Prompt,
        key: ResourceKey::parse(key).expect("key"),
        created_at: now(),
    }
}

/// Version `number` of a prompt resource, whose content says `topic`.
pub fn version(world: &World, resource: &Resource, number: i64, topic: &str) -> Version {
    let content = Content::parse(
        ResourceKind::Prompt,
        json!({
            "model": "gpt-4o",
            "messages": [{"role": "system", "content": format!("You help with {topic} and {{{{topic}}}}.")}],
            "parameters": {"temperature": 0.2, "max_tokens": 256},
            "variables": ["topic"]
        }),
    )
    .expect("content");
    Version {
        id: VersionId::from_uuid(id()),
        resource_id: resource.id,
        number: VersionNumber::new(number).expect("number"),
        content_hash: content.hash(),
        content,
        author: world.user.id,
        message: Message::parse("message", &format!("v{number}")).expect("message"),
        created_at: now(),
    }
}

/// Stores a prompt with versions 1..=count and returns them.
pub async fn prompt_with_versions(store: &Store, world: &World, key: &str, count: i64) -> (Resource, Vec<Version>) {
    let resource = prompt(world, key);
    let versions: Vec<Version> = (1..=count)
        .map(|n| version(world, &resource, n, &format!("t{n}")))
        .collect();
    let mut writes = vec![Write::InsertResource(resource.clone())];
    writes.extend(versions.iter().cloned().map(Write::InsertVersion));
    world.commit(store, "prompt.create", writes).await.expect("prompt");
    (resource, versions)
}

/// A pending direct release of `changes` to `environment`.
pub fn release(world: &World, environment: EnvironmentId, changes: Vec<Change>) -> Release {
    let at = now();
    Release::create(ReleaseParts {
        id: ReleaseId::from_uuid(id()),
        project_id: world.project.id,
        environment_id: environment,
        origin: ReleaseOrigin::Direct,
        changes,
        author: world.user.id,
        message: Message::parse("message", "ship it").expect("message"),
        policy_revision: 1,
        state: ReleaseState::Pending,
        approvals: Vec::new(),
        decision: None,
        bypass: None,
        deployment_id: None,
        created_at: at,
        updated_at: at,
    })
    .expect("release")
}

/// The writes that apply `release` as deployment number `sequence`, leaving `after`.
pub fn apply_writes(
    world: &World,
    release: &Release,
    sequence: u64,
    after: BTreeMap<ResourceId, VersionId>,
) -> (Vec<Write>, DeploymentId) {
    let deployment_id = DeploymentId::from_uuid(id());
    let at = now();
    let mut deployed = release.clone();
    deployed.mark_deployed(deployment_id, None, at).expect("deployable");
    let writes = vec![
        Write::UpdateRelease {
            release: deployed,
            expected_state: release.state(),
        },
        Write::MovePointers {
            environment: release.environment_id(),
            changes: release.changes().to_vec(),
            at,
        },
        Write::InsertDeployment(Deployment {
            id: deployment_id,
            project_id: world.project.id,
            environment_id: release.environment_id(),
            release_id: release.id(),
            sequence,
            changes: release.changes().to_vec(),
            pointers_after: after,
            deployed_by: Some(world.user.id),
            bypass: None,
            deployed_at: at,
        }),
    ];
    (writes, deployment_id)
}

/// Creates and applies a direct release moving `resource` in `environment` from `from` to `to`.
pub async fn deploy(
    store: &Store,
    world: &World,
    environment: EnvironmentId,
    sequence: u64,
    resource: ResourceId,
    from: Option<VersionId>,
    to: Option<VersionId>,
) -> Result<Committed, StoreError> {
    let release = release(
        world,
        environment,
        vec![Change {
            resource_id: resource,
            from_version: from,
            to_version: to,
        }],
    );
    world
        .commit(store, "release.create", vec![Write::InsertRelease(release.clone())])
        .await?;
    let after: BTreeMap<ResourceId, VersionId> = to.map(|v| (resource, v)).into_iter().collect();
    let (writes, _) = apply_writes(world, &release, sequence, after);
    world.commit(store, "release.apply", writes).await
}

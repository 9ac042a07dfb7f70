//! What a delivery's body says: the Standard Webhooks shape `{ "type", "timestamp", "data" }`,
//! with the project, the environment, the release (id, state, changes with resource keys and
//! version numbers, author, approvals) and a link to the dashboard. It is built from domain
//! values only, and none of them holds a credential, so a payload never carries one.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::environment::Environment;
use crate::release::Release;
use crate::resource::VersionNumber;
use crate::webhook::EventKind;
use crate::{DomainError, Project, Resource, ResourceId, VersionId};

/// The project and environment an event is about, and where the dashboard is.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The project.
    pub project: &'a Project,
    /// The environment.
    pub environment: &'a Environment,
    /// The dashboard's public base URL (`https://slipway.example.com`), when configured.
    pub dashboard_url: Option<&'a str>,
}

/// What a release payload names besides the release: its resources and version numbers.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseFacts<'a> {
    /// Every resource a change of the release moves.
    pub resources: &'a BTreeMap<ResourceId, Resource>,
    /// The number of every version a change names.
    pub versions: &'a BTreeMap<VersionId, VersionNumber>,
}

#[derive(Serialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    data: Value,
}

fn envelope(kind: EventKind, at: DateTime<Utc>, data: Value) -> String {
    let envelope = Envelope {
        kind: kind.as_str(),
        timestamp: at.to_rfc3339_opts(SecondsFormat::Millis, true),
        data,
    };
    // Serializing a `Value` inside a plain struct cannot fail.
    serde_json::to_string(&envelope).unwrap_or_default()
}

fn scope_json(scope: Scope<'_>) -> (Value, Value) {
    let env = scope.environment;
    (
        json!({ "id": scope.project.id.to_string(), "slug": scope.project.slug.as_str(), "name": scope.project.name.as_str() }),
        json!({
            "id": env.id.to_string(),
            "slug": env.slug.as_str(),
            "name": env.name.as_str(),
            "production": env.is_production,
            "gateway_fallback": env.is_gateway_fallback,
            "default_publish_target": env.is_default_publish_target,
        }),
    )
}

/// The body of a release event of `kind`, sent at `at`.
///
/// # Errors
/// [`DomainError::Invariant`] when `facts` lacks a resource or version a change names.
pub fn release(
    kind: EventKind,
    scope: Scope<'_>,
    release: &Release,
    facts: ReleaseFacts<'_>,
    at: DateTime<Utc>,
) -> Result<String, DomainError> {
    let number = |id: Option<VersionId>| -> Result<Value, DomainError> {
        id.map_or(Ok(Value::Null), |id| {
            facts
                .versions
                .get(&id)
                .map(|n| json!(n.get()))
                .ok_or_else(|| DomainError::Invariant(format!("version {id} of a release is unknown")))
        })
    };
    let mut changes = Vec::new();
    for change in release.changes() {
        let resource = facts.resources.get(&change.resource_id).ok_or_else(|| {
            DomainError::Invariant(format!("resource {} of a release is unknown", change.resource_id))
        })?;
        changes.push(json!({
            "resource": { "id": resource.id.to_string(), "kind": resource.kind.as_str(), "key": resource.key.as_str() },
            "from_version": number(change.from_version)?,
            "to_version": number(change.to_version)?,
        }));
    }
    let parts = release.parts();
    let approvals: Vec<Value> = parts
        .approvals
        .iter()
        .map(|a| json!({ "user": a.user.to_string(), "at": a.at.to_rfc3339_opts(SecondsFormat::Millis, true) }))
        .collect();
    let (project, environment) = scope_json(scope);
    let url = scope
        .dashboard_url
        .map(|base| format!("{}/releases/{}", base.trim_end_matches('/'), release.id()));
    let data = json!({
        "project": project,
        "environment": environment,
        "release": {
            "id": release.id().to_string(),
            "state": release.state().as_str(),
            "origin": release.origin().as_str(),
            "message": parts.message.as_str(),
            "author": release.author().to_string(),
            "approvals": approvals,
            "changes": changes,
            "created_at": parts.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        },
        "dashboard_url": url,
    });
    Ok(envelope(kind, at, data))
}

/// The body of `environment.changed`: the environment as it is now (roles, policy revision).
pub fn environment_changed(scope: Scope<'_>, at: DateTime<Utc>) -> String {
    let (project, environment) = scope_json(scope);
    let url = scope.dashboard_url.map(|base| base.trim_end_matches('/').to_owned());
    envelope(
        EventKind::EnvironmentChanged,
        at,
        json!({ "project": project, "environment": environment, "dashboard_url": url }),
    )
}

/// The body of the test event a member sends to check an endpoint.
pub fn test(project: &Project, at: DateTime<Utc>) -> String {
    envelope(
        EventKind::Test,
        at,
        json!({
            "project": { "id": project.id.to_string(), "slug": project.slug.as_str(), "name": project.name.as_str() },
            "message": "This is a test event from Slipway.",
        }),
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;
    use crate::environment::Environments;
    use crate::release::{Approval, Change, ReleaseOrigin, ReleaseParts, ReleaseState};
    use crate::resource::{ResourceKey, ResourceKind};
    use crate::slug::ProjectSlug;
    use crate::text::{Message, Name};
    use crate::{EnvironmentId, ProjectId, ReleaseId, UserId};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_release_payload_names_what_moves_and_links_the_dashboard() {
        let at = Utc.timestamp_opt(1_800_000_000, 0).single().unwrap();
        let project = Project {
            id: ProjectId::from_uuid(id(1)),
            organization_id: crate::OrganizationId::from_uuid(id(2)),
            slug: ProjectSlug::parse("shop").unwrap(),
            name: Name::parse("Shop").unwrap(),
            created_at: at,
        };
        let envs = Environments::for_new_project(
            project.id,
            EnvironmentId::from_uuid(id(3)),
            EnvironmentId::from_uuid(id(4)),
            at,
        );
        let prod = envs.all()[0].clone();
        let resource = Resource {
            id: ResourceId::from_uuid(id(5)),
            project_id: project.id,
            kind: ResourceKind::Prompt,
            key: ResourceKey::parse("greeting").unwrap(),
            created_at: at,
        };
        let (v1, v2) = (VersionId::from_uuid(id(6)), VersionId::from_uuid(id(7)));
        let release = Release::restore(ReleaseParts {
            id: ReleaseId::from_uuid(id(8)),
            project_id: project.id,
            environment_id: prod.id,
            origin: ReleaseOrigin::Publish,
            changes: vec![Change {
                resource_id: resource.id,
                from_version: Some(v1),
                to_version: Some(v2),
            }],
            author: UserId::from_uuid(id(9)),
            message: Message::parse("message", "ship it").unwrap(),
            policy_revision: 1,
            state: ReleaseState::Pending,
            approvals: vec![Approval {
                user: UserId::from_uuid(id(10)),
                at,
            }],
            decision: None,
            bypass: None,
            deployment_id: None,
            created_at: at,
            updated_at: at,
        });
        let resources = BTreeMap::from([(resource.id, resource.clone())]);
        let mut versions = BTreeMap::from([
            (v1, VersionNumber::new(1).unwrap()),
            (v2, VersionNumber::new(2).unwrap()),
        ]);
        let scope = Scope {
            project: &project,
            environment: &prod,
            dashboard_url: Some("https://slipway.example.com/"),
        };
        let facts = ReleaseFacts {
            resources: &resources,
            versions: &versions,
        };
        let body = super::release(EventKind::ReleasePendingApproval, scope, &release, facts, at).unwrap();
        let json: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["type"], "release.pending_approval");
        assert_eq!(json["timestamp"], "2027-01-15T08:00:00.000Z");
        let data = &json["data"];
        assert_eq!(data["project"]["slug"], "shop");
        assert_eq!(data["environment"]["slug"], "prod");
        assert_eq!(data["release"]["state"], "pending");
        assert_eq!(data["release"]["author"], id(9).to_string());
        assert_eq!(data["release"]["approvals"][0]["user"], id(10).to_string());
        let change = &data["release"]["changes"][0];
        assert_eq!(
            (change["resource"]["key"].clone(), change["resource"]["kind"].clone()),
            (json!("greeting"), json!("prompt"))
        );
        assert_eq!(
            (change["from_version"].clone(), change["to_version"].clone()),
            (json!(1), json!(2))
        );
        assert_eq!(
            data["dashboard_url"],
            format!("https://slipway.example.com/releases/{}", id(8))
        );

        versions.remove(&v2);
        let facts = ReleaseFacts {
            resources: &resources,
            versions: &versions,
        };
        assert!(matches!(
            super::release(EventKind::ReleaseCreated, scope, &release, facts, at),
            Err(DomainError::Invariant(_))
        ));

        let changed: Value = serde_json::from_str(&environment_changed(scope, at)).unwrap();
        assert_eq!(changed["type"], "environment.changed");
        assert_eq!(changed["data"]["environment"]["gateway_fallback"], true);
        let test: Value = serde_json::from_str(&test(&project, at)).unwrap();
        assert_eq!(test["type"], "webhook.test");
        assert_eq!(test["data"]["project"]["id"], id(1).to_string());
    }
}

//! The webhook events of a release step or an environment change, as outbox writes committed
//! with the change itself. A project without an endpoint that wants an event costs one read and
//! writes nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use slipway_domain::Project;
use slipway_domain::environment::Environment;
use slipway_domain::release::{Release, ReleaseState};
use slipway_domain::webhook::EventKind;
use slipway_domain::webhook::payload::{self, ReleaseFacts, Scope};
use slipway_store::{WebhookEvent, Write};
use uuid::Uuid;

use crate::{Service, ServiceResult};

/// The events a release step causes: `release.created` for a new release, then the event of the
/// state it entered (none when its state did not change, or it was cancelled).
pub(crate) fn release_kinds(created: bool, before: ReleaseState, after: ReleaseState) -> Vec<EventKind> {
    let mut kinds = Vec::new();
    if created {
        kinds.push(EventKind::ReleaseCreated);
    }
    if created || before != after {
        kinds.extend(EventKind::for_release_state(after));
    }
    kinds
}

impl Service {
    /// The kinds of `kinds` that some enabled endpoint of `project` wants.
    async fn wanted(&self, project: &Project, kinds: &[EventKind]) -> ServiceResult<Vec<EventKind>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let endpoints = self.store().webhook_endpoints(project.id).await?;
        Ok(kinds
            .iter()
            .copied()
            .filter(|k| {
                endpoints
                    .iter()
                    .any(|e| e.endpoint.status.is_enabled() && e.endpoint.events.wants(*k))
            })
            .collect())
    }

    fn scope<'a>(&'a self, project: &'a Project, environment: &'a Environment) -> Scope<'a> {
        Scope {
            project,
            environment,
            dashboard_url: self.inner.webhooks.dashboard_url.get().map(String::as_str),
        }
    }

    /// The outbox writes of a release step whose commit also carries `writes` (a version
    /// inserted with the release is named from there).
    pub(crate) async fn release_webhooks(
        &self,
        project: &Project,
        environment: &Environment,
        release: &Release,
        kinds: &[EventKind],
        writes: &[Write],
        at: DateTime<Utc>,
    ) -> ServiceResult<Vec<Write>> {
        let kinds = self.wanted(project, kinds).await?;
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let mut resources = BTreeMap::new();
        for change in release.changes() {
            if let Some(resource) = self.store().resource(change.resource_id).await? {
                resources.insert(resource.id, resource);
            }
        }
        let ids: Vec<_> = release
            .changes()
            .iter()
            .flat_map(|c| [c.from_version, c.to_version])
            .flatten()
            .collect();
        let mut versions: BTreeMap<_, _> = self
            .store()
            .versions_by_ids(&ids)
            .await?
            .into_iter()
            .map(|v| (v.id, v.number))
            .collect();
        for write in writes {
            if let Write::InsertVersion(v) = write {
                versions.insert(v.id, v.number);
            }
        }
        let facts = ReleaseFacts {
            resources: &resources,
            versions: &versions,
        };
        let scope = self.scope(project, environment);
        kinds
            .into_iter()
            .map(|kind| {
                Ok(Write::EnqueueWebhookEvent(WebhookEvent {
                    id: Uuid::now_v7(),
                    project: project.id,
                    kind,
                    body: payload::release(kind, scope, release, facts, at)?,
                    at,
                    only: None,
                }))
            })
            .collect()
    }

    /// The outbox write of `environment.changed` (roles or policy), if an endpoint wants it.
    pub(crate) async fn environment_webhooks(
        &self,
        project: &Project,
        environment: &Environment,
        at: DateTime<Utc>,
    ) -> ServiceResult<Vec<Write>> {
        if self.wanted(project, &[EventKind::EnvironmentChanged]).await?.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![Write::EnqueueWebhookEvent(WebhookEvent {
            id: Uuid::now_v7(),
            project: project.id,
            kind: EventKind::EnvironmentChanged,
            body: payload::environment_changed(self.scope(project, environment), at),
            at,
            only: None,
        })])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_tells_its_creation_and_each_state_it_enters() {
        use EventKind as K;
        use ReleaseState as S;
        assert_eq!(
            release_kinds(true, S::Pending, S::Pending),
            vec![K::ReleaseCreated, K::ReleasePendingApproval]
        );
        assert_eq!(
            release_kinds(true, S::Pending, S::Deployed),
            vec![K::ReleaseCreated, K::ReleaseDeployed]
        );
        assert_eq!(release_kinds(false, S::Pending, S::Approved), vec![K::ReleaseApproved]);
        assert_eq!(release_kinds(false, S::Approved, S::Approved), vec![]);
        assert_eq!(release_kinds(false, S::Pending, S::Cancelled), vec![]);
        assert_eq!(
            release_kinds(false, S::Approved, S::Superseded),
            vec![K::ReleaseSuperseded]
        );
    }
}

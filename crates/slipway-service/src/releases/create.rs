//! Creating releases: `deploy` (direct), `promote`, `rollback`, and the publish releases made by
//! `create…Version(publishTo: …)`. A release that needs no approval deploys at once, in the
//! same transaction that creates it.

use std::collections::BTreeMap;

use slipway_domain::release::{
    ApplyContext, ApplyDecision, BypassRequest, Change, Release, ReleaseOrigin, ReleaseParts, ReleaseState,
    decide_apply, direct_changes, origin_violations, promotion_changes, publish_change, rollback_changes,
};
use slipway_domain::resource::ResourceKind;
use slipway_domain::state::LivePointer;
use slipway_domain::text::Message;
use slipway_domain::{DeploymentId, Permission, Project, ReleaseId, ResourceId, Role, VersionId};
use slipway_store::Write;
use tracing::instrument;
use uuid::Uuid;

use super::MAX_ATTEMPTS;
use super::deploy::release_summary;
use crate::{ConflictKind, Ctx, Event, Missing, Service, ServiceError, ServiceResult};

/// A resource named by kind and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    /// Kind.
    pub kind: ResourceKind,
    /// Key.
    pub key: String,
}

/// One explicit pointer move of a direct deploy: `version: None` undeploys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectChange {
    /// The resource.
    pub resource: ResourceRef,
    /// The version number to serve, or `None` to remove the pointer.
    pub version: Option<u32>,
}

/// What a release is built from, resolved to ids.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Publish {
        resource: ResourceId,
        version: VersionId,
    },
    Promotion {
        source: String,
        resources: Option<Vec<ResourceId>>,
    },
    Rollback {
        deployment: DeploymentId,
    },
    Direct {
        wanted: Vec<(ResourceId, Option<VersionId>)>,
    },
}

/// The origin of a publish release (for the resources module).
pub(crate) fn publish_origin(resource: ResourceId, version: VersionId) -> Origin {
    Origin::Publish { resource, version }
}

const EMPTY: &BTreeMap<ResourceId, LivePointer> = &BTreeMap::new();

impl Service {
    /// Creates a release on `target` and, when its policy needs no approval and applies
    /// automatically, deploys it in the same transaction. `extra` writes (a new version) are
    /// committed with it; the one audit event is `action`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn create_release(
        &self,
        ctx: &Ctx,
        project: &Project,
        role: Role,
        target: &str,
        origin: Origin,
        message: Message,
        bypass_reason: Option<String>,
        extra: Vec<Write>,
        action: &str,
    ) -> ServiceResult<Release> {
        let author = Self::signed_in(ctx)?.id;
        let bypass = match bypass_reason {
            Some(reason) => {
                if !role.permits(Permission::PolicyBypass) {
                    return Err(ServiceError::forbidden(Permission::PolicyBypass));
                }
                Some(BypassRequest {
                    user: author,
                    reason: Message::parse_required("bypass_reason", &reason)?,
                })
            }
            None => None,
        };
        let mut last_conflict = None;
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                super::backoff(attempt).await;
            }
            let now = self.now();
            // Read before the state: a deploy commits only if neither the pointers nor the
            // policy it was checked against moved meanwhile.
            let revision = self.store().serving_revision(project.id).await?;
            let state = self.store().project_state(project.id).await?;
            let env = state
                .environments
                .by_slug(target)
                .cloned()
                .ok_or_else(|| ServiceError::NotFound(Missing::Environment(target.to_string())))?;
            let target_pointers = state.pointers.get(&env.id).unwrap_or(EMPTY);
            let (domain_origin, changes, source_pointers): (
                ReleaseOrigin,
                Vec<Change>,
                Option<&BTreeMap<ResourceId, LivePointer>>,
            ) = match &origin {
                Origin::Publish { resource, version } => {
                    let change = publish_change(target_pointers, *resource, *version).ok_or_else(|| {
                        ServiceError::conflict(
                            ConflictKind::AlreadyServed,
                            format!("'{target}' already serves this version"),
                        )
                    })?;
                    (ReleaseOrigin::Publish, vec![change], None)
                }
                Origin::Promotion { source, resources } => {
                    let source_env = state
                        .environments
                        .by_slug(source)
                        .ok_or_else(|| ServiceError::NotFound(Missing::Environment(source.to_string())))?;
                    if source_env.id == env.id {
                        return Err(ServiceError::validation(
                            "source",
                            "an environment cannot be promoted into itself",
                        ));
                    }
                    let source_pointers = state.pointers.get(&source_env.id).unwrap_or(EMPTY);
                    let changes = promotion_changes(source_pointers, target_pointers, resources.as_deref())?;
                    (
                        ReleaseOrigin::Promotion { source: source_env.id },
                        changes,
                        Some(source_pointers),
                    )
                }
                Origin::Rollback { deployment } => {
                    let earlier = self
                        .store()
                        .deployment(*deployment)
                        .await?
                        .filter(|d| d.environment_id == env.id)
                        .ok_or_else(|| {
                            ServiceError::NotFound(Missing::Deployment {
                                id: deployment.to_string(),
                                of: Some(target.to_owned()),
                            })
                        })?;
                    (
                        ReleaseOrigin::Rollback {
                            deployment: *deployment,
                        },
                        rollback_changes(target_pointers, &earlier.pointers_after)?,
                        None,
                    )
                }
                Origin::Direct { wanted } => (ReleaseOrigin::Direct, direct_changes(target_pointers, wanted)?, None),
            };
            let mut release = Release::create(ReleaseParts {
                id: ReleaseId::from_uuid(Uuid::now_v7()),
                project_id: project.id,
                environment_id: env.id,
                origin: domain_origin,
                changes,
                author,
                message: message.clone(),
                policy_revision: env.policy.revision(),
                state: ReleaseState::Pending,
                approvals: Vec::new(),
                decision: None,
                bypass: None,
                deployment_id: None,
                created_at: now,
                updated_at: now,
            })?;
            let roles = self.roles(project.id).await?;
            let role_of = |u| roles.get(&u).copied();
            let apply_ctx = ApplyContext {
                now,
                policy: &env.policy,
                target_pointers,
                source_pointers,
                role_of: &role_of,
                bypass: bypass.clone(),
            };
            if bypass.is_none()
                && let Some(violation) = origin_violations(domain_origin, release.changes(), &apply_ctx)
                    .into_iter()
                    .next()
            {
                return Err(violation.into());
            }
            release.settle(&env.policy, &role_of, now);
            let mut writes = extra.clone();
            let mut deployment = None;
            let mut release_writes = Vec::new();
            // A bypass asked for at creation deploys now (recording every rule it overrides),
            // exactly as applying with a bypass would; otherwise a release deploys at once only
            // when it needs no approval and its policy applies automatically.
            if bypass.is_some() || (release.state() == ReleaseState::Approved && env.policy.spec().auto_apply) {
                let decision = decide_apply(&release, &apply_ctx)?;
                if matches!(decision, ApplyDecision::Deploy { .. } | ApplyDecision::Wait { .. }) {
                    let applied = self
                        .act_on_decision(&mut release, decision, project.id, target_pointers, Some(author), now)
                        .await?;
                    deployment = applied.deployment;
                    release_writes = applied.writes;
                }
            }
            if deployment.is_some() {
                writes.insert(
                    0,
                    Write::ExpectServingRevision {
                        project: project.id,
                        revision,
                    },
                );
            }
            writes.push(Write::InsertRelease(release.clone()));
            writes.extend(release_writes);
            let audit = Self::entry(
                ctx,
                action,
                "release",
                release.id(),
                None,
                Some(release_summary(&release)),
            );
            match self.commit(project.id.as_uuid(), Some(project.id), writes, audit).await {
                Ok(_) => {
                    self.events().send(Event::ReleaseUpdated {
                        project_id: project.id,
                        release_id: release.id(),
                        state: release.state(),
                    });
                    if let Some(d) = deployment {
                        self.events().send(Event::EnvironmentChanged {
                            project_id: project.id,
                            environment_id: d.environment_id,
                            deployment_id: Some(d.id),
                        });
                    }
                    return Ok(release);
                }
                Err(e) if e.is_race() => {
                    // A concurrent deploy moved a pointer (or took the deployment number, or the
                    // policy changed): read the new state and build the release again.
                    tracing::debug!(error = %e, "release creation raced; retrying");
                    last_conflict = Some(e.to_string());
                }
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::conflict(
            ConflictKind::Race,
            last_conflict.unwrap_or_else(|| "the environment kept changing; try again".into()),
        ))
    }

    async fn resource_id(&self, project: &Project, r: &ResourceRef) -> ServiceResult<ResourceId> {
        self.store()
            .resource_by_key(project.id, r.kind, &r.key)
            .await?
            .map(|res| res.id)
            .ok_or_else(|| {
                ServiceError::NotFound(Missing::Resource {
                    kind: r.kind,
                    key: r.key.clone(),
                })
            })
    }

    /// Deploys explicit versions to an environment (a `direct` release).
    ///
    /// # Errors
    /// Unknown resource or version; the policy forbids direct releases; permission.
    #[instrument(skip(self, ctx, changes, message, bypass_reason))]
    pub async fn deploy(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        environment: &str,
        changes: Vec<DirectChange>,
        message: &str,
        bypass_reason: Option<String>,
    ) -> ServiceResult<Release> {
        let (project, role) = self
            .authorize_project(ctx, org, project, Permission::ReleaseCreate)
            .await?;
        let mut wanted = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            let resource = self.resource_id(&project, &change.resource).await?;
            let version = match change.version {
                None => None,
                Some(n) => {
                    let number = slipway_domain::resource::VersionNumber::new(i64::from(n))
                        .map_err(|e| e.within(&format!("changes[{i}]")))?;
                    let v = self.store().version_by_number(resource, number).await?;
                    Some(
                        v.ok_or_else(|| {
                            ServiceError::NotFound(Missing::Version {
                                number: n,
                                of: Some((change.resource.kind, change.resource.key.clone())),
                            })
                        })?
                        .id,
                    )
                }
            };
            wanted.push((resource, version));
        }
        let message = Message::parse("message", message)?;
        self.create_release(
            ctx,
            &project,
            role,
            environment,
            Origin::Direct { wanted },
            message,
            bypass_reason,
            Vec::new(),
            "release.deploy",
        )
        .await
    }

    /// Promotes what `source` serves into `target` (everything that differs, or only the
    /// chosen resources).
    ///
    /// # Errors
    /// Nothing to promote; a chosen resource the source does not serve; policy rules; permission.
    #[instrument(skip(self, ctx, resources, message, bypass_reason))]
    #[allow(clippy::too_many_arguments)]
    pub async fn promote(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        source: &str,
        target: &str,
        resources: Option<Vec<ResourceRef>>,
        message: &str,
        bypass_reason: Option<String>,
    ) -> ServiceResult<Release> {
        let (project, role) = self
            .authorize_project(ctx, org, project, Permission::ReleaseCreate)
            .await?;
        let resources = match resources {
            None => None,
            Some(list) => {
                let mut ids = Vec::new();
                for r in &list {
                    ids.push(self.resource_id(&project, r).await?);
                }
                Some(ids)
            }
        };
        let message = Message::parse("message", message)?;
        let origin = Origin::Promotion {
            source: source.to_owned(),
            resources,
        };
        self.create_release(
            ctx,
            &project,
            role,
            target,
            origin,
            message,
            bypass_reason,
            Vec::new(),
            "release.promote",
        )
        .await
    }

    /// Rolls an environment back to the pointers an earlier deployment of it left.
    ///
    /// # Errors
    /// Unknown deployment (or one of another environment); nothing to roll back; permission.
    #[instrument(skip(self, ctx, message, bypass_reason))]
    #[allow(clippy::too_many_arguments)]
    pub async fn rollback(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        environment: &str,
        deployment: DeploymentId,
        message: &str,
        bypass_reason: Option<String>,
    ) -> ServiceResult<Release> {
        let (project, role) = self
            .authorize_project(ctx, org, project, Permission::ReleaseCreate)
            .await?;
        let message = Message::parse("message", message)?;
        self.create_release(
            ctx,
            &project,
            role,
            environment,
            Origin::Rollback { deployment },
            message,
            bypass_reason,
            Vec::new(),
            "release.rollback",
        )
        .await
    }
}

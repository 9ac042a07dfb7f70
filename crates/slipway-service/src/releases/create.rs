//! Creating releases: `deploy` (direct), `promote`, `rollback`, and the publish releases made by
//! `create…Version(publishTo: …)`. A release that needs no approval deploys at once, in the
//! same transaction that creates it.

use std::collections::BTreeMap;

use slipway_domain::environment::Environment;
use slipway_domain::release::{
    BypassRequest, Change, Release, ReleaseOrigin, Trigger, direct_changes, promotion, publish_change, rollback_changes,
};
use slipway_domain::resource::ResourceKind;
use slipway_domain::state::{LivePointer, ProjectState};
use slipway_domain::text::Message;
use slipway_domain::{DeploymentId, Permission, Project, ResourceId, Role, VersionId};
use slipway_store::Write;
use tracing::instrument;

use super::pipeline::{NewRelease, Subject};
use crate::writers::WriterGuard;
use crate::{ConflictKind, Ctx, Missing, Service, ServiceError, ServiceResult};

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

/// A promotion: what `source` serves, into `target`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Promotion {
    /// The source environment's slug.
    pub source: String,
    /// The target environment's slug.
    pub target: String,
    /// Only these resources (`None`: every resource whose version differs).
    pub resources: Option<Vec<ResourceRef>>,
    /// The release's message.
    pub message: String,
    /// With a reason, go ahead even though a policy rule blocks it (needs `policy:bypass`).
    pub bypass_reason: Option<String>,
}

impl Promotion {
    /// Everything that differs, from `source` into `target`, with no message.
    pub fn new(source: impl Into<String>, target: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            target: target.into(),
            ..Self::default()
        }
    }

    /// With `message`.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Going ahead for `reason` even though a policy rule blocks it.
    #[must_use]
    pub fn bypass(mut self, reason: impl Into<String>) -> Self {
        self.bypass_reason = Some(reason.into());
        self
    }
}

/// A direct deploy: explicit versions into one environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectDeploy {
    /// The environment's slug.
    pub environment: String,
    /// The pointer moves.
    pub changes: Vec<DirectChange>,
    /// The release's message.
    pub message: String,
    /// With a reason, go ahead even though a policy rule blocks it (needs `policy:bypass`).
    pub bypass_reason: Option<String>,
}

impl DirectDeploy {
    /// `changes` into `environment`, with no message.
    pub fn new(environment: impl Into<String>, changes: Vec<DirectChange>) -> Self {
        Self {
            environment: environment.into(),
            changes,
            ..Self::default()
        }
    }

    /// With `message`.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Going ahead for `reason` even though a policy rule blocks it.
    #[must_use]
    pub fn bypass(mut self, reason: impl Into<String>) -> Self {
        self.bypass_reason = Some(reason.into());
        self
    }
}

/// A rollback: an environment back to the pointers one of its earlier deployments left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    /// The environment's slug.
    pub environment: String,
    /// The earlier deployment of that environment.
    pub deployment: DeploymentId,
    /// The release's message.
    pub message: String,
    /// With a reason, go ahead even though a policy rule blocks it (needs `policy:bypass`).
    pub bypass_reason: Option<String>,
}

impl Rollback {
    /// `environment` back to `deployment`, with no message.
    pub fn new(environment: impl Into<String>, deployment: DeploymentId) -> Self {
        Self {
            environment: environment.into(),
            deployment,
            message: String::new(),
            bypass_reason: None,
        }
    }

    /// With `message`.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Going ahead for `reason` even though a policy rule blocks it.
    #[must_use]
    pub fn bypass(mut self, reason: impl Into<String>) -> Self {
        self.bypass_reason = Some(reason.into());
        self
    }
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

/// A request to create a release on `target`.
pub(crate) struct ReleaseRequest {
    /// The project, already authorized.
    pub project: Project,
    /// The caller's role in it (a bypass needs `policy:bypass`).
    pub role: Role,
    /// The target environment's slug.
    pub target: String,
    /// What the release is built from.
    pub origin: Origin,
    /// Why.
    pub message: Message,
    /// A bypass reason: deploy now, overriding (and recording) every rule that blocks.
    pub bypass_reason: Option<String>,
    /// Writes committed with the release (a new version); see [`NewRelease::extra`].
    pub extra: Vec<Write>,
    /// The audit action.
    pub action: &'static str,
}

impl Service {
    /// Creates a release and, when its policy needs no approval and applies automatically (or a
    /// bypass is asked for), deploys it in the same transaction.
    pub(crate) async fn create_release(&self, ctx: &Ctx, request: ReleaseRequest) -> ServiceResult<Release> {
        let writer = self.lock_writer(request.project.id).await;
        self.create_release_held(ctx, request, &writer).await
    }

    /// [`Service::create_release`] for a caller that already holds the project's writer lock
    /// (it planned `extra` writes under it).
    pub(crate) async fn create_release_held(
        &self,
        ctx: &Ctx,
        request: ReleaseRequest,
        writer: &WriterGuard,
    ) -> ServiceResult<Release> {
        let author = Self::signed_in(ctx)?.id;
        let bypass = match &request.bypass_reason {
            Some(reason) => {
                if !request.role.permits(Permission::PolicyBypass) {
                    return Err(ServiceError::forbidden(Permission::PolicyBypass));
                }
                Some(BypassRequest {
                    user: author,
                    reason: Message::parse_required("bypass_reason", reason)?,
                })
            }
            None => None,
        };
        let new = NewRelease {
            project: &request.project,
            target: &request.target,
            origin: &request.origin,
            message: &request.message,
            author,
            extra: &request.extra,
            action: request.action,
        };
        self.advance_release(ctx, Subject::New(new), Trigger::Created { bypass }, writer)
            .await
    }

    /// The origin and changes of a new release on `env` (slug `target`), from what the project
    /// serves now.
    pub(super) async fn build_changes(
        &self,
        state: &ProjectState,
        env: &Environment,
        target: &str,
        origin: &Origin,
    ) -> ServiceResult<(ReleaseOrigin, Vec<Change>)> {
        let target_pointers = state.pointers.get(&env.id).unwrap_or(EMPTY);
        Ok(match origin {
            Origin::Publish { resource, version } => {
                let change = publish_change(target_pointers, *resource, *version).ok_or_else(|| {
                    ServiceError::conflict(
                        ConflictKind::AlreadyServed,
                        format!("'{target}' already serves this version"),
                    )
                })?;
                (ReleaseOrigin::Publish, vec![change])
            }
            Origin::Promotion { source, resources } => {
                let source_env = state
                    .environments
                    .by_slug(source)
                    .ok_or_else(|| ServiceError::NotFound(Missing::Environment(source.clone())))?;
                let source_pointers = state.pointers.get(&source_env.id).unwrap_or(EMPTY);
                promotion(
                    (source_env.id, source_pointers),
                    (env.id, target_pointers),
                    resources.as_deref(),
                )?
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
                )
            }
            Origin::Direct { wanted } => (ReleaseOrigin::Direct, direct_changes(target_pointers, wanted)?),
        })
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
    #[instrument(skip(self, ctx, request), fields(environment = %request.environment))]
    pub async fn deploy(&self, ctx: &Ctx, org: &str, project: &str, request: DirectDeploy) -> ServiceResult<Release> {
        let DirectDeploy {
            environment,
            changes,
            message,
            bypass_reason,
        } = request;
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
        let message = Message::parse("message", &message)?;
        let request = ReleaseRequest {
            project,
            role,
            target: environment,
            origin: Origin::Direct { wanted },
            message,
            bypass_reason,
            extra: Vec::new(),
            action: "release.deploy",
        };
        self.create_release(ctx, request).await
    }

    /// Promotes what `source` serves into `target` (everything that differs, or only the
    /// chosen resources).
    ///
    /// # Errors
    /// Nothing to promote; a chosen resource the source does not serve; policy rules; permission.
    #[instrument(skip(self, ctx, request), fields(source = %request.source, target = %request.target))]
    pub async fn promote(&self, ctx: &Ctx, org: &str, project: &str, request: Promotion) -> ServiceResult<Release> {
        let Promotion {
            source,
            target,
            resources,
            message,
            bypass_reason,
        } = request;
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
        let message = Message::parse("message", &message)?;
        let origin = Origin::Promotion { source, resources };
        let request = ReleaseRequest {
            project,
            role,
            target,
            origin,
            message,
            bypass_reason,
            extra: Vec::new(),
            action: "release.promote",
        };
        self.create_release(ctx, request).await
    }

    /// Rolls an environment back to the pointers an earlier deployment of it left.
    ///
    /// # Errors
    /// Unknown deployment (or one of another environment); nothing to roll back; permission.
    #[instrument(skip(self, ctx, request), fields(environment = %request.environment, deployment = %request.deployment))]
    pub async fn rollback(&self, ctx: &Ctx, org: &str, project: &str, request: Rollback) -> ServiceResult<Release> {
        let Rollback {
            environment,
            deployment,
            message,
            bypass_reason,
        } = request;
        let (project, role) = self
            .authorize_project(ctx, org, project, Permission::ReleaseCreate)
            .await?;
        let message = Message::parse("message", &message)?;
        let request = ReleaseRequest {
            project,
            role,
            target: environment,
            origin: Origin::Rollback { deployment },
            message,
            bypass_reason,
            extra: Vec::new(),
            action: "release.rollback",
        };
        self.create_release(ctx, request).await
    }
}

//! Resources and versions: prompts, routing rules and providers; creating versions (identical
//! content is a no-op) and publishing them to one or several environments; provider credentials.

use serde_json::{Value, json};
use slipway_domain::content::Content;
use slipway_domain::release::Release;
use slipway_domain::resource::{NewVersion, ResourceKey, ResourceKind, plan_new_version};
use slipway_domain::text::Message;
use slipway_domain::{Permission, Project, Resource, ResourceId, Role, Version, VersionId};
use slipway_store::{Page, PageRequest, Write};
use tracing::instrument;
use uuid::Uuid;

use crate::releases::{ReleaseRequest, create_origin_publish};
use crate::{ConflictKind, Ctx, Missing, Service, ServiceError, ServiceResult};

/// A version to create, and where to publish it.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInput {
    /// The resource's kind.
    pub kind: ResourceKind,
    /// The resource's key.
    pub key: String,
    /// The JSON content, checked against the kind's shape.
    pub content: Value,
    /// The version's message.
    pub message: String,
    /// The environments to publish to: `None` for the default publish target, an empty list for
    /// nowhere.
    pub publish_to: Option<Vec<String>>,
}

impl VersionInput {
    /// `content` for the resource `kind`/`key`, published to the default target, no message.
    pub fn new(kind: ResourceKind, key: impl Into<String>, content: Value) -> Self {
        Self {
            kind,
            key: key.into(),
            content,
            message: String::new(),
            publish_to: None,
        }
    }

    /// Publishes to exactly `environments` (none: nowhere).
    #[must_use]
    pub fn to(mut self, environments: &[&str]) -> Self {
        self.publish_to = Some(environments.iter().map(|e| (*e).to_owned()).collect());
        self
    }

    /// With `message`.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }
}

/// A new version and the publish releases it made.
#[derive(Debug, Clone)]
pub struct Published {
    /// The version (an existing one when the content was identical to the latest).
    pub version: Version,
    /// Whether the version was created now (false: identical to the latest, returned as is).
    pub created: bool,
    /// One release per publish target that did not already serve the version.
    pub releases: Vec<Release>,
}

/// The publish release of `version` to `target`, committed with `extra` (the version itself,
/// for the first target of a new version).
fn publish_request(
    project: &Project,
    role: Role,
    target: &str,
    version: &Version,
    message: &Message,
    extra: Vec<Write>,
) -> ReleaseRequest {
    ReleaseRequest {
        project: project.clone(),
        role,
        target: target.to_owned(),
        origin: create_origin_publish(version.resource_id, version.id),
        message: message.clone(),
        bypass_reason: None,
        extra,
        action: "version.publish",
    }
}

impl Service {
    /// Creates a resource (no version yet).
    ///
    /// # Errors
    /// Invalid key; a taken key; permission.
    #[instrument(skip(self, ctx))]
    pub async fn create_resource(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        kind: ResourceKind,
        key: &str,
    ) -> ServiceResult<Resource> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ResourceWrite)
            .await?;
        let resource = Resource {
            id: ResourceId::from_uuid(Uuid::now_v7()),
            project_id: project.id,
            kind,
            key: ResourceKey::parse(key)?,
            created_at: self.now(),
        };
        let audit = Self::entry(
            ctx,
            &format!("{kind}.create"),
            kind.as_str(),
            key,
            None,
            Some(json!({"kind": kind.as_str(), "key": key})),
        );
        self.commit(
            project.id.as_uuid(),
            None,
            vec![Write::InsertResource(resource.clone())],
            audit,
        )
        .await
        .map_err(|e| match e {
            ServiceError::Conflict {
                kind: ConflictKind::Duplicate,
                ..
            } => ServiceError::conflict(
                ConflictKind::Duplicate,
                format!("a {kind} with key '{key}' already exists"),
            ),
            e => e,
        })?;
        Ok(resource)
    }

    pub(crate) async fn resource_by_key(
        &self,
        project: &Project,
        kind: ResourceKind,
        key: &str,
    ) -> ServiceResult<Resource> {
        self.store()
            .resource_by_key(project.id, kind, key)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(Missing::Resource {
                    kind,
                    key: key.to_string(),
                })
            })
    }

    /// Checks what content refers to: a provider's credential must belong to this project and its
    /// kind must have a gateway adapter; a routing rule's providers and a prompt's routing rule
    /// must exist.
    async fn check_references(&self, project: &Project, content: &Content) -> ServiceResult<()> {
        match content {
            Content::Provider(activation) => {
                if !activation.provider_kind.gateway_supported() {
                    return Err(ServiceError::validation(
                        "content.provider_kind",
                        format!(
                            "'{}' is not supported yet; use openai, openai_compatible, azure_openai or anthropic",
                            activation.provider_kind.as_str()
                        ),
                    ));
                }
                if let Some(id) = activation.credential_id() {
                    let known = self
                        .store()
                        .credential(id)
                        .await?
                        .is_some_and(|c| c.project_id == project.id);
                    if !known {
                        return Err(ServiceError::validation(
                            "content.credential",
                            "no credential with this id in the project; set one with setProviderCredential",
                        ));
                    }
                }
            }
            Content::RoutingRule(rule) => {
                for key in rule.provider_keys() {
                    if self
                        .store()
                        .resource_by_key(project.id, ResourceKind::Provider, key)
                        .await?
                        .is_none()
                    {
                        return Err(ServiceError::validation(
                            "content.routes",
                            format!("provider '{key}' does not exist in this project"),
                        ));
                    }
                }
            }
            Content::Prompt(prompt) => {
                if let Some(key) = &prompt.routing_rule
                    && self
                        .store()
                        .resource_by_key(project.id, ResourceKind::RoutingRule, key)
                        .await?
                        .is_none()
                {
                    return Err(ServiceError::validation(
                        "content.routing_rule",
                        format!("routing rule '{key}' does not exist in this project"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Creates a version of a resource from JSON content and publishes it to `publish_to`
    /// (`None`: the default publish target; an empty list: nowhere). Content identical to the
    /// latest version creates nothing and returns that version. Each target is released under
    /// its own policy; all targets are checked to exist before anything is written.
    ///
    /// # Errors
    /// Invalid content (the field path names the problem); unknown resource or target;
    /// a target whose policy forbids direct releases; permission.
    #[instrument(skip(self, ctx, request), fields(kind = %request.kind, key = %request.key))]
    pub async fn create_version(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        request: VersionInput,
    ) -> ServiceResult<Published> {
        let VersionInput {
            kind,
            key,
            content,
            message,
            publish_to,
        } = request;
        let key = key.as_str();
        let message = message.as_str();
        let (project, role) = self
            .authorize_project(ctx, org, project, Permission::ResourceWrite)
            .await?;
        let author = Self::signed_in(ctx)?.id;
        let resource = self.resource_by_key(&project, kind, key).await?;
        let content = Content::parse(kind, content)?;
        self.check_references(&project, &content).await?;
        let message = Message::parse("message", message)?;
        let environments = self.store().environments(project.id).await?;
        let targets: Vec<String> = match publish_to {
            None => vec![environments.default_publish_target()?.slug.as_str().to_owned()],
            Some(list) => list,
        };
        for (i, slug) in targets.iter().enumerate() {
            let Some(target) = environments.by_slug(slug) else {
                return Err(ServiceError::NotFound(Missing::Environment(slug.to_string())));
            };
            // Every target's policy must accept a publish before anything is written, so a
            // multi-target publish never half-happens over a rule known in advance.
            target.policy.check_direct()?;
            if targets[..i].contains(slug) {
                return Err(ServiceError::validation(
                    "publishTo",
                    format!("'{slug}' is listed twice"),
                ));
            }
        }
        if !targets.is_empty() && !role.permits(Permission::ReleaseCreate) {
            return Err(ServiceError::forbidden(Permission::ReleaseCreate));
        }
        let hash = content.hash();
        let mut attempts = 0;
        // The version and the release of the first target commit together; a number taken by
        // a concurrent writer (or any other lost race) plans the version again.
        let (version, created, first) = loop {
            attempts += 1;
            // Planning the number under the writer lock makes writers in this instance take
            // turns; only another instance can take the number first.
            let writer = self.lock_writer(project.id).await;
            let latest = self.store().latest_version(resource.id).await?;
            let number = match plan_new_version(latest.as_ref().map(|v| (&v.id, v.number, &v.content_hash)), &hash)? {
                NewVersion::Unchanged(_) => {
                    let latest = latest.ok_or_else(|| ServiceError::Internal("latest version vanished".into()))?;
                    break (latest, false, None);
                }
                NewVersion::Create(number) => number,
            };
            let version = Version {
                id: VersionId::from_uuid(Uuid::now_v7()),
                resource_id: resource.id,
                number,
                content: content.clone(),
                content_hash: hash.clone(),
                author,
                message: message.clone(),
                created_at: self.now(),
            };
            let insert = vec![Write::InsertVersion(version.clone())];
            let result = match targets.first() {
                None => {
                    let audit = Self::entry(
                        ctx,
                        "version.create",
                        kind.as_str(),
                        key,
                        None,
                        Some(json!({"version": number.get(), "content_hash": hash.as_str()})),
                    );
                    self.commit(project.id.as_uuid(), None, insert, audit)
                        .await
                        .map(|_| None)
                }
                Some(slug) => self
                    .create_release_held(
                        ctx,
                        publish_request(&project, role, slug, &version, &message, insert),
                        &writer,
                    )
                    .await
                    .map(Some),
            };
            drop(writer);
            match result {
                Ok(release) => break (version, true, release),
                Err(e) if e.is_race() && attempts < crate::releases::MAX_ATTEMPTS => {
                    crate::releases::backoff(attempts).await;
                }
                Err(e) => return Err(e),
            }
        };
        let mut releases: Vec<Release> = first.into_iter().collect();
        let rest = if created {
            targets.get(1..).unwrap_or_default()
        } else {
            &targets[..]
        };
        for slug in rest {
            let request = publish_request(&project, role, slug, &version, &message, Vec::new());
            match self.create_release(ctx, request).await {
                Ok(release) => releases.push(release),
                // The target already serves this exact version: nothing to release there.
                Err(ServiceError::Conflict {
                    kind: ConflictKind::AlreadyServed,
                    ..
                }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Published {
            version,
            created,
            releases,
        })
    }

    /// The resources of a project.
    ///
    /// # Errors
    /// Not-found without `project:view`; a bad cursor.
    #[instrument(skip_all)]
    pub async fn resources(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        page: PageRequest,
    ) -> ServiceResult<Page<Resource>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        Ok(self.store().resources(project.id, page).await?)
    }

    /// The resource of `kind` with `key` in a project the caller can view.
    ///
    /// # Errors
    /// Not-found for an unknown resource or without `project:view`.
    #[instrument(skip_all)]
    pub async fn resource(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        kind: ResourceKind,
        key: &str,
    ) -> ServiceResult<Resource> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        self.resource_by_key(&project, kind, key).await
    }

    /// Resources by id, for loaders (no authorization: callers pass ids they obtained through an
    /// authorized read, and keep only those of the project they were authorized in).
    ///
    /// # Errors
    /// Store failures.
    #[instrument(level = "debug", skip_all)]
    pub async fn resources_by_ids(&self, ids: &[ResourceId]) -> ServiceResult<Vec<Resource>> {
        Ok(self.store().resources_by_ids(ids).await?)
    }

    /// A resource's versions, newest first.
    ///
    /// # Errors
    /// Not-found for an unknown resource or without `project:view`; a bad cursor.
    #[instrument(skip_all)]
    pub async fn versions(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        kind: ResourceKind,
        key: &str,
        page: PageRequest,
    ) -> ServiceResult<Page<Version>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let resource = self.resource_by_key(&project, kind, key).await?;
        Ok(self.store().versions(resource.id, page).await?)
    }

    /// Versions by id, for loaders (no authorization: callers pass ids they obtained through an
    /// authorized read).
    ///
    /// # Errors
    /// Store failures.
    #[instrument(level = "debug", skip_all)]
    pub async fn versions_by_ids(&self, ids: &[VersionId]) -> ServiceResult<Vec<Version>> {
        Ok(self.store().versions_by_ids(ids).await?)
    }
}

//! The audit log: listing a project's events (filtered by the store) and verifying its hash
//! chain.

use slipway_domain::audit::{AuditEvent, ChainBreak, verify_against_head};
use slipway_domain::resource::ResourceKind;
use slipway_domain::{Permission, ProjectId};
use slipway_store::{AuditFilter, AuditSubject, Page, PageRequest};

use crate::{Ctx, Missing, Service, ServiceError, ServiceResult};
use tracing::instrument;

/// Which of a project's audit events to list; every field given must match.
#[derive(Debug, Clone, Default)]
pub struct AuditLogFilter {
    /// Only this action (`release.approve`).
    pub action: Option<String>,
    /// Only actions of this kind (`release` for `release.*`).
    pub action_kind: Option<String>,
    /// Only this actor, by label (`user:<id>`, `api_key:<id>`, `system`).
    pub actor: Option<String>,
    /// Only events about this environment (by slug): its own changes and its releases.
    pub environment: Option<String>,
    /// Only events about this resource: its own changes (versions included) and the releases
    /// that move it.
    pub resource: Option<(ResourceKind, String)>,
}

impl Service {
    /// A project's audit events that match `filter`, newest first.
    ///
    /// # Errors
    /// Not-found without `project:view`, or for an unknown environment or resource in the
    /// filter; a bad cursor.
    #[instrument(skip_all)]
    pub async fn audit_log(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        filter: AuditLogFilter,
        page: PageRequest,
    ) -> ServiceResult<Page<AuditEvent>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let environment = match filter.environment {
            None => None,
            Some(slug) => {
                let envs = self.store().environments(project.id).await?;
                let env = envs
                    .by_slug(&slug)
                    .ok_or_else(|| ServiceError::NotFound(Missing::Environment(slug.clone())))?;
                Some(AuditSubject {
                    target_kind: "environment".into(),
                    target_id: slug,
                    summary_field: "environment_id",
                    summary_id: env.id.as_uuid(),
                })
            }
        };
        let resource = match filter.resource {
            None => None,
            Some((kind, key)) => {
                let resource = self.resource_by_key(&project, kind, &key).await?;
                Some(AuditSubject {
                    target_kind: kind.as_str().into(),
                    target_id: key,
                    summary_field: "resource_id",
                    summary_id: resource.id.as_uuid(),
                })
            }
        };
        let subject = match (environment, resource) {
            (Some(_), Some(_)) => {
                return Err(ServiceError::validation(
                    "resource",
                    "filter by an environment or by a resource, not both",
                ));
            }
            (e, r) => e.or(r),
        };
        let store_filter = AuditFilter {
            action: filter.action,
            action_kind: filter.action_kind,
            actor: filter.actor,
            subject,
        };
        Ok(self
            .store()
            .audit_events(project.id.as_uuid(), &store_filter, page)
            .await?)
    }

    /// The verification of `org/project`'s chain for a caller who can view the project: the
    /// number of events verified, or where and how it is broken.
    ///
    /// # Errors
    /// Not-found without `project:view`; store failures.
    #[instrument(skip_all)]
    pub async fn audit_chain_status(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
    ) -> ServiceResult<Result<u64, ChainBreak>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        self.verify_audit_chain(project.id).await
    }

    /// Verifies the hash chain of `org/project` (an operator's command; no caller): every event,
    /// and that the chain ends where its stored head says (no newest event removed). Returns the
    /// number of events verified, or where and how the chain is broken.
    ///
    /// # Errors
    /// Unknown project; store failures.
    #[instrument(skip_all)]
    pub async fn verify_audit(&self, org: &str, project: &str) -> ServiceResult<Result<u64, ChainBreak>> {
        let project = self.project_by_slugs(org, project).await?;
        self.verify_audit_chain(project.id).await
    }

    /// Verifies one project's chain, against its head.
    ///
    /// # Errors
    /// Store failures.
    #[instrument(skip_all)]
    pub async fn verify_audit_chain(&self, project: ProjectId) -> ServiceResult<Result<u64, ChainBreak>> {
        let (events, head) = self
            .store()
            .audit_chain_with_head(project.as_uuid())
            .await
            .map_err(ServiceError::from)?;
        Ok(verify_against_head(&events, head.as_ref()))
    }
}

//! The audit log: listing a project's events and verifying its hash chain.

use slipway_domain::audit::{AuditEvent, ChainBreak, verify_against_head};
use slipway_domain::{Permission, ProjectId};
use slipway_store::{Page, PageRequest};

use crate::{Ctx, Service, ServiceError, ServiceResult};
use tracing::instrument;

impl Service {
    /// A project's audit events, newest first.
    ///
    /// # Errors
    /// Not-found without `project:view`; a bad cursor.
    #[instrument(skip_all)]
    pub async fn audit_log(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        page: PageRequest,
    ) -> ServiceResult<Page<AuditEvent>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        Ok(self.store().audit_events(project.id.as_uuid(), page).await?)
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

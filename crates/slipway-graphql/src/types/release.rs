//! Releases: requests to move pointers in one target environment, with their changes,
//! approvals, decision, bypass and the deployment they became.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use slipway_domain::release::{
    Approval as DomainApproval, Bypass as DomainBypass, Change as DomainChange, Decision as DomainDecision,
    Release as DomainRelease, ReleaseOrigin as DomainOrigin,
};

use super::deployment::Deployment;
use super::enums::{PolicyRule, ReleaseOrigin, ReleaseState};
use super::environment::Environment;
use super::organization::User;
use super::release_status::ApprovalStatus;
use super::resource::{Resource, Version};
use super::{gql_id, load_environment, load_resource, load_user, load_version};
use crate::context::use_case;
use crate::error::GqlResult;
use crate::pagination::list_complexity;
use crate::scope::Scope;

/// A request to move pointers in one target environment: created by a publish, a promotion, a
/// rollback or a direct deploy; pending until its policy's approvals are in, then deployed.
pub struct Release {
    release: DomainRelease,
    scope: Arc<Scope>,
}

impl Release {
    /// Wraps `release` of `scope`.
    pub(crate) fn new(release: DomainRelease, scope: Arc<Scope>) -> Self {
        Self { release, scope }
    }
}

/// A request to move pointers in one target environment: created by a publish, a promotion, a
/// rollback or a direct deploy; pending until its policy's approvals are in, then deployed.
#[Object]
impl Release {
    /// The release's id.
    async fn id(&self) -> ID {
        gql_id(self.release.id())
    }

    /// The slug of the organization its project belongs to (with `projectSlug`, how to address
    /// the project: its other fields, its `releaseUpdated` subscription).
    async fn organization_slug(&self) -> &str {
        &self.scope.org
    }

    /// The slug of its project.
    async fn project_slug(&self) -> &str {
        &self.scope.project
    }

    /// Where it is in its life.
    async fn state(&self) -> ReleaseState {
        self.release.state().into()
    }

    /// Where it comes from.
    async fn origin(&self) -> ReleaseOrigin {
        self.release.origin().into()
    }

    /// The environment whose pointers it moves.
    async fn target_environment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Environment>> {
        load_environment(ctx, &self.scope, self.release.environment_id()).await
    }

    /// For a promotion, the environment promoted from.
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Environment>> {
        match self.release.origin() {
            DomainOrigin::Promotion { source } => load_environment(ctx, &self.scope, source).await,
            _ => Ok(None),
        }
    }

    /// For a rollback, the earlier deployment whose pointers it restores.
    async fn rollback_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Deployment>> {
        let DomainOrigin::Rollback { deployment } = self.release.origin() else {
            return Ok(None);
        };
        let (service, caller) = use_case(ctx)?;
        let found = service
            .deployment(caller, &self.scope.org, &self.scope.project, deployment)
            .await
            .gql(ctx)?;
        Ok(Some(Deployment::new(found, Arc::clone(&self.scope))))
    }

    /// The pointer moves, fixed at creation.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn changes(&self) -> Vec<Change> {
        self.release
            .changes()
            .iter()
            .map(|c| Change::new(*c, Arc::clone(&self.scope)))
            .collect()
    }

    /// Who created it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.release.author()).await
    }

    /// Why.
    async fn message(&self) -> &str {
        self.release.parts().message.as_str()
    }

    /// The target policy's revision when the release was created.
    async fn policy_revision(&self) -> u32 {
        self.release.parts().policy_revision
    }

    /// The approvals given (whether each counts is decided against the current policy and
    /// roles when the release is settled).
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn approvals(&self) -> Vec<Approval> {
        self.release.parts().approvals.iter().cloned().map(Approval).collect()
    }

    /// Where it stands against its target's *current* policy and roles: which approvals count,
    /// how many are required and why it waits.
    async fn approval_status(&self, ctx: &Context<'_>) -> async_graphql::Result<ApprovalStatus> {
        let (service, caller) = use_case(ctx)?;
        let status = service.release_status(caller, self.release.id()).await.gql(ctx)?;
        Ok(ApprovalStatus(status))
    }

    /// The rejection or cancellation, if any.
    async fn decision(&self) -> Option<Decision> {
        self.release.parts().decision.clone().map(Decision)
    }

    /// The policy bypass that let it deploy, if any.
    async fn bypass(&self) -> Option<Bypass> {
        self.release.parts().bypass.clone().map(Bypass)
    }

    /// The deployment it became, once deployed.
    async fn deployment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Deployment>> {
        let Some(id) = self.release.parts().deployment_id else {
            return Ok(None);
        };
        let (service, caller) = use_case(ctx)?;
        let found = service
            .deployment(caller, &self.scope.org, &self.scope.project, id)
            .await
            .gql(ctx)?;
        Ok(Some(Deployment::new(found, Arc::clone(&self.scope))))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.release.parts().created_at
    }

    /// When its state last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.release.parts().updated_at
    }
}

/// One pointer move: a resource goes from the version the target serves now to another (or to
/// nothing: an undeploy).
pub struct Change {
    change: DomainChange,
    scope: Arc<Scope>,
}

impl Change {
    /// Wraps `change` of `scope`.
    pub(crate) fn new(change: DomainChange, scope: Arc<Scope>) -> Self {
        Self { change, scope }
    }
}

/// One pointer move: a resource goes from the version the target serves now to another (or to
/// nothing: an undeploy).
#[Object]
impl Change {
    /// The resource whose pointer moves.
    async fn resource(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resource>> {
        load_resource(ctx, &self.scope, self.change.resource_id).await
    }

    /// What the target serves before (null: nothing).
    #[graphql(name = "fromVersion")]
    async fn version_before(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Version>> {
        load_version(ctx, self.change.from_version).await
    }

    /// What it serves after (null: the pointer is removed).
    async fn to_version(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Version>> {
        load_version(ctx, self.change.to_version).await
    }
}

/// An approval as given.
pub struct Approval(pub(crate) DomainApproval);

/// An approval as given.
#[Object]
impl Approval {
    /// Who approved.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.user).await
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// A rejection or cancellation.
pub struct Decision(DomainDecision);

/// A rejection or cancellation.
#[Object]
impl Decision {
    /// Who decided.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.user).await
    }

    /// Why.
    async fn reason(&self) -> &str {
        self.0.reason.as_str()
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// A policy bypass: which rules were overridden, by whom and why.
pub struct Bypass(pub(crate) DomainBypass);

/// A policy bypass: which rules were overridden, by whom and why.
#[Object]
impl Bypass {
    /// Who bypassed (holds `policy:bypass`).
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.user).await
    }

    /// Why.
    async fn reason(&self) -> &str {
        self.0.reason.as_str()
    }

    /// The rules that would otherwise have blocked.
    #[graphql(complexity = "list_complexity(child_complexity)")]
    async fn rules(&self) -> Vec<PolicyRule> {
        self.0.rules.iter().copied().map(PolicyRule::from).collect()
    }

    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

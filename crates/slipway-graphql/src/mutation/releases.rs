//! Release mutations: creating releases (deploy, promote, rollback) and moving them through
//! their states (approve, reject, cancel, apply).

use async_graphql::{Context, ID, InputObject, Object};
use slipway_domain::{DeploymentId, ReleaseId};
use slipway_service::releases::{Action, DirectChange, DirectDeploy, Promotion, ResourceRef, Rollback};

use crate::context::use_case;
use crate::error::GqlResult;
use crate::scope::Scope;
use crate::types::enums::ResourceKind;
use crate::types::parse_id;
use crate::types::release::Release;

/// A resource, by kind and key.
#[derive(InputObject, Debug)]
pub struct ResourceRefInput {
    /// Kind.
    pub kind: ResourceKind,
    /// Key.
    pub key: String,
}

/// One explicit pointer move of a direct deploy.
#[derive(InputObject, Debug)]
pub struct DeployChangeInput {
    /// Kind of the resource.
    pub kind: ResourceKind,
    /// Key of the resource.
    pub key: String,
    /// The version number to serve; null removes the pointer (an undeploy).
    pub version: Option<u32>,
}

/// Wraps a release returned by a project-scoped mutation.
fn scoped(release: slipway_domain::release::Release, org: &str, project: &str) -> Release {
    let scope = Scope::new(release.parts().project_id, org, project);
    Release::new(release, scope)
}

/// Acts on the release `id`.
async fn act(ctx: &Context<'_>, id: &ID, action: Action) -> async_graphql::Result<Release> {
    let (service, caller) = use_case(ctx)?;
    let id: ReleaseId = parse_id(ctx, "id", id)?;
    let release = service.act_on_release(caller, id, action).await.gql(ctx)?;
    let scope = Scope::by_id(service, caller, release.parts().project_id)
        .await
        .gql(ctx)?;
    Ok(Release::new(release, scope))
}

/// Release mutations.
#[derive(Debug, Default)]
pub struct ReleaseMutations;

/// Release mutations.
#[Object]
impl ReleaseMutations {
    /// Deploys explicit versions to `environment` (a `DIRECT` release, under its policy).
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments")]
    async fn deploy(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        environment: String,
        changes: Vec<DeployChangeInput>,
        #[graphql(default)] message: String,
        #[graphql(
            desc = "With a reason, go ahead even though a policy rule blocks it (needs the owner's `policy:bypass`; audited and shown on the release)."
        )]
        bypass_reason: Option<String>,
    ) -> async_graphql::Result<Release> {
        let (service, caller) = use_case(ctx)?;
        let changes = changes
            .into_iter()
            .map(|c| DirectChange {
                resource: ResourceRef {
                    kind: c.kind.into(),
                    key: c.key,
                },
                version: c.version,
            })
            .collect();
        let request = DirectDeploy {
            environment,
            changes,
            message,
            bypass_reason,
        };
        let release = service.deploy(caller, &org, &project, request).await.gql(ctx)?;
        Ok(scoped(release, &org, &project))
    }

    /// Promotes what `source` serves into `target`: every resource that differs, or only
    /// `resources`. The exact versions the source serves are released, under the target's
    /// policy; with approvals required, the release waits in `PENDING`.
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments")]
    async fn promote(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        source: String,
        target: String,
        resources: Option<Vec<ResourceRefInput>>,
        #[graphql(default)] message: String,
        #[graphql(
            desc = "With a reason, go ahead even though a policy rule blocks it (needs the owner's `policy:bypass`; audited and shown on the release)."
        )]
        bypass_reason: Option<String>,
    ) -> async_graphql::Result<Release> {
        let (service, caller) = use_case(ctx)?;
        let resources = resources.map(|list| {
            list.into_iter()
                .map(|r| ResourceRef {
                    kind: r.kind.into(),
                    key: r.key,
                })
                .collect()
        });
        let request = Promotion {
            source,
            target,
            resources,
            message,
            bypass_reason,
        };
        let release = service.promote(caller, &org, &project, request).await.gql(ctx)?;
        Ok(scoped(release, &org, &project))
    }

    /// Rolls `environment` back to the pointers an earlier deployment of it left (a release
    /// under the same policy).
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments")]
    async fn rollback(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        environment: String,
        deployment: ID,
        #[graphql(default)] message: String,
        #[graphql(
            desc = "With a reason, go ahead even though a policy rule blocks it (needs the owner's `policy:bypass`; audited and shown on the release)."
        )]
        bypass_reason: Option<String>,
    ) -> async_graphql::Result<Release> {
        let (service, caller) = use_case(ctx)?;
        let deployment: DeploymentId = parse_id(ctx, "deployment", &deployment)?;
        let request = Rollback {
            environment,
            deployment,
            message,
            bypass_reason,
        };
        let release = service.rollback(caller, &org, &project, request).await.gql(ctx)?;
        Ok(scoped(release, &org, &project))
    }

    /// Approves a pending release (needs `release:approve`). It deploys at once when this
    /// approval completes the quorum and the policy applies automatically.
    async fn approve_release(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Release> {
        act(ctx, &id, Action::Approve).await
    }

    /// Rejects a pending or approved release, with a reason (needs `release:approve`).
    async fn reject_release(&self, ctx: &Context<'_>, id: ID, reason: String) -> async_graphql::Result<Release> {
        act(ctx, &id, Action::Reject(reason)).await
    }

    /// Withdraws a pending or approved release (its author, or an owner or admin).
    async fn cancel_release(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] reason: String,
    ) -> async_graphql::Result<Release> {
        act(ctx, &id, Action::Cancel(reason)).await
    }

    /// Applies an approved release (needs `release:apply`), checking the target's current
    /// policy again; a rule that blocks it is `POLICY_VIOLATION` unless bypassed.
    async fn apply_release(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(
            desc = "With a reason, go ahead even though a policy rule blocks it (needs the owner's `policy:bypass`; audited and shown on the release)."
        )]
        bypass_reason: Option<String>,
    ) -> async_graphql::Result<Release> {
        act(ctx, &id, Action::Apply { bypass_reason }).await
    }
}

//! Diffs: what differs between two environments, and between two versions of a resource. The
//! comparisons are the domain's (`slipway_domain::diff`); this module loads and authorizes.

use slipway_domain::diff::{PointerDifference, json_changes, pointer_differences};
use slipway_domain::resource::{ResourceKind, VersionNumber};
use slipway_domain::{Permission, Resource, Version, VersionId};

pub use slipway_domain::diff::JsonChange;

use crate::Missing;
use crate::{Ctx, Service, ServiceError, ServiceResult};
use tracing::instrument;

/// Two versions of one resource to compare, by number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionPair {
    /// The resource's kind.
    pub kind: ResourceKind,
    /// The resource's key.
    pub key: String,
    /// The version compared from.
    pub from: u32,
    /// The version compared to.
    pub to: u32,
}

/// How one resource differs between two environments.
#[derive(Debug, Clone)]
pub struct EnvironmentDiffEntry {
    /// The resource.
    pub resource: Resource,
    /// What the first environment points at.
    pub left: Option<Version>,
    /// What the second environment points at.
    pub right: Option<Version>,
}

impl Service {
    /// The resources whose pointers differ between environments `left` and `right` (own
    /// pointers, not fallbacks).
    ///
    /// # Errors
    /// Not-found for an unknown environment or without `project:view`.
    #[instrument(skip_all)]
    pub async fn diff_environments(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        left: &str,
        right: &str,
    ) -> ServiceResult<Vec<EnvironmentDiffEntry>> {
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let state = self.store().project_state(project.id).await?;
        let env = |slug: &str| {
            state
                .environments
                .by_slug(slug)
                .map(|e| e.id)
                .ok_or_else(|| ServiceError::NotFound(Missing::Environment(slug.to_string())))
        };
        let (l, r) = (env(left)?, env(right)?);
        let empty = Default::default();
        let lp = state.pointers.get(&l).unwrap_or(&empty);
        let rp = state.pointers.get(&r).unwrap_or(&empty);
        let differing = pointer_differences(lp, rp);
        let ids: Vec<VersionId> = differing
            .iter()
            .flat_map(|d| d.left.iter().chain(d.right.iter()).copied())
            .collect();
        let versions = self.store().versions_by_ids(&ids).await?;
        let find = |id: Option<VersionId>| id.and_then(|id| versions.iter().find(|v| v.id == id).cloned());
        let mut out = Vec::new();
        for PointerDifference {
            resource_id,
            left: a,
            right: b,
        } in differing
        {
            let resource = self
                .store()
                .resource(resource_id)
                .await?
                .ok_or_else(|| ServiceError::Internal("a pointer names a missing resource".into()))?;
            out.push(EnvironmentDiffEntry {
                resource,
                left: find(a),
                right: find(b),
            });
        }
        out.sort_by(|x, y| (x.resource.kind, x.resource.key.as_str()).cmp(&(y.resource.kind, y.resource.key.as_str())));
        Ok(out)
    }

    /// The differences between two versions of a resource, leaf by leaf (empty when their
    /// content is the same).
    ///
    /// # Errors
    /// Unknown resource or version; not-found without `project:view`.
    #[instrument(skip_all)]
    pub async fn diff_versions(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        pair: &VersionPair,
    ) -> ServiceResult<Vec<JsonChange>> {
        let VersionPair {
            kind,
            ref key,
            from,
            to,
        } = *pair;
        let (project, _) = self
            .authorize_project(ctx, org, project, Permission::ProjectView)
            .await?;
        let resource = self.resource_by_key(&project, kind, key).await?;
        let load = |n: u32| {
            let store = self.store().clone();
            async move {
                let number = VersionNumber::new(i64::from(n))?;
                store
                    .version_by_number(resource.id, number)
                    .await?
                    .ok_or(ServiceError::NotFound(Missing::Version { number: n, of: None }))
            }
        };
        let (a, b) = (load(from).await?, load(to).await?);
        Ok(json_changes(&a.content.to_json(), &b.content.to_json()))
    }
}

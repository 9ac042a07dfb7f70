//! Diffs: what differs between two environments, and between two versions of a resource.

use std::collections::BTreeSet;

use serde_json::Value;
use slipway_domain::resource::{ResourceKind, VersionNumber};
use slipway_domain::{Permission, Resource, ResourceId, Version, VersionId};

use crate::Missing;
use crate::{Ctx, Service, ServiceError, ServiceResult};
use tracing::instrument;

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

/// One difference between two JSON documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonChange {
    /// Where, as a path like `messages[0].content`.
    pub path: String,
    /// The value before (`None`: added).
    pub before: Option<Value>,
    /// The value after (`None`: removed).
    pub after: Option<Value>,
}

/// The differences between two JSON values, leaf by leaf.
pub fn json_changes(before: &Value, after: &Value) -> Vec<JsonChange> {
    let mut out = Vec::new();
    walk("", Some(before), Some(after), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<JsonChange>) {
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                walk(&join(path, k), a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(&format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(JsonChange {
            path: path.to_owned(),
            before: a.cloned(),
            after: b.cloned(),
        }),
    }
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
        let resources: BTreeSet<ResourceId> = lp.keys().chain(rp.keys()).copied().collect();
        let differing: Vec<(ResourceId, Option<VersionId>, Option<VersionId>)> = resources
            .into_iter()
            .map(|id| (id, lp.get(&id).map(|p| p.version_id), rp.get(&id).map(|p| p.version_id)))
            .filter(|(_, a, b)| a != b)
            .collect();
        let ids: Vec<VersionId> = differing
            .iter()
            .flat_map(|(_, a, b)| a.iter().chain(b.iter()).copied())
            .collect();
        let versions = self.store().versions_by_ids(&ids).await?;
        let find = |id: Option<VersionId>| id.and_then(|id| versions.iter().find(|v| v.id == id).cloned());
        let mut out = Vec::new();
        for (resource_id, a, b) in differing {
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

    /// The differences between two versions of a resource.
    ///
    /// # Errors
    /// Unknown resource or version; not-found without `project:view`.
    #[allow(clippy::too_many_arguments)]
    #[instrument(skip_all)]
    pub async fn diff_versions(
        &self,
        ctx: &Ctx,
        org: &str,
        project: &str,
        kind: ResourceKind,
        key: &str,
        from: u32,
        to: u32,
    ) -> ServiceResult<Vec<JsonChange>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_changes_name_paths() {
        let a = json!({"model": "a", "messages": [{"content": "x"}], "gone": 1});
        let b = json!({"model": "b", "messages": [{"content": "x"}, {"content": "y"}], "new": true});
        let paths: Vec<String> = json_changes(&a, &b).into_iter().map(|c| c.path).collect();
        assert_eq!(paths, ["gone", "messages[1]", "model", "new"]);
        assert!(json_changes(&a, &a).is_empty());
    }
}

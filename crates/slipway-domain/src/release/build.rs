//! Building a release's changes from a publish, a promotion, a rollback or a direct request,
//! given the pointers as they are now.

use std::collections::BTreeMap;

use crate::state::LivePointer;
use crate::{DomainError, EnvironmentId, ResourceId, ValidationError, VersionId};

use super::{Change, ReleaseOrigin};

/// The pointers of one environment.
type EnvPointers = BTreeMap<ResourceId, LivePointer>;

fn current(target: &EnvPointers, resource: ResourceId) -> Option<VersionId> {
    target.get(&resource).map(|p| p.version_id)
}

/// The change that publishes `version` of `resource` to a target, or `None` when the target
/// already serves it.
pub fn publish_change(target: &EnvPointers, resource: ResourceId, version: VersionId) -> Option<Change> {
    let from = current(target, resource);
    (from != Some(version)).then_some(Change {
        resource_id: resource,
        from_version: from,
        to_version: Some(version),
    })
}

/// The changes that make the target serve what the source serves: every resource the source
/// points at and the target serves differently, or only the chosen `subset`.
///
/// # Errors
/// A chosen resource that the source does not serve; nothing to promote.
pub fn promotion_changes(
    source: &EnvPointers,
    target: &EnvPointers,
    subset: Option<&[ResourceId]>,
) -> Result<Vec<Change>, DomainError> {
    let resources: Vec<ResourceId> = match subset {
        Some(chosen) => {
            if let Some(missing) = chosen.iter().find(|r| !source.contains_key(r)) {
                return Err(ValidationError::new(
                    "resources",
                    format!("the source environment does not serve resource {missing}"),
                )
                .into());
            }
            chosen.to_vec()
        }
        None => source.keys().copied().collect(),
    };
    let mut changes: Vec<Change> = resources
        .into_iter()
        .filter_map(|r| {
            let to = current(source, r);
            let from = current(target, r);
            (to != from).then_some(Change {
                resource_id: r,
                from_version: from,
                to_version: to,
            })
        })
        .collect();
    changes.sort_by_key(|c| c.resource_id);
    changes.dedup_by_key(|c| c.resource_id);
    if changes.is_empty() {
        return Err(DomainError::Conflict(
            "nothing to promote: the target already serves what the source serves".into(),
        ));
    }
    Ok(changes)
}

/// A promotion from environment `source` into environment `target`: its origin and changes (see
/// [`promotion_changes`]).
///
/// # Errors
/// An environment promoted into itself (on `source`); otherwise as [`promotion_changes`].
pub fn promotion(
    source: (EnvironmentId, &EnvPointers),
    target: (EnvironmentId, &EnvPointers),
    subset: Option<&[ResourceId]>,
) -> Result<(ReleaseOrigin, Vec<Change>), DomainError> {
    if source.0 == target.0 {
        return Err(ValidationError::new("source", "an environment cannot be promoted into itself").into());
    }
    let changes = promotion_changes(source.1, target.1, subset)?;
    Ok((ReleaseOrigin::Promotion { source: source.0 }, changes))
}

/// The changes that bring the target back to the pointers an earlier deployment left
/// (`earlier`): resources pointed at then get that version back; resources added since are
/// removed.
///
/// # Errors
/// The target already looks like that.
pub fn rollback_changes(
    target: &EnvPointers,
    earlier: &BTreeMap<ResourceId, VersionId>,
) -> Result<Vec<Change>, DomainError> {
    let mut resources: Vec<ResourceId> = target.keys().chain(earlier.keys()).copied().collect();
    resources.sort();
    resources.dedup();
    let changes: Vec<Change> = resources
        .into_iter()
        .filter_map(|r| {
            let from = current(target, r);
            let to = earlier.get(&r).copied();
            (from != to).then_some(Change {
                resource_id: r,
                from_version: from,
                to_version: to,
            })
        })
        .collect();
    if changes.is_empty() {
        return Err(DomainError::Conflict(
            "nothing to roll back: the environment already serves that state".into(),
        ));
    }
    Ok(changes)
}

/// The changes that set explicit versions (`None` removes a pointer).
///
/// # Errors
/// A resource named twice; nothing would change.
pub fn direct_changes(
    target: &EnvPointers,
    wanted: &[(ResourceId, Option<VersionId>)],
) -> Result<Vec<Change>, DomainError> {
    let mut changes = Vec::new();
    for (i, (resource, to)) in wanted.iter().enumerate() {
        if wanted[..i].iter().any(|(r, _)| r == resource) {
            return Err(ValidationError::new(format!("changes[{i}]"), "a resource appears twice").into());
        }
        let from = current(target, *resource);
        if from != *to {
            changes.push(Change {
                resource_id: *resource,
                from_version: from,
                to_version: *to,
            });
        }
    }
    if changes.is_empty() {
        return Err(DomainError::Conflict(
            "nothing to deploy: the target already serves these versions".into(),
        ));
    }
    changes.sort_by_key(|c| c.resource_id);
    Ok(changes)
}

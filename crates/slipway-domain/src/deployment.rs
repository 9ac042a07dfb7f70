//! Deployments: the history of an environment. Each applied release becomes one, recording the
//! pointer moves and the complete pointer set afterwards, so that any earlier state can be rolled
//! back to.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::release::{Bypass, Change};
use crate::state::LivePointer;
use crate::{DeploymentId, EnvironmentId, ProjectId, ReleaseId, ResourceId, UserId, VersionId};

/// One applied release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Generated when the release is applied.
    pub id: DeploymentId,
    /// The project whose environment moved.
    pub project_id: ProjectId,
    /// The environment whose pointers moved.
    pub environment_id: EnvironmentId,
    /// The release applied.
    pub release_id: ReleaseId,
    /// 1, 2, … per environment.
    pub sequence: u64,
    /// The moves made.
    pub changes: Vec<Change>,
    /// Every pointer of the environment right after this deployment.
    pub pointers_after: BTreeMap<ResourceId, VersionId>,
    /// Who applied it (`None` when the system did, e.g. at the end of a freeze window).
    pub deployed_by: Option<UserId>,
    /// The bypass that let it through, if any.
    pub bypass: Option<Bypass>,
    /// When the pointers moved (the commit's time).
    pub deployed_at: DateTime<Utc>,
}

/// Applies `changes` to an environment's pointers at `now`, bumping each moved pointer's
/// revision, and returns the pointer set afterwards. The caller has already checked (with
/// [`crate::release::decide_apply`]) that every `from_version` matches.
pub fn apply_changes(
    pointers: &mut BTreeMap<ResourceId, LivePointer>,
    changes: &[Change],
    now: DateTime<Utc>,
) -> BTreeMap<ResourceId, VersionId> {
    for change in changes {
        match change.to_version {
            Some(version_id) => {
                let revision = pointers.get(&change.resource_id).map_or(1, |p| p.revision + 1);
                pointers.insert(
                    change.resource_id,
                    LivePointer {
                        version_id,
                        since: now,
                        revision,
                    },
                );
            }
            None => {
                pointers.remove(&change.resource_id);
            }
        }
    }
    pointers.iter().map(|(r, p)| (*r, p.version_id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    #[test]
    fn changes_move_and_remove_pointers() {
        let r = |n: u128| ResourceId::from_uuid(Uuid::from_u128(n));
        let v = |n: u128| VersionId::from_uuid(Uuid::from_u128(100 + n));
        let t0 = Utc.timestamp_opt(1_800_000_000, 0).single().unwrap();
        let t1 = Utc.timestamp_opt(1_800_000_100, 0).single().unwrap();
        let mut pointers: BTreeMap<ResourceId, LivePointer> = [
            (
                r(1),
                LivePointer {
                    version_id: v(1),
                    since: t0,
                    revision: 3,
                },
            ),
            (
                r(2),
                LivePointer {
                    version_id: v(2),
                    since: t0,
                    revision: 1,
                },
            ),
        ]
        .into();
        let after = apply_changes(
            &mut pointers,
            &[
                Change {
                    resource_id: r(1),
                    from_version: Some(v(1)),
                    to_version: Some(v(5)),
                },
                Change {
                    resource_id: r(2),
                    from_version: Some(v(2)),
                    to_version: None,
                },
                Change {
                    resource_id: r(3),
                    from_version: None,
                    to_version: Some(v(7)),
                },
            ],
            t1,
        );
        assert_eq!(after, [(r(1), v(5)), (r(3), v(7))].into());
        assert_eq!(
            pointers[&r(1)],
            LivePointer {
                version_id: v(5),
                since: t1,
                revision: 4
            }
        );
        assert_eq!(pointers[&r(3)].revision, 1);
    }
}

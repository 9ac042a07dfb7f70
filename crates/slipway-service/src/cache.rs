//! The per-project snapshot cache: reads clone an `Arc` under a read lock held for nanoseconds and
//! never wait on the database; writers build a new snapshot outside the lock and swap it in,
//! keeping the newer of two racing builds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use slipway_domain::ProjectId;

use crate::snapshot::Snapshot;

/// Snapshots by project.
#[derive(Debug, Default)]
pub struct SnapshotCache {
    map: RwLock<HashMap<ProjectId, Arc<Snapshot>>>,
    /// The last project a [`SnapshotCache::sweep`] returned.
    swept_to: Mutex<Option<ProjectId>>,
}

impl SnapshotCache {
    /// The cached snapshot of `project`, if one was built.
    pub fn get(&self, project: ProjectId) -> Option<Arc<Snapshot>> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&project)
            .cloned()
    }

    /// Installs `snapshot` unless a newer one is already there; returns the one now cached and
    /// the one it replaced.
    pub fn install(&self, snapshot: Snapshot) -> (Arc<Snapshot>, Option<Arc<Snapshot>>) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        let project = snapshot.project.id;
        match map.get(&project) {
            Some(current) if current.revision > snapshot.revision => (Arc::clone(current), None),
            previous => {
                let previous = previous.cloned();
                let installed = Arc::new(snapshot);
                map.insert(project, Arc::clone(&installed));
                (installed, previous)
            }
        }
    }

    /// The projects with a cached snapshot and the revision of each.
    pub fn revisions(&self) -> Vec<(ProjectId, i64)> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(p, s)| (*p, s.revision))
            .collect()
    }

    /// Up to `n` cached projects with their revisions, in project order, continuing after the
    /// last one the previous sweep returned and wrapping around: successive sweeps visit every
    /// cached project in turn.
    pub fn sweep(&self, n: usize) -> Vec<(ProjectId, i64)> {
        let mut swept_to = self.swept_to.lock().unwrap_or_else(PoisonError::into_inner);
        let batch = next_batch(self.revisions(), *swept_to, n);
        *swept_to = batch.last().map(|(p, _)| *p);
        batch
    }

    /// How many projects have a cached snapshot.
    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Forgets a project's snapshot.
    pub fn evict(&self, project: ProjectId) {
        self.map
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&project);
    }
}

/// Up to `n` of `entries` in project order, starting after `last` and wrapping around.
fn next_batch(mut entries: Vec<(ProjectId, i64)>, last: Option<ProjectId>, n: usize) -> Vec<(ProjectId, i64)> {
    entries.sort_unstable_by_key(|(p, _)| *p);
    let start = last.map_or(0, |last| entries.partition_point(|(p, _)| *p <= last));
    let (before, after) = entries.split_at(start);
    after.iter().chain(before).take(n).copied().collect()
}

/// Hit and miss counters of the snapshot cache.
#[derive(Debug, Default)]
pub(crate) struct CacheStats {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl CacheStats {
    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn read(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn p(n: u128) -> ProjectId {
        ProjectId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn successive_batches_visit_every_project_in_turn() {
        let entries: Vec<_> = [5, 1, 4, 2, 3].into_iter().map(|n| (p(n), 0)).collect();
        let ids = |b: Vec<(ProjectId, i64)>| b.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        assert_eq!(ids(next_batch(entries.clone(), None, 2)), [p(1), p(2)]);
        assert_eq!(ids(next_batch(entries.clone(), Some(p(2)), 2)), [p(3), p(4)]);
        assert_eq!(ids(next_batch(entries.clone(), Some(p(4)), 2)), [p(5), p(1)], "wraps");
        assert_eq!(
            ids(next_batch(entries.clone(), Some(p(3)), 10)),
            [p(4), p(5), p(1), p(2), p(3)],
            "each once"
        );
        // The last project seen may have left the cache meanwhile.
        let fewer: Vec<_> = entries.iter().copied().filter(|(id, _)| *id != p(2)).collect();
        assert_eq!(ids(next_batch(fewer, Some(p(2)), 1)), [p(3)]);
        assert!(next_batch(Vec::new(), Some(p(1)), 3).is_empty());
    }
}

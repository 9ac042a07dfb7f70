//! The per-project snapshot cache: reads clone an `Arc` under a read lock held for nanoseconds and
//! never wait on the database; writers build a new snapshot outside the lock and swap it in,
//! keeping the newer of two racing builds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use slipway_domain::ProjectId;

use crate::snapshot::Snapshot;

/// Snapshots by project.
#[derive(Debug, Default)]
pub struct SnapshotCache {
    map: RwLock<HashMap<ProjectId, Arc<Snapshot>>>,
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

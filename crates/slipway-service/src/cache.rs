//! The per-project snapshot cache: reads clone an `Arc` under a read lock held for nanoseconds and
//! never wait on the database; writers build a new snapshot outside the lock and swap it in,
//! keeping the newer of two racing builds. Each entry remembers when it was installed, so that
//! metrics can tell how long this instance has served what it holds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use slipway_domain::ProjectId;

use crate::snapshot::Snapshot;

/// Snapshots by project.
#[derive(Debug, Default)]
pub struct SnapshotCache {
    map: RwLock<HashMap<ProjectId, Entry>>,
}

#[derive(Debug)]
struct Entry {
    snapshot: Arc<Snapshot>,
    installed: Instant,
}

/// What the cache holds, in aggregate (never a series per project).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SnapshotSummary {
    /// Projects with a cached snapshot.
    pub projects: usize,
    /// The highest serving revision among them (0 when there is none).
    pub max_revision: i64,
    /// How long ago the least recently installed snapshot was installed: the longest time any
    /// project has served one revision here without a change reaching this instance.
    pub oldest_age: Duration,
}

impl SnapshotCache {
    /// The cached snapshot of `project`, if one was built.
    pub fn get(&self, project: ProjectId) -> Option<Arc<Snapshot>> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&project)
            .map(|e| Arc::clone(&e.snapshot))
    }

    /// Installs `snapshot` unless a newer one is already there; returns the one now cached and
    /// the one it replaced.
    pub fn install(&self, snapshot: Snapshot) -> (Arc<Snapshot>, Option<Arc<Snapshot>>) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        let project = snapshot.project.id;
        match map.get(&project) {
            Some(current) if current.snapshot.revision > snapshot.revision => (Arc::clone(&current.snapshot), None),
            previous => {
                let previous = previous.map(|e| Arc::clone(&e.snapshot));
                let installed = Arc::new(snapshot);
                map.insert(
                    project,
                    Entry {
                        snapshot: Arc::clone(&installed),
                        installed: Instant::now(),
                    },
                );
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
            .map(|(p, e)| (*p, e.snapshot.revision))
            .collect()
    }

    /// The cache in aggregate.
    pub fn summary(&self) -> SnapshotSummary {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        SnapshotSummary {
            projects: map.len(),
            max_revision: map.values().map(|e| e.snapshot.revision).max().unwrap_or(0),
            oldest_age: map
                .values()
                .map(|e| now.saturating_duration_since(e.installed))
                .max()
                .unwrap_or_default(),
        }
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

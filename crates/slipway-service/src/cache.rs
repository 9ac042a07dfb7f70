//! The per-project snapshot cache: reads clone an `Arc` under a read lock held for nanoseconds and
//! never wait on the database; writers build a new snapshot outside the lock and swap it in,
//! keeping the newer of two racing builds.
//!
//! The cache is bounded by the bytes its snapshots serve ([`DEFAULT_CAPACITY_BYTES`] unless the
//! service is told otherwise): past the bound, the snapshots read least recently are dropped and
//! rebuilt from the database on their next read. Recency is kept per background tick (an
//! *epoch*), so a read only stores a number into its own entry — no shared counter on the hot
//! path. A dropped project's revision is remembered, so a slow build of an older revision can
//! never be installed after it: the cache only ever moves forward. Each entry remembers when it
//! was installed, so that metrics can tell how long this instance has served what it holds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use slipway_domain::ProjectId;

use crate::snapshot::Snapshot;

/// The default bound of the cache: 256 MiB of served bodies (about 10,000 projects of twenty
/// prompts each).
pub const DEFAULT_CAPACITY_BYTES: usize = 256 * 1024 * 1024;

/// A cached snapshot, when it was installed and when it was last read.
#[derive(Debug)]
struct Entry {
    snapshot: Arc<Snapshot>,
    bytes: usize,
    installed: Instant,
    last_read: AtomicU64,
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

#[derive(Debug, Default)]
struct Map {
    entries: HashMap<ProjectId, Entry>,
    bytes: usize,
    /// The revisions of dropped snapshots: nothing older may be installed again.
    floors: HashMap<ProjectId, i64>,
}

/// Snapshots by project.
#[derive(Debug)]
pub struct SnapshotCache {
    map: RwLock<Map>,
    epoch: AtomicU64,
    capacity: AtomicUsize,
    /// The last project a [`SnapshotCache::sweep`] returned.
    swept_to: Mutex<Option<ProjectId>>,
}

impl Default for SnapshotCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY_BYTES)
    }
}

impl SnapshotCache {
    /// A cache holding at most about `capacity` bytes of served bodies (always at least the
    /// snapshot installed last).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            map: RwLock::default(),
            epoch: AtomicU64::new(0),
            capacity: AtomicUsize::new(capacity),
            swept_to: Mutex::default(),
        }
    }

    /// The cached snapshot of `project`, if one is held.
    pub fn get(&self, project: ProjectId) -> Option<Arc<Snapshot>> {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let entry = map.entries.get(&project)?;
        let epoch = self.epoch.load(Ordering::Relaxed);
        if entry.last_read.load(Ordering::Relaxed) != epoch {
            entry.last_read.store(epoch, Ordering::Relaxed);
        }
        Some(Arc::clone(&entry.snapshot))
    }

    /// Bounds the cache to about `capacity` bytes, dropping what is over it now.
    pub fn set_capacity(&self, capacity: usize) {
        self.capacity.store(capacity, Ordering::Relaxed);
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if map.bytes > capacity {
            Self::shrink(&mut map, None, capacity);
        }
    }

    /// Starts a new recency epoch (once per background tick).
    pub fn next_epoch(&self) {
        self.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// Installs `snapshot` unless a newer one is (or was) there; returns the one now cached and
    /// the one it replaced. Drops the least recently read others while over capacity.
    pub fn install(&self, snapshot: Snapshot) -> (Arc<Snapshot>, Option<Arc<Snapshot>>) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        let project = snapshot.project.id;
        if let Some(current) = map.entries.get(&project)
            && current.snapshot.revision > snapshot.revision
        {
            return (Arc::clone(&current.snapshot), None);
        }
        if map.floors.get(&project).is_some_and(|floor| *floor > snapshot.revision) {
            // Older than one dropped meanwhile: hand it to this caller, never cache it.
            return (Arc::new(snapshot), None);
        }
        map.floors.remove(&project);
        let bytes = served_bytes(&snapshot);
        let installed = Arc::new(snapshot);
        let entry = Entry {
            snapshot: Arc::clone(&installed),
            bytes,
            installed: Instant::now(),
            last_read: AtomicU64::new(self.epoch.load(Ordering::Relaxed)),
        };
        map.bytes += bytes;
        let previous = map.entries.insert(project, entry).map(|old| {
            map.bytes -= old.bytes;
            old.snapshot
        });
        let capacity = self.capacity.load(Ordering::Relaxed);
        if map.bytes > capacity {
            Self::shrink(&mut map, Some(project), capacity);
        }
        (installed, previous)
    }

    /// Drops the least recently read snapshots (never `keep`) until the cache holds at most
    /// nine tenths of `capacity`, so that shrinking is rare.
    fn shrink(map: &mut Map, keep: Option<ProjectId>, capacity: usize) {
        let target = capacity / 10 * 9;
        let mut by_age: Vec<(u64, ProjectId)> = map
            .entries
            .iter()
            .filter(|(p, _)| Some(**p) != keep)
            .map(|(p, e)| (e.last_read.load(Ordering::Relaxed), *p))
            .collect();
        by_age.sort_unstable();
        let mut dropped = 0_usize;
        for (_, project) in by_age {
            if map.bytes <= target {
                break;
            }
            Self::drop_entry(map, project);
            dropped += 1;
        }
        tracing::debug!(
            dropped,
            bytes = map.bytes,
            "snapshot cache over capacity: dropped the least recently read"
        );
    }

    fn drop_entry(map: &mut Map, project: ProjectId) {
        if let Some(old) = map.entries.remove(&project) {
            map.bytes -= old.bytes;
            map.floors.insert(project, old.snapshot.revision);
        }
    }

    /// The projects with a cached snapshot and the revision of each.
    pub fn revisions(&self) -> Vec<(ProjectId, i64)> {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .iter()
            .map(|(p, e)| (*p, e.snapshot.revision))
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

    /// The cache in aggregate.
    pub fn summary(&self) -> SnapshotSummary {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        SnapshotSummary {
            projects: map.entries.len(),
            max_revision: map.entries.values().map(|e| e.snapshot.revision).max().unwrap_or(0),
            oldest_age: map
                .entries
                .values()
                .map(|e| now.saturating_duration_since(e.installed))
                .max()
                .unwrap_or_default(),
        }
    }

    /// How many projects have a cached snapshot.
    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(PoisonError::into_inner).entries.len()
    }

    /// The bytes of served bodies the cache holds.
    pub fn bytes(&self) -> usize {
        self.map.read().unwrap_or_else(PoisonError::into_inner).bytes
    }

    /// Forgets a project's snapshot.
    pub fn evict(&self, project: ProjectId) {
        Self::drop_entry(&mut self.map.write().unwrap_or_else(PoisonError::into_inner), project);
    }
}

/// What a snapshot holds, counted as the bytes of the bodies it serves (whole configurations
/// and single resources) plus a fixed overhead per entry.
fn served_bytes(snapshot: &Snapshot) -> usize {
    const PER_ENTRY: usize = 256;
    snapshot
        .views()
        .map(|view| {
            view.body.len() + PER_ENTRY + view.entries.values().map(|e| e.body.len() + PER_ENTRY).sum::<usize>()
        })
        .sum::<usize>()
        + PER_ENTRY
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
    use chrono::Utc;
    use slipway_domain::environment::Environments;
    use slipway_domain::slug::ProjectSlug;
    use slipway_domain::state::ProjectState;
    use slipway_domain::text::Name;
    use slipway_domain::{EnvironmentId, OrganizationId, Project};
    use slipway_store::SnapshotData;
    use uuid::Uuid;

    /// An empty snapshot of project `n` at `revision`.
    fn snap(n: u128, revision: i64) -> Snapshot {
        let id = p(n);
        let now = Utc::now();
        let environments = Environments::for_new_project(
            id,
            EnvironmentId::from_uuid(Uuid::new_v4()),
            EnvironmentId::from_uuid(Uuid::new_v4()),
            now,
        );
        Snapshot::build(SnapshotData {
            project: Project {
                id,
                organization_id: OrganizationId::from_uuid(Uuid::from_u128(1)),
                slug: ProjectSlug::parse(&format!("p{n}")).unwrap(),
                name: Name::parse("P").unwrap(),
                created_at: now,
            },
            state: ProjectState {
                environments,
                pointers: Default::default(),
            },
            resources: Vec::new(),
            versions: Vec::new(),
            serving_revision: revision,
        })
        .unwrap()
    }

    #[test]
    fn past_its_capacity_the_cache_drops_the_least_recently_read() {
        let one = served_bytes(&snap(1, 1));
        let cache = SnapshotCache::with_capacity(one * 2 + one / 2);
        cache.install(snap(1, 1));
        cache.next_epoch();
        cache.install(snap(2, 1));
        cache.next_epoch();
        assert!(cache.get(p(1)).is_some(), "1 read again: 2 is now the coldest");
        cache.next_epoch();
        cache.install(snap(3, 1));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(p(2)).is_none(), "the least recently read went");
        assert!(cache.get(p(1)).is_some() && cache.get(p(3)).is_some());
        assert!(cache.bytes() <= one * 2 + one / 2);
        // A snapshot bigger than the whole bound is still held: the one installed last stays.
        let tiny = SnapshotCache::with_capacity(1);
        tiny.install(snap(4, 1));
        assert_eq!(tiny.len(), 1);
    }

    #[test]
    fn a_dropped_snapshot_is_never_replaced_by_an_older_build() {
        let cache = SnapshotCache::default();
        cache.install(snap(1, 5));
        cache.evict(p(1));
        let (handed, _) = cache.install(snap(1, 4));
        assert_eq!(handed.revision, 4, "the caller gets what it built");
        assert!(cache.get(p(1)).is_none(), "but an older revision is not cached");
        cache.install(snap(1, 5));
        assert_eq!(cache.get(p(1)).unwrap().revision, 5);
        cache.install(snap(1, 3));
        assert_eq!(cache.get(p(1)).unwrap().revision, 5, "the newer of two builds stays");
    }

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

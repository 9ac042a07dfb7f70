//! One writer at a time per project within this instance. Release writes to one project queue
//! here instead of racing each other through the database and retrying; races with other
//! instances (several servers on one PostgreSQL) are still lost cleanly and retried by the use
//! cases.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use slipway_domain::ProjectId;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Prune the map of locks nobody holds once it grows past this many projects.
const PRUNE_ABOVE: usize = 1024;

/// The per-project writer locks; an entry lives only while some writer holds or awaits it.
#[derive(Default)]
pub(crate) struct WriterLocks {
    locks: Mutex<HashMap<ProjectId, Weak<AsyncMutex<()>>>>,
}

/// Proof that the holder is the only writer of its project in this instance.
pub(crate) struct WriterGuard {
    _guard: OwnedMutexGuard<()>,
}

impl WriterLocks {
    /// Waits until no other writer of `project` in this instance is running.
    pub(crate) async fn lock(&self, project: ProjectId) -> WriterGuard {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(lock) = locks.get(&project).and_then(Weak::upgrade) {
                lock
            } else {
                if locks.len() >= PRUNE_ABOVE {
                    locks.retain(|_, l| l.strong_count() > 0);
                }
                let lock = Arc::new(AsyncMutex::new(()));
                locks.insert(project, Arc::downgrade(&lock));
                lock
            }
        };
        WriterGuard {
            _guard: lock.lock_owned().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use uuid::Uuid;

    use super::*;

    #[tokio::test]
    async fn writers_of_one_project_take_turns_and_other_projects_do_not_wait() {
        let locks = Arc::new(WriterLocks::default());
        let (a, b) = (
            ProjectId::from_uuid(Uuid::from_u128(1)),
            ProjectId::from_uuid(Uuid::from_u128(2)),
        );
        let held = locks.lock(a).await;
        let waiting = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move { locks.lock(a).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "a second writer of the project waits");
        let other = tokio::time::timeout(Duration::from_secs(1), locks.lock(b)).await;
        assert!(other.is_ok(), "another project's writer does not wait");
        drop(held);
        assert!(tokio::time::timeout(Duration::from_secs(1), waiting).await.is_ok());
    }
}

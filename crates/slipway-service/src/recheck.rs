//! Which open releases a background tick re-checks: those whose due moment (expiry, the end of a
//! freeze window holding them) has come, and every open release of a project where something
//! changed since the last tick — a commit here, or another instance's commit announced to this
//! one. An idle server so does no per-project work, however many projects it holds.
//!
//! A full pass over every open release runs on the first tick and then every [`FULL_PASS`]: the
//! safety net for releases another instance created and can no longer look after, and for a
//! change no notification told this instance about.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use slipway_domain::{ProjectId, ReleaseId};

/// How long the tick trusts its due queue and the changes it was told of before looking at
/// every open release again.
pub const FULL_PASS: Duration = Duration::minutes(5);

/// What one tick should look at.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Every open release.
    Full,
    /// The open releases of these projects, and these releases.
    Some {
        projects: Vec<ProjectId>,
        releases: Vec<ReleaseId>,
    },
}

#[derive(Debug, Default)]
struct State {
    due: BTreeSet<(DateTime<Utc>, ReleaseId)>,
    due_of: HashMap<ReleaseId, DateTime<Utc>>,
    changed: HashSet<ProjectId>,
    everything_changed: bool,
    last_full: Option<DateTime<Utc>>,
}

/// The due queue and the projects changed since the last tick.
#[derive(Debug, Default)]
pub(crate) struct RecheckQueue {
    state: Mutex<State>,
}

impl RecheckQueue {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Something changed in `project`: re-check its open releases on the next tick.
    pub(crate) fn changed(&self, project: ProjectId) {
        self.state().changed.insert(project);
    }

    /// Something changed that may concern any project (an organization's roles): the next
    /// tick is a full pass.
    pub(crate) fn everything_changed(&self) {
        self.state().everything_changed = true;
    }

    /// Looks at `release` again at `at` (replacing any earlier plan), or never by time when
    /// `at` is `None`.
    pub(crate) fn schedule(&self, release: ReleaseId, at: Option<DateTime<Utc>>) {
        let mut state = self.state();
        if let Some(previous) = state.due_of.remove(&release) {
            state.due.remove(&(previous, release));
        }
        if let Some(at) = at {
            state.due.insert((at, release));
            state.due_of.insert(release, at);
        }
    }

    /// What the tick at `now` looks at; takes the changed projects and the releases due by
    /// `now` out of the queue (a release is scheduled again once re-checked).
    pub(crate) fn take(&self, now: DateTime<Utc>) -> Pass {
        let mut state = self.state();
        let full_due = state.last_full.is_none_or(|last| now - last >= FULL_PASS);
        if full_due || state.everything_changed {
            state.last_full = Some(now);
            state.everything_changed = false;
            state.changed.clear();
            state.due.clear();
            state.due_of.clear();
            return Pass::Full;
        }
        let mut releases = Vec::new();
        while let Some(&(at, release)) = state.due.first() {
            if at > now {
                break;
            }
            state.due.pop_first();
            state.due_of.remove(&release);
            releases.push(release);
        }
        let projects = state.changed.drain().collect();
        Pass::Some { projects, releases }
    }

    /// How many releases wait for a moment in the queue.
    #[cfg(test)]
    fn scheduled(&self) -> usize {
        self.state().due.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap()
    }

    fn release(n: u128) -> ReleaseId {
        ReleaseId::from_uuid(Uuid::from_u128(n))
    }

    fn project(n: u128) -> ProjectId {
        ProjectId::from_uuid(Uuid::from_u128(n))
    }

    fn some(pass: Pass) -> (Vec<ProjectId>, Vec<ReleaseId>) {
        match pass {
            Pass::Some { projects, releases } => (projects, releases),
            Pass::Full => panic!("expected a partial pass"),
        }
    }

    #[test]
    fn the_first_tick_and_one_every_full_pass_look_at_everything() {
        let q = RecheckQueue::default();
        assert_eq!(q.take(t(0)), Pass::Full);
        assert_eq!(some(q.take(t(5))), (vec![], vec![]), "idle: nothing to look at");
        assert_eq!(q.take(t(FULL_PASS.num_seconds())), Pass::Full);
        assert_eq!(some(q.take(t(FULL_PASS.num_seconds() + 5))), (vec![], vec![]));
    }

    #[test]
    fn due_releases_come_out_in_time_and_once() {
        let q = RecheckQueue::default();
        q.take(t(0));
        q.schedule(release(1), Some(t(30)));
        q.schedule(release(2), Some(t(10)));
        q.schedule(release(3), None);
        assert_eq!(q.scheduled(), 2);
        assert_eq!(some(q.take(t(9))).1, vec![]);
        assert_eq!(some(q.take(t(10))).1, vec![release(2)]);
        assert_eq!(some(q.take(t(20))).1, vec![], "taken once");
        // Re-planned later, the earlier plan is forgotten.
        q.schedule(release(1), Some(t(60)));
        assert_eq!(q.scheduled(), 1);
        assert_eq!(some(q.take(t(40))).1, vec![]);
        assert_eq!(some(q.take(t(61))).1, vec![release(1)]);
        q.schedule(release(1), Some(t(100)));
        q.schedule(release(1), None);
        assert_eq!(q.scheduled(), 0, "unscheduled");
    }

    #[test]
    fn changed_projects_are_looked_at_on_the_next_tick_only() {
        let q = RecheckQueue::default();
        q.take(t(0));
        q.changed(project(7));
        q.changed(project(7));
        assert_eq!(some(q.take(t(1))).0, vec![project(7)]);
        assert_eq!(some(q.take(t(2))).0, vec![]);
        q.everything_changed();
        assert_eq!(q.take(t(3)), Pass::Full, "a change that may concern any project");
        assert_eq!(some(q.take(t(4))), (vec![], vec![]));
    }
}

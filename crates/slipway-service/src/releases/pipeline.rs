//! The one path every release takes, whether it is being created or acted on: load what the
//! domain's flow reads, call [`advance`], commit its writes with the audit event in one
//! transaction, announce. A commit that lost a race (a pointer or the release moved, the
//! project's environments changed, a number was taken) reads everything again and retries, so
//! racing writers never see a CONFLICT for the server's own race.

use std::collections::BTreeMap;

use slipway_domain::release::{
    FlowContext, FlowWrite, NextDeployment, Release, ReleaseOrigin, ReleaseParts, ReleaseState, Trigger, advance,
    may_deploy,
};
use slipway_domain::state::{LivePointer, ProjectState};
use slipway_domain::text::Message;
use slipway_domain::{DeploymentId, Project, ReleaseId, ResourceId, UserId};
use slipway_store::Write;
use uuid::Uuid;

use super::MAX_ATTEMPTS;
use super::create::Origin;
use super::deploy::release_summary;
use crate::writers::WriterGuard;
use crate::{ConflictKind, Ctx, Event, Missing, Service, ServiceError, ServiceResult};

const EMPTY: &BTreeMap<ResourceId, LivePointer> = &BTreeMap::new();

/// A release to create: built again on every attempt from what the target serves then.
pub(crate) struct NewRelease<'a> {
    /// The project, already authorized.
    pub project: &'a Project,
    /// The target environment's slug.
    pub target: &'a str,
    /// What the release is built from.
    pub origin: &'a Origin,
    /// Why.
    pub message: &'a Message,
    /// Who creates it.
    pub author: UserId,
    /// Writes planned by the caller and committed with the release (a new version). A run that
    /// carries them does not retry on its own: the caller plans them again.
    pub extra: &'a [Write],
    /// The audit action.
    pub action: &'static str,
}

/// Which release a run advances.
pub(crate) enum Subject<'a> {
    /// A release to create ([`Trigger::Created`]).
    New(NewRelease<'a>),
    /// A stored release the caller may see.
    Stored(ReleaseId),
}

/// What one attempt read.
struct Loaded {
    project: Project,
    release: Release,
    /// The project's serving revision, read before the state: a deployment commits only if
    /// neither the pointers nor the policy it was checked against moved meanwhile.
    revision: i64,
    state: ProjectState,
}

impl Service {
    /// Advances a release on `trigger` through the domain's flow (see the module docs). The
    /// caller holds the project's writer lock (`_writer`), so writers in this instance take turns
    /// and only another instance's commit can make an attempt lose.
    ///
    /// # Errors
    /// The flow's refusals (policy, closed release, …); not-found for what the subject names;
    /// CONFLICT of kind race only after every attempt lost.
    pub(crate) async fn advance_release(
        &self,
        ctx: &Ctx,
        subject: Subject<'_>,
        trigger: Trigger,
        _writer: &WriterGuard,
    ) -> ServiceResult<Release> {
        let (attempts, extra) = match &subject {
            Subject::New(new) if !new.extra.is_empty() => (1, new.extra),
            Subject::New(new) => (MAX_ATTEMPTS, new.extra),
            Subject::Stored(_) => (MAX_ATTEMPTS, &[][..]),
        };
        let mut last = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                super::backoff(attempt).await;
            }
            let now = self.now();
            let loaded = self.load(ctx, &subject, now).await?;
            let Loaded {
                project,
                release,
                revision,
                state,
            } = loaded;
            let env = state
                .environments
                .get(release.environment_id())
                .ok_or(ServiceError::NotFound(Missing::Row("target environment")))?;
            let roles = self.roles(project.id).await?;
            let role_of = |u| roles.get(&u).copied();
            let next_deployment = if may_deploy(&release, &trigger, &env.policy, &role_of, now) {
                Some(NextDeployment {
                    id: DeploymentId::from_uuid(Uuid::now_v7()),
                    sequence: self.next_sequence(env.id).await?,
                })
            } else {
                None
            };
            let source_pointers = match release.origin() {
                ReleaseOrigin::Promotion { source } => Some(state.pointers.get(&source).unwrap_or(EMPTY)),
                _ => None,
            };
            let before = match subject {
                Subject::New(_) => None,
                Subject::Stored(_) => Some(release_summary(&release)),
            };
            let before_state = release.state();
            let flow = FlowContext {
                now,
                policy: &env.policy,
                target_pointers: state.pointers.get(&env.id).unwrap_or(EMPTY),
                source_pointers,
                role_of: &role_of,
                actor: ctx.user_ref().map(|u| u.id),
                next_deployment,
            };
            let step = advance(release, &trigger, &flow)?;
            if step.writes.is_empty() {
                // A re-check that found nothing to do writes (and audits) nothing.
                return Ok(step.release);
            }
            if step.release.state() == ReleaseState::Superseded && before_state != ReleaseState::Superseded {
                tracing::info!(release = %step.release.id(), "release superseded");
            }
            let mut writes = extra.to_vec();
            if step.deployment.is_some() {
                writes.insert(
                    0,
                    Write::ExpectServingRevision {
                        project: project.id,
                        revision,
                    },
                );
            }
            writes.extend(step.writes.into_iter().map(store_write));
            let kinds =
                crate::webhooks::release_kinds(matches!(subject, Subject::New(_)), before_state, step.release.state());
            let hooks = self
                .release_webhooks(&project, env, &step.release, &kinds, extra, now)
                .await?;
            writes.extend(hooks);
            let action = match &subject {
                Subject::New(new) => new.action,
                Subject::Stored(_) => step.audit_action.unwrap_or("release.recheck"),
            };
            let audit = Self::entry(
                ctx,
                action,
                "release",
                step.release.id(),
                before,
                Some(release_summary(&step.release)),
            );
            match self.commit(project.id.as_uuid(), Some(project.id), writes, audit).await {
                Ok(_) => {
                    self.announce(Event::ReleaseUpdated {
                        project_id: project.id,
                        release_id: step.release.id(),
                        state: step.release.state(),
                    });
                    if let Some(d) = step.deployment {
                        self.announce(Event::EnvironmentChanged {
                            project_id: project.id,
                            environment_id: d.environment_id,
                            deployment_id: Some(d.id),
                        });
                    }
                    return Ok(step.release);
                }
                Err(e) if e.is_race() => {
                    tracing::debug!(error = %e, "release step raced; reading again");
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| ServiceError::conflict(ConflictKind::Race, "the release kept changing; try again")))
    }

    /// Reads what one attempt needs: the release (built anew, or stored), its project, the
    /// project's serving revision and state.
    async fn load(
        &self,
        ctx: &Ctx,
        subject: &Subject<'_>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<Loaded> {
        match subject {
            Subject::Stored(id) => {
                let (release, project, _) = self.visible_release(ctx, *id).await?;
                let revision = self.store().serving_revision(project.id).await?;
                let state = self.store().project_state(project.id).await?;
                Ok(Loaded {
                    project,
                    release,
                    revision,
                    state,
                })
            }
            Subject::New(new) => {
                let revision = self.store().serving_revision(new.project.id).await?;
                let state = self.store().project_state(new.project.id).await?;
                let env = state
                    .environments
                    .by_slug(new.target)
                    .ok_or_else(|| ServiceError::NotFound(Missing::Environment(new.target.to_owned())))?;
                let (origin, changes) = self.build_changes(&state, env, new.target, new.origin).await?;
                let release = Release::create(ReleaseParts {
                    id: ReleaseId::from_uuid(Uuid::now_v7()),
                    project_id: new.project.id,
                    environment_id: env.id,
                    origin,
                    changes,
                    author: new.author,
                    message: new.message.clone(),
                    policy_revision: env.policy.revision(),
                    state: ReleaseState::Pending,
                    approvals: Vec::new(),
                    decision: None,
                    bypass: None,
                    deployment_id: None,
                    created_at: now,
                    updated_at: now,
                })?;
                Ok(Loaded {
                    project: new.project.clone(),
                    release,
                    revision,
                    state,
                })
            }
        }
    }
}

/// The store's write for one write of the flow.
fn store_write(write: FlowWrite) -> Write {
    match write {
        FlowWrite::InsertRelease(release) => Write::InsertRelease(release),
        FlowWrite::UpdateRelease {
            release,
            expected_state,
        } => Write::UpdateRelease {
            release,
            expected_state,
        },
        FlowWrite::MovePointers {
            environment,
            changes,
            at,
        } => Write::MovePointers {
            environment,
            changes,
            at,
        },
        FlowWrite::ExpectPointers { environment, expected } => Write::ExpectPointers { environment, expected },
        FlowWrite::InsertDeployment(deployment) => Write::InsertDeployment(deployment),
    }
}

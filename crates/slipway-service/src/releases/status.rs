//! Where releases stand for people: why one waits (the domain's `approval_status` against the
//! target's current policy, pointers and roles), and the releases across every project of the
//! caller that wait for the caller's approval.

use std::collections::BTreeMap;

use slipway_domain::release::{ApplyContext, ApprovalStatus, Release, ReleaseOrigin, ReleaseState, approval_status};
use slipway_domain::state::LivePointer;
use slipway_domain::{Organization, Permission, Project, ReleaseId, ResourceId};
use slipway_store::{PageRequest, ReleaseFilter};
use tracing::instrument;

use crate::{Ctx, Missing, Service, ServiceError, ServiceResult};

/// A release waiting for the caller's approval, with where it lives.
#[derive(Debug, Clone)]
pub struct AwaitingApproval {
    /// The organization of its project.
    pub organization: Organization,
    /// Its project.
    pub project: Project,
    /// The release (pending).
    pub release: Release,
}

impl Service {
    /// Where a release the caller may see stands against its target's current policy: which
    /// approvals count, how many are needed and why it waits.
    ///
    /// # Errors
    /// Not-found when unknown or invisible.
    #[instrument(skip(self, ctx), fields(release = %id))]
    pub async fn release_status(&self, ctx: &Ctx, id: ReleaseId) -> ServiceResult<ApprovalStatus> {
        let (release, project, _) = self.visible_release(ctx, id).await?;
        self.status_of(&project, &release).await
    }

    /// [`Service::release_status`] for a release already read and authorized.
    async fn status_of(&self, project: &Project, release: &Release) -> ServiceResult<ApprovalStatus> {
        let state = self.store().project_state(project.id).await?;
        let env = state
            .environments
            .get(release.environment_id())
            .ok_or(ServiceError::NotFound(Missing::Row("target environment")))?;
        let roles = self.roles(project.id).await?;
        let role_of = |u| roles.get(&u).copied();
        let empty: BTreeMap<ResourceId, LivePointer> = BTreeMap::new();
        let source_pointers = match release.origin() {
            ReleaseOrigin::Promotion { source } => Some(state.pointers.get(&source).unwrap_or(&empty)),
            _ => None,
        };
        Ok(approval_status(
            release,
            &ApplyContext {
                now: self.now(),
                policy: &env.policy,
                target_pointers: state.pointers.get(&env.id).unwrap_or(&empty),
                source_pointers,
                role_of: &role_of,
                bypass: None,
            },
        ))
    }

    /// The pending releases, across every project the caller can view, whose quorum the
    /// caller's approval would count toward: the caller's role approves and counts under the
    /// target's policy, the caller has not approved yet, and it is not the caller's own release
    /// where self-approval is prevented. Newest first.
    ///
    /// # Errors
    /// Unauthenticated or forbidden (an API key) when the caller is not a signed-in user; store
    /// failures.
    #[instrument(skip_all)]
    pub async fn releases_awaiting_my_approval(&self, ctx: &Ctx) -> ServiceResult<Vec<AwaitingApproval>> {
        let me = Self::signed_in(ctx)?.id;
        let mut out = Vec::new();
        for organization in self.my_organizations(ctx).await? {
            for project in self.projects(ctx, &organization).await? {
                let Some(role) = self.role_in(ctx, &project).await? else {
                    continue;
                };
                if !role.permits(Permission::ReleaseApprove) {
                    continue;
                }
                let state = self.store().project_state(project.id).await?;
                let mut after = None;
                loop {
                    let page = PageRequest { first: 100, after };
                    let filter = ReleaseFilter {
                        environment: None,
                        states: vec![ReleaseState::Pending],
                    };
                    let found = self.store().releases(project.id, filter, page).await?;
                    for release in found.items {
                        let Some(env) = state.environments.get(release.environment_id()) else {
                            continue;
                        };
                        let policy = &env.policy;
                        let own = policy.spec().prevent_self_approval && release.author() == me;
                        let given = release.parts().approvals.iter().any(|a| a.user == me);
                        if policy.role_counts(role) && !own && !given {
                            out.push(AwaitingApproval {
                                organization: organization.clone(),
                                project: project.clone(),
                                release,
                            });
                        }
                    }
                    match found.next_cursor {
                        Some(next) => after = Some(next),
                        None => break,
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            let key = |x: &AwaitingApproval| (x.release.parts().created_at, x.release.id());
            key(b).cmp(&key(a))
        });
        Ok(out)
    }
}

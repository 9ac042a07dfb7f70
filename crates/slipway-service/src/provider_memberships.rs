//! The identity provider's group mapping as a use case: a signed-in user's memberships granted
//! by the provider are made to agree with what their token's groups map to. Only memberships the
//! provider granted are added, changed or removed; one managed in Slipway (`addMember`) wins for
//! its project. Each change is its own commit with its own audit event (actor: the user) on the
//! project's chain, and a removal takes the same path as `removeMember`'s (caches evicted,
//! streams re-checked, other instances notified).

use std::collections::BTreeMap;

use serde_json::json;
use slipway_domain::group_mapping::Grants;
use slipway_domain::membership_sync::{MembershipChange, plan};
use slipway_domain::organization::{Membership, MembershipScope, MembershipSource};
use slipway_domain::{ProjectId, Role, User};
use slipway_store::Write;
use tracing::instrument;

use crate::{Ctx, Revoked, Service, ServiceError, ServiceResult};

/// The audit action of a role the group mapping granted or changed.
pub const GRANT_ACTION: &str = "member.add_by_identity_provider";
/// The audit action of a membership the group mapping removed.
pub const REVOKE_ACTION: &str = "member.remove_by_identity_provider";

impl Service {
    /// Reconciles the caller's provider-granted memberships with `grants` (what the groups of
    /// their verified token map to) and returns the changes made. Nothing is read or written
    /// when `grants` equal the last ones this instance reconciled the user with. A mapped
    /// project that does not exist is skipped (warned about once); a change that races with an
    /// admin's (`addMember`/`removeMember` on the same membership) is dropped, the admin's
    /// winning.
    ///
    /// # Errors
    /// Not a signed-in user; store failures (the caller's request should fail: a role the
    /// groups no longer grant may not have been removed).
    #[instrument(skip_all, fields(user))]
    pub async fn sync_provider_memberships(&self, ctx: &Ctx, grants: &Grants) -> ServiceResult<Vec<MembershipChange>> {
        let user = Self::signed_in(ctx)?;
        tracing::Span::current().record("user", tracing::field::display(user.id));
        let cache = &self.inner.provider_grants;
        if cache.is_current(user.id, grants) {
            return Ok(Vec::new());
        }
        let _one_at_a_time = cache.sync.lock().await;
        if cache.is_current(user.id, grants) {
            return Ok(Vec::new());
        }
        let mut wanted: BTreeMap<ProjectId, Role> = BTreeMap::new();
        for (address, role) in grants {
            match self
                .project_by_slugs(address.organization.as_str(), address.project.as_str())
                .await
            {
                Ok(project) => {
                    wanted.insert(project.id, *role);
                }
                Err(ServiceError::NotFound(_)) => {
                    if cache.first_miss(address) {
                        tracing::warn!(project = %address, "the group mapping names a project that does not exist; skipped");
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let held = self.store().project_memberships_of_user(user.id).await?;
        let mut applied = Vec::new();
        for change in plan(&held, &wanted) {
            match self.apply_provider_change(ctx, user, change).await {
                Ok(()) => applied.push(change),
                Err(ServiceError::NotFound(_) | ServiceError::Conflict { .. }) => {
                    tracing::debug!(?change, "membership changed in Slipway meanwhile; left as it is");
                }
                Err(e) => return Err(e),
            }
        }
        cache.remember(user.id, grants.clone());
        Ok(applied)
    }

    async fn apply_provider_change(&self, ctx: &Ctx, user: &User, change: MembershipChange) -> ServiceResult<()> {
        let source = MembershipSource::IdentityProvider.as_str();
        match change {
            MembershipChange::Grant { project, role, before } => {
                let audit = Self::entry(
                    ctx,
                    GRANT_ACTION,
                    "user",
                    user.id,
                    before.map(|r| json!({"role": r.as_str(), "source": source})),
                    Some(json!({"subject": user.subject, "role": role.as_str(), "source": source})),
                );
                let membership = Membership {
                    user_id: user.id,
                    scope: MembershipScope::Project(project),
                    role,
                    source: MembershipSource::IdentityProvider,
                    created_at: self.now(),
                };
                self.commit(
                    project.as_uuid(),
                    None,
                    vec![Write::UpsertMembership(membership)],
                    audit,
                )
                .await?;
            }
            MembershipChange::Revoke { project, role } => {
                let audit = Self::entry(
                    ctx,
                    REVOKE_ACTION,
                    "user",
                    user.id,
                    Some(json!({"subject": user.subject, "role": role.as_str(), "source": source})),
                    None,
                );
                let write = Write::DeleteProviderMembership { user: user.id, project };
                self.commit(project.as_uuid(), None, vec![write], audit).await?;
                self.announce_revocation(project, Revoked::Member(user.id));
            }
        }
        Ok(())
    }
}

//! Access mutations: project members and gateway API keys.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use slipway_domain::ApiKeyId;
use slipway_service::api_keys::NewApiKey;

use crate::context::{loaders, use_case};
use crate::error::GqlResult;
use crate::scope::Scope;
use crate::types::api_key::{ApiKey, CreatedApiKey};
use crate::types::enums::Role;
use crate::types::organization::Member;
use crate::types::parse_id;

/// Member and API key mutations.
#[derive(Debug, Default)]
pub struct AccessMutations;

/// Member and API key mutations.
#[Object]
impl AccessMutations {
    /// Gives the user with token subject `subject` a role in the project (or changes it); the
    /// user need not have signed in yet. Needs `project:manage_members`; only owners may grant
    /// the owner role.
    async fn add_member(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        subject: String,
        role: Role,
    ) -> async_graphql::Result<Member> {
        let (service, caller) = use_case(ctx)?;
        let membership = service
            .add_member(caller, &org, &project, &subject, role.into())
            .await
            .gql(ctx)?;
        let user = loaders(ctx)?.users.load_one(membership.user_id).await.gql(ctx)?;
        Ok(Member { membership, user })
    }

    /// Removes a member's project role (organization ownership is untouched). Returns true.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        subject: String,
    ) -> async_graphql::Result<bool> {
        let (service, caller) = use_case(ctx)?;
        service.remove_member(caller, &org, &project, &subject).await.gql(ctx)?;
        Ok(true)
    }

    /// Creates a read-only gateway API key for the project, optionally limited to some
    /// environments (slugs; empty: all) and expiring at `expiresAt` (in the future; from then on
    /// it is refused as if revoked). The secret is in the answer, and never again.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        name: String,
        #[graphql(default)] environments: Vec<String>,
        expires_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<CreatedApiKey> {
        let (service, caller) = use_case(ctx)?;
        let request = NewApiKey {
            name,
            environments,
            expires_at,
        };
        let created = service
            .create_api_key(caller, &org, &project, &request)
            .await
            .gql(ctx)?;
        let scope = Scope::new(created.key.project_id, &org, &project);
        Ok(CreatedApiKey::new(created, scope))
    }

    /// Revokes an API key; it stops working at once.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        id: ID,
    ) -> async_graphql::Result<ApiKey> {
        let (service, caller) = use_case(ctx)?;
        let id: ApiKeyId = parse_id(ctx, "id", &id)?;
        let key = service.revoke_api_key(caller, &org, &project, id).await.gql(ctx)?;
        let scope = Scope::new(key.project_id, &org, &project);
        Ok(ApiKey::new(key, scope))
    }
}

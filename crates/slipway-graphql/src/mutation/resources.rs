//! Resource mutations: creating prompts, routing rules and providers, their versions (published
//! to environments), and provider credentials.

use std::sync::Arc;

use async_graphql::{Context, Object};
use secrecy::SecretString;
use serde_json::Value;
use slipway_domain::ResourceKind as DomainKind;
use slipway_service::resources::VersionInput;

use crate::context::use_case;
use crate::error::GqlResult;
use crate::scope::Scope;
use crate::types::release::Release;
use crate::types::resource::{ProviderCredential, PublishedVersion, Resource, Version};

/// Creates a resource of `kind`.
async fn create(
    ctx: &Context<'_>,
    org: &str,
    project: &str,
    kind: DomainKind,
    key: &str,
) -> async_graphql::Result<Resource> {
    let (service, caller) = use_case(ctx)?;
    let resource = service
        .create_resource(caller, org, project, kind, key)
        .await
        .gql(ctx)?;
    Ok(Resource::new(
        resource.clone(),
        Scope::new(resource.project_id, org, project),
    ))
}

/// Creates a version of a resource and publishes it.
async fn create_version(
    ctx: &Context<'_>,
    org: &str,
    project: &str,
    input: VersionInput,
) -> async_graphql::Result<PublishedVersion> {
    let (service, caller) = use_case(ctx)?;
    let published = service.create_version(caller, org, project, input).await.gql(ctx)?;
    Ok(PublishedVersion {
        version: Version(Arc::new(published.version)),
        created: published.created,
        releases: published
            .releases
            .into_iter()
            .map(|r| {
                let scope = Scope::new(r.parts().project_id, org, project);
                Release::new(r, scope)
            })
            .collect(),
    })
}

/// Resource mutations.
#[derive(Debug, Default)]
pub struct ResourceMutations;

/// Resource mutations.
#[Object]
impl ResourceMutations {
    /// Creates a prompt (no version yet). `key`: `[a-z0-9][a-z0-9._/-]{0,127}`.
    async fn create_prompt(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        key: String,
    ) -> async_graphql::Result<Resource> {
        create(ctx, &org, &project, DomainKind::Prompt, &key).await
    }

    /// Creates a version of prompt `key` (model, messages with `{{variables}}`, parameters,
    /// declared variables) and publishes it. Content identical to the latest version creates
    /// nothing and returns that version.
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments")]
    async fn create_prompt_version(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        key: String,
        content: Value,
        #[graphql(default)] message: String,
        #[graphql(
            desc = "Slugs of the environments to publish to, each under its own policy. Absent or null: the project's default publish target; an empty list: nowhere."
        )]
        publish_to: Option<Vec<String>>,
    ) -> async_graphql::Result<PublishedVersion> {
        create_version(
            ctx,
            &org,
            &project,
            VersionInput {
                kind: DomainKind::Prompt,
                key,
                content,
                message,
                publish_to,
            },
        )
        .await
    }

    /// Creates a routing rule (no release yet).
    async fn create_routing_rule(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        key: String,
    ) -> async_graphql::Result<Resource> {
        create(ctx, &org, &project, DomainKind::RoutingRule, &key).await
    }

    /// Creates a release (version) of routing rule `key` — routes with match conditions,
    /// weighted targets, fallbacks, timeouts — and publishes it.
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments")]
    async fn create_routing_rule_release(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        key: String,
        content: Value,
        #[graphql(default)] message: String,
        #[graphql(
            desc = "Slugs of the environments to publish to, each under its own policy. Absent or null: the project's default publish target; an empty list: nowhere."
        )]
        publish_to: Option<Vec<String>>,
    ) -> async_graphql::Result<PublishedVersion> {
        create_version(
            ctx,
            &org,
            &project,
            VersionInput {
                kind: DomainKind::RoutingRule,
                key,
                content,
                message,
                publish_to,
            },
        )
        .await
    }

    /// Creates a provider connection (no activation yet).
    async fn create_provider(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        key: String,
    ) -> async_graphql::Result<Resource> {
        create(ctx, &org, &project, DomainKind::Provider, &key).await
    }

    /// Stores a new credential (an API key for the provider) for provider `provider`.
    /// Write-only: the secret is encrypted at rest and never returned, logged or audited;
    /// activations refer to the returned id.
    async fn set_provider_credential(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        provider: String,
        secret: String,
    ) -> async_graphql::Result<ProviderCredential> {
        let (service, caller) = use_case(ctx)?;
        let secret = SecretString::from(secret);
        let info = service
            .set_provider_credential(caller, &org, &project, &provider, secret)
            .await
            .gql(ctx)?;
        Ok(ProviderCredential(info))
    }

    /// Creates an activation (version) of provider `key` — base URL, enabled models, the
    /// credential's id — and publishes it.
    #[allow(clippy::too_many_arguments, reason = "a GraphQL field's arguments")]
    async fn create_provider_activation(
        &self,
        ctx: &Context<'_>,
        org: String,
        project: String,
        key: String,
        content: Value,
        #[graphql(default)] message: String,
        #[graphql(
            desc = "Slugs of the environments to publish to, each under its own policy. Absent or null: the project's default publish target; an empty list: nowhere."
        )]
        publish_to: Option<Vec<String>>,
    ) -> async_graphql::Result<PublishedVersion> {
        create_version(
            ctx,
            &org,
            &project,
            VersionInput {
                kind: DomainKind::Provider,
                key,
                content,
                message,
                publish_to,
            },
        )
        .await
    }
}

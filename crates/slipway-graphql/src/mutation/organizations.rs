//! Creating organizations and projects.

use async_graphql::{Context, Object};

use crate::context::use_case;
use crate::error::GqlResult;
use crate::scope::Scope;
use crate::types::organization::Organization;
use crate::types::project::Project;

/// Organization and project mutations.
#[derive(Debug, Default)]
pub struct OrganizationMutations;

/// Organization and project mutations.
#[Object]
impl OrganizationMutations {
    /// Creates an organization; the caller becomes its owner. `slug`: lowercase letters, digits
    /// and dashes; `name`: 1–64 characters.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        slug: String,
        name: String,
    ) -> async_graphql::Result<Organization> {
        let (service, caller) = use_case(ctx)?;
        let org = service.create_organization(caller, &slug, &name).await.gql(ctx)?;
        Ok(Organization(org))
    }

    /// Creates a project in organization `org` (owners only), with its Production (`prod`) and
    /// Staging (`staging`) environments.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        org: String,
        slug: String,
        name: String,
    ) -> async_graphql::Result<Project> {
        let (service, caller) = use_case(ctx)?;
        let project = service.create_project(caller, &org, &slug, &name).await.gql(ctx)?;
        Ok(Project::new(
            Scope::of(&org, &project),
            project,
            Some(slipway_domain::Role::Owner),
        ))
    }
}

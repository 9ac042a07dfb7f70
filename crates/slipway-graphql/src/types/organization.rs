//! Users, the signed-in viewer, members, and organizations.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use slipway_domain::organization::Membership;
use slipway_domain::{Organization as DomainOrganization, User as DomainUser};

use super::enums::{MemberSource, Role};
use super::gql_id;
use super::project::Project;
use crate::context::use_case;
use crate::error::GqlResult;
use crate::pagination::{PageArgs, complexity};
use crate::scope::Scope;

/// A person or tool, known by the subject of their token.
pub struct User(pub(crate) DomainUser);

/// A person or tool, known by the subject of their token.
#[Object]
impl User {
    /// The user's id.
    async fn id(&self) -> ID {
        gql_id(self.0.id)
    }

    /// The token subject (`sub`) the user signs in with.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// Display name, from the token.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Email, from the token.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
}

/// The signed-in user.
pub struct Viewer(pub(crate) DomainUser);

/// The signed-in user.
#[Object]
impl Viewer {
    /// The user.
    async fn user(&self) -> User {
        User(self.0.clone())
    }

    /// The organizations the user belongs to (as an owner, or as a member of one of their
    /// projects).
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Organization>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let orgs = service.my_organizations(caller).await.gql(ctx)?;
        args.slice(orgs, Organization).gql(ctx)
    }
}

/// A member of a project and their role there.
pub struct Member {
    pub(crate) membership: Membership,
    pub(crate) user: Option<DomainUser>,
}

/// A member of a project and their role there.
#[Object]
impl Member {
    /// The user.
    async fn user(&self) -> Option<User> {
        self.user.clone().map(User)
    }

    /// Their role in the project.
    async fn role(&self) -> Role {
        self.membership.role.into()
    }

    /// Since when they hold it.
    async fn since(&self) -> DateTime<Utc> {
        self.membership.created_at
    }

    /// Who manages the membership: Slipway, or the identity provider's group mapping.
    async fn source(&self) -> MemberSource {
        self.membership.source.into()
    }
}

/// A tenant: owns projects and has members.
pub struct Organization(pub(crate) DomainOrganization);

/// A tenant: owns projects and has members.
#[Object]
impl Organization {
    /// The organization's id.
    async fn id(&self) -> ID {
        gql_id(self.0.id)
    }

    /// Unique slug, used to address it (`organization(slug: "acme")`).
    async fn slug(&self) -> &str {
        self.0.slug.as_str()
    }

    /// Display name.
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }

    /// The most environments a project may have (a plan limit); null means unlimited.
    async fn environment_quota(&self) -> Option<u32> {
        self.0.environment_quota
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The projects of the organization that the caller can view.
    #[graphql(complexity = "complexity(first, child_complexity)")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Return the items after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Project>> {
        let (service, caller) = use_case(ctx)?;
        let args = PageArgs::parse(first, after).gql(ctx)?;
        let projects = service.projects(caller, &self.0).await.gql(ctx)?;
        let org = self.0.slug.as_str();
        args.slice(projects, |p| Project::new(Scope::of(org, &p), p, None))
            .gql(ctx)
    }
}

//! The mutation root, merged from one object per concern.
//!
//! Conventions: project-scoped mutations take the organization slug as `org` and the project
//! slug as `project`; the thing acted on is named by slug (`environment`, `slug`), by key
//! (`key`) or, for releases and API keys, by `id`. Mutations return the changed object.

mod access;
mod environments;
mod organizations;
pub(crate) mod releases;
mod resources;
mod webhooks;

use async_graphql::MergedObject;

pub use access::AccessMutations;
pub use environments::EnvironmentMutations;
pub use organizations::OrganizationMutations;
pub use releases::ReleaseMutations;
pub use resources::ResourceMutations;
pub use webhooks::WebhookMutations;

/// Every mutation.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    OrganizationMutations,
    EnvironmentMutations,
    ResourceMutations,
    ReleaseMutations,
    AccessMutations,
    WebhookMutations,
);

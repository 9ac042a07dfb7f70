//! sea-orm entities, one per table. They never leave the crate: repositories convert rows into
//! domain values (see `convert`).

pub mod api_key;
pub mod audit_event;
pub mod credential;
pub mod deployment;
pub mod environment;
pub mod organization;
pub mod organization_membership;
pub mod pointer;
pub mod project;
pub mod project_membership;
pub mod release;
pub mod release_approval;
pub mod release_change;
pub mod resource;
pub mod user;
pub mod version;
pub mod webhook_delivery;
pub mod webhook_endpoint;

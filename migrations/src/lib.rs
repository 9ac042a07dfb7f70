//! Slipway's database schema as sea-orm-migration migrations, one per file, append-only.
//!
//! The same migrations run on SQLite and PostgreSQL. Tables are declared with sea-query's
//! builders; what sea-query cannot express portably (partial unique indexes, triggers that make
//! tables append-only) is raw SQL in [`guard`] (and, for the audit chain heads, in their own
//! migration), written once per backend.
//!
//! The database itself enforces: unique slugs per scope, at most one gateway fallback and one
//! default publish target per project, unique `(resource, number)` versions, immutable versions,
//! an append-only audit log whose chain heads only move forward, and every foreign key.

use sea_orm_migration::prelude::*;
pub use sea_orm_migration::{self, MigratorTrait};

mod guard;
mod m20261122_000001_create_identity;
mod m20261122_000002_create_projects;
mod m20261122_000003_create_resources;
mod m20261122_000004_create_pointers;
mod m20261122_000005_create_releases;
mod m20261122_000006_create_deployments;
mod m20261122_000007_create_audit;
mod m20261122_000008_create_api_keys;
mod m20261203_000009_guard_audit_heads;
mod m20261203_000010_add_caller_request_id;
mod m20261204_000011_create_webhooks;
mod m20261204_000012_add_api_key_expiry_and_use;
mod m20261204_000013_add_membership_source;

/// Runs Slipway's migrations (`Migrator::up(&db, None)` applies every pending one).
#[derive(Debug, Clone, Copy, Default)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_identity::Migration),
            Box::new(m20261122_000002_create_projects::Migration),
            Box::new(m20261122_000003_create_resources::Migration),
            Box::new(m20261122_000004_create_pointers::Migration),
            Box::new(m20261122_000005_create_releases::Migration),
            Box::new(m20261122_000006_create_deployments::Migration),
            Box::new(m20261122_000007_create_audit::Migration),
            Box::new(m20261122_000008_create_api_keys::Migration),
            Box::new(m20261203_000009_guard_audit_heads::Migration),
            Box::new(m20261203_000010_add_caller_request_id::Migration),
            Box::new(m20261204_000011_create_webhooks::Migration),
            Box::new(m20261204_000012_add_api_key_expiry_and_use::Migration),
            Box::new(m20261204_000013_add_membership_source::Migration),
        ]
    }
}

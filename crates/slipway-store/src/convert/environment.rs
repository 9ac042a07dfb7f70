//! Environments (with their policies) and pointers.

use slipway_domain::environment::Environment;
use slipway_domain::slug::EnvironmentSlug;
use slipway_domain::state::LivePointer;
use slipway_domain::text::{Color, Description, Name};
use slipway_domain::{EnvironmentId, ProjectId, ValidationError, VersionId};

use crate::convert::json::{policy_from_json, policy_to_json};
use crate::convert::{micros, to_u32, to_u64};
use crate::entities::{environment, pointer};
use crate::error::{StoreError, corrupt};

/// An environment row into an [`Environment`].
pub(crate) fn environment_from_row(row: environment::Model) -> Result<Environment, StoreError> {
    let id = EnvironmentId::from_uuid(row.id);
    let bad = |e: ValidationError| corrupt("environments", row.id, e);
    let revision = to_u32("environments", row.id, "policy_revision", row.policy_revision)?;
    Ok(Environment {
        id,
        project_id: ProjectId::from_uuid(row.project_id),
        slug: EnvironmentSlug::parse_existing(&row.slug).map_err(bad)?,
        name: Name::from_stored(&row.name).map_err(bad)?,
        description: Description::from_stored(&row.description).map_err(bad)?,
        color: Color::parse(&row.color).map_err(bad)?,
        position: to_u32("environments", row.id, "position", row.position)?,
        is_system: row.is_system,
        is_production: row.is_production,
        is_default_publish_target: row.is_default_publish_target,
        is_gateway_fallback: row.is_gateway_fallback,
        policy: policy_from_json(&row.policy, revision, id).map_err(bad)?,
        created_at: row.created_at,
    })
}

/// An [`Environment`] into a row.
pub(crate) fn environment_to_row(env: &Environment) -> environment::Model {
    environment::Model {
        id: env.id.as_uuid(),
        project_id: env.project_id.as_uuid(),
        slug: env.slug.as_str().to_owned(),
        name: env.name.as_str().to_owned(),
        description: env.description.as_str().to_owned(),
        color: env.color.to_string(),
        position: i64::from(env.position),
        is_system: env.is_system,
        is_production: env.is_production,
        is_default_publish_target: env.is_default_publish_target,
        is_gateway_fallback: env.is_gateway_fallback,
        policy_revision: i64::from(env.policy.revision()),
        policy: policy_to_json(&env.policy),
        created_at: micros(env.created_at),
    }
}

/// A pointer row into a [`LivePointer`].
pub(crate) fn pointer_from_row(row: &pointer::Model) -> Result<LivePointer, StoreError> {
    Ok(LivePointer {
        version_id: VersionId::from_uuid(row.version_id),
        since: row.since,
        revision: to_u64("pointers", row.resource_id, "revision", row.revision)?,
    })
}

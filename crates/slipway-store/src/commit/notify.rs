//! Queuing the [`Notice`]s of a commit: on PostgreSQL `pg_notify` inside the transaction, so the
//! other instances hear of it when (and only if) it commits; SQLite has no other instances.
//! Revocations are looked up before their write; release and environment changes are read
//! from the write itself.

use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Statement};
use slipway_domain::ProjectId;
use slipway_domain::organization::MembershipScope;

use crate::commit::Write;
use crate::connect::Backend;
use crate::entities::{api_key, project};
use crate::error::TxError;
use crate::notice::Notice;

/// The channel every notice travels on.
pub(crate) const CHANNEL: &str = "slipway_serving";

/// Queues one notice (a no-op on SQLite).
pub(super) async fn queue(tx: &DatabaseTransaction, backend: Backend, notice: Notice) -> Result<(), TxError> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    tx.execute_raw(Statement::from_sql_and_values(
        tx.get_database_backend(),
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), notice.payload().into()],
    ))
    .await?;
    Ok(())
}

/// The release and environment notices of `write`, signed by `instance`: a release stored
/// (created or moved to another state), an environment saved or created, a deployment
/// recorded. Empty for every other write and on SQLite.
pub(super) fn changes(backend: Backend, instance: uuid::Uuid, write: &Write) -> Vec<Notice> {
    if backend != Backend::Postgres {
        return Vec::new();
    }
    let environment = |env: &slipway_domain::environment::Environment| Notice::Environment {
        origin: instance,
        project: env.project_id,
        environment: env.id,
        deployment: None,
    };
    match write {
        Write::InsertRelease(release) | Write::UpdateRelease { release, .. } => vec![Notice::Release {
            origin: instance,
            project: release.parts().project_id,
            release: release.id(),
            state: release.state(),
        }],
        Write::InsertDeployment(d) => vec![Notice::Environment {
            origin: instance,
            project: d.project_id,
            environment: d.environment_id,
            deployment: Some(d.id),
        }],
        Write::SaveEnvironments(envs) => envs.iter().map(environment).collect(),
        Write::InsertEnvironment(env) => vec![environment(env)],
        _ => Vec::new(),
    }
}

/// The revocation notices of `write` (a revoked key, a removed membership), looked up before it
/// is applied; empty for every other write and on SQLite.
pub(super) async fn revocations(
    tx: &DatabaseTransaction,
    backend: Backend,
    write: &Write,
) -> Result<Vec<Notice>, TxError> {
    if backend != Backend::Postgres {
        return Ok(Vec::new());
    }
    Ok(match write {
        Write::RevokeApiKey { id, .. } => api_key::Entity::find_by_id(id.as_uuid())
            .select_only()
            .column(api_key::Column::ProjectId)
            .into_tuple::<uuid::Uuid>()
            .one(tx)
            .await?
            .map(|project| Notice::KeyRevoked {
                project: ProjectId::from_uuid(project),
                key: *id,
            })
            .into_iter()
            .collect(),
        Write::DeleteMembership {
            user,
            scope: MembershipScope::Project(project),
        }
        | Write::DeleteProviderMembership { user, project } => vec![Notice::MemberRemoved {
            project: *project,
            user: *user,
        }],
        // An organization membership reaches every project of the organization.
        Write::DeleteMembership {
            user,
            scope: MembershipScope::Organization(org),
        } => project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .filter(project::Column::OrganizationId.eq(org.as_uuid()))
            .into_tuple::<uuid::Uuid>()
            .all(tx)
            .await?
            .into_iter()
            .map(|project| Notice::MemberRemoved {
                project: ProjectId::from_uuid(project),
                user: *user,
            })
            .collect(),
        _ => Vec::new(),
    })
}

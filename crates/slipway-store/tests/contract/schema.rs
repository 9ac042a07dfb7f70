//! The schema itself: migrations up, down and up again, and the invariants the database enforces
//! even when the store is bypassed.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use slipway_migrations::sea_orm_migration::SchemaManager;
use slipway_migrations::{Migrator, MigratorTrait};

use crate::contract;
use crate::fixtures::{prompt_with_versions, world};
use crate::support::TestDb;

contract!(
    migrations_go_up_down_and_up_again,
    database_refuses_what_the_domain_forbids,
    instances_starting_together_migrate_once
);

const TABLES: [&str; 17] = [
    "users",
    "organizations",
    "organization_memberships",
    "projects",
    "project_memberships",
    "environments",
    "resources",
    "versions",
    "credentials",
    "pointers",
    "releases",
    "release_changes",
    "release_approvals",
    "deployments",
    "audit_events",
    "audit_heads",
    "api_keys",
];

async fn tables_present(db: &DatabaseConnection) -> usize {
    let manager = SchemaManager::new(db);
    let mut count = 0;
    for table in TABLES {
        if manager.has_table(table).await.unwrap() {
            count += 1;
        }
    }
    count
}

async fn migrations_go_up_down_and_up_again(db: &TestDb) {
    // Some data first, so that `down` has to drop populated tables (and their guards).
    let w = world(&db.store, "mig").await;
    prompt_with_versions(&db.store, &w, "greeting", 2).await;
    let raw = db.raw().await;
    assert_eq!(tables_present(&raw).await, TABLES.len());

    Migrator::down(&raw, None).await.unwrap();
    assert_eq!(tables_present(&raw).await, 0, "down removes every table");

    Migrator::up(&raw, None).await.unwrap();
    assert_eq!(tables_present(&raw).await, TABLES.len());
    assert!(Migrator::get_pending_migrations(&raw).await.unwrap().is_empty());
    raw.close().await.unwrap();

    // The store works on the rebuilt schema.
    let again = world(&db.store, "mig2").await;
    let envs = db.store.environments(again.project.id).await.unwrap();
    assert_eq!(envs.all().len(), 2);
}

/// Asserts that the database refused a statement for the expected reason (its message, in
/// either database's words, names the rule).
fn refused(result: Result<u64, sea_orm::DbErr>, rule: &str, what: &str) {
    let err = match result {
        Ok(rows) => panic!("{what}: the database accepted it ({rows} rows)"),
        Err(e) => e.to_string().to_lowercase(),
    };
    let fragments: &[&str] = match rule {
        "unique" => &["unique", "duplicate key"],
        "foreign key" => &["foreign key"],
        _ => &["cannot be changed"],
    };
    assert!(
        fragments.iter().any(|f| err.contains(f)),
        "{what}: refused for another reason: {err}"
    );
}

/// Runs `sql` with `$n` parameters on the raw connection.
async fn exec(raw: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Result<u64, sea_orm::DbErr> {
    let backend: DbBackend = raw.get_database_backend();
    raw.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map(|r| r.rows_affected())
}

async fn database_refuses_what_the_domain_forbids(db: &TestDb) {
    let w = world(&db.store, "inv").await;
    let (resource, versions) = prompt_with_versions(&db.store, &w, "greeting", 1).await;
    let raw = db.raw().await;
    let staging = w.staging().id.as_uuid();
    let prod = w.prod().id.as_uuid();

    // A second gateway fallback, a second default publish target.
    for column in ["is_gateway_fallback", "is_default_publish_target"] {
        let err = exec(
            &raw,
            &format!("UPDATE environments SET {column} = $1 WHERE id = $2"),
            vec![true.into(), staging.into()],
        )
        .await;
        refused(err, "unique", &format!("a second {column}"));
    }
    // Clearing the flag is fine: the domain, not the database, insists on exactly one.
    assert_eq!(
        exec(
            &raw,
            "UPDATE environments SET is_gateway_fallback = $1 WHERE id = $2",
            vec![false.into(), prod.into()]
        )
        .await
        .unwrap(),
        1
    );

    // A duplicate environment slug in the same project.
    let err = exec(
        &raw,
        "UPDATE environments SET slug = $1 WHERE id = $2",
        vec!["prod".into(), staging.into()],
    )
    .await;
    refused(err, "unique", "duplicate environment slug is refused");

    // A duplicate (resource, number) version.
    let v = &versions[0];
    let err = exec(
        &raw,
        "INSERT INTO versions (id, resource_id, number, content, content_hash, author, message, created_at) \
         SELECT $1, resource_id, number, content, content_hash, author, message, created_at FROM versions WHERE id = $2",
        vec![uuid::Uuid::now_v7().into(), v.id.as_uuid().into()],
    )
    .await;
    refused(err, "unique", "duplicate version number is refused");

    // Versions are immutable.
    let err = exec(
        &raw,
        "UPDATE versions SET message = $1 WHERE id = $2",
        vec!["edited".into(), v.id.as_uuid().into()],
    )
    .await;
    refused(err, "immutable", "versions cannot be edited");

    // Foreign keys: a pointer to a version of another resource, or to nothing.
    let (_other, other_versions) = prompt_with_versions(&db.store, &w, "other", 1).await;
    let err = exec(
        &raw,
        "INSERT INTO pointers (environment_id, resource_id, version_id, revision, since) VALUES ($1, $2, $3, 1, $4)",
        vec![
            prod.into(),
            resource.id.as_uuid().into(),
            other_versions[0].id.as_uuid().into(),
            chrono::Utc::now().into(),
        ],
    )
    .await;
    refused(err, "foreign key", "a pointer cannot select another resource's version");
    let err = exec(
        &raw,
        "INSERT INTO resources (id, project_id, kind, key, created_at) VALUES ($1, $2, 'prompt', 'x', $3)",
        vec![
            uuid::Uuid::now_v7().into(),
            uuid::Uuid::now_v7().into(),
            chrono::Utc::now().into(),
        ],
    )
    .await;
    refused(err, "foreign key", "a resource of an unknown project is refused");

    // Unique organization slugs.
    let err = exec(
        &raw,
        "INSERT INTO organizations (id, slug, name, created_at) VALUES ($1, $2, 'x', $3)",
        vec![
            uuid::Uuid::now_v7().into(),
            w.org.slug.as_str().into(),
            chrono::Utc::now().into(),
        ],
    )
    .await;
    refused(err, "unique", "duplicate organization slug is refused");
    raw.close().await.unwrap();
}

async fn instances_starting_together_migrate_once(db: &TestDb) {
    let raw = db.raw().await;
    Migrator::down(&raw, None).await.unwrap();
    // Several PostgreSQL instances may start at once; an SQLite file has one instance.
    let instances = match db.store.backend() {
        slipway_store::Backend::Postgres => 4,
        slipway_store::Backend::Sqlite => 1,
    };
    let tasks: Vec<_> = (0..instances)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move {
                let options = slipway_store::ConnectOptions {
                    migrate: true,
                    max_connections: Some(2),
                    ..Default::default()
                };
                slipway_store::Store::connect(&url, options).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap().close().await.unwrap();
    }
    assert_eq!(tables_present(&raw).await, TABLES.len());
    assert!(Migrator::get_pending_migrations(&raw).await.unwrap().is_empty());
    raw.close().await.unwrap();
}

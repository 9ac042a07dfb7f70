//! Schema pieces sea-query cannot build portably: partial unique indexes and triggers that refuse
//! changes to rows that must never change (versions, audit events).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// Which statements a guard refuses.
#[derive(Debug, Clone, Copy)]
pub enum Refuse {
    /// `UPDATE` only: rows are immutable but may go with their parent.
    Update,
    /// `UPDATE`, `DELETE` and (PostgreSQL) `TRUNCATE`: the table is append-only.
    UpdateAndDelete,
}

/// Creates `CREATE UNIQUE INDEX name ON table (columns) WHERE predicate`; the same text works on
/// SQLite and PostgreSQL.
pub async fn create_partial_unique_index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    columns: &str,
    predicate: &str,
) -> Result<(), DbErr> {
    let sql = format!("CREATE UNIQUE INDEX {name} ON {table} ({columns}) WHERE {predicate}");
    manager.get_connection().execute_unprepared(&sql).await.map(|_| ())
}

/// Makes the database refuse changes to `table`'s rows, whatever client writes to it.
pub async fn refuse_changes(manager: &SchemaManager<'_>, table: &str, refuse: Refuse) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            let function = format!(
                "CREATE FUNCTION slipway_refuse_{table}_change() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION '{table} rows cannot be changed' USING ERRCODE = 'restrict_violation'; \
                 END $$"
            );
            db.execute_unprepared(&function).await?;
            let events = match refuse {
                Refuse::Update => "UPDATE",
                Refuse::UpdateAndDelete => "UPDATE OR DELETE",
            };
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_refuse_change BEFORE {events} ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION slipway_refuse_{table}_change()"
            ))
            .await?;
            if matches!(refuse, Refuse::UpdateAndDelete) {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table} \
                     FOR EACH STATEMENT EXECUTE FUNCTION slipway_refuse_{table}_change()"
                ))
                .await?;
            }
        }
        _ => {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_refuse_update BEFORE UPDATE ON {table} \
                 BEGIN SELECT RAISE(ABORT, '{table} rows cannot be changed'); END"
            ))
            .await?;
            if matches!(refuse, Refuse::UpdateAndDelete) {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_refuse_delete BEFORE DELETE ON {table} \
                     BEGIN SELECT RAISE(ABORT, '{table} rows cannot be changed'); END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

/// Removes what [`refuse_changes`] created (used by `down`, before the table is dropped).
pub async fn allow_changes(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}"))
                .await?;
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_refuse_truncate ON {table}"))
                .await?;
            db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS slipway_refuse_{table}_change()"))
                .await?;
        }
        _ => {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_refuse_update"))
                .await?;
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_refuse_delete"))
                .await?;
        }
    }
    Ok(())
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

/// A foreign key from `table.column` to `target.id` that deletes the row with its parent.
pub fn fk_cascade(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    fk(table, column, target).on_delete(ForeignKeyAction::Cascade).take()
}

/// A unique index over `columns` named `ux_<table>_<suffix>`.
pub fn unique(table: &'static str, suffix: &str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("ux_{table}_{suffix}")).table(table).unique();
    for column in columns {
        index.col(*column);
    }
    index
}

/// A plain index over `columns` named `ix_<table>_<suffix>`.
pub fn index(table: &'static str, suffix: &str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(format!("ix_{table}_{suffix}")).table(table);
    for column in columns {
        index.col(*column);
    }
    index
}

/// Drops the given tables, children first.
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

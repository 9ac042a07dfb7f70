//! Guards the audit chain heads the way the events are guarded: a head starts at sequence 0 and
//! then only moves forward, one event at a time, to an event that exists with that hash; it is
//! never deleted. Removing the newest events of a chain therefore leaves its head pointing past
//! them, which `slipway audit verify` reports as a truncation — unless the remover also drops
//! these triggers, as they must drop the events' own guard first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The hash before a chain's first event (`slipway_domain::audit::GENESIS_HASH`).
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn postgres_up() -> Vec<String> {
    vec![
        format!(
            "CREATE FUNCTION slipway_guard_audit_heads() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP = 'INSERT' THEN \
                 IF NEW.sequence <> 0 OR NEW.hash <> '{GENESIS_HASH}' THEN \
                   RAISE EXCEPTION 'audit chain heads start at sequence 0' USING ERRCODE = 'restrict_violation'; \
                 END IF; \
                 RETURN NEW; \
               ELSIF TG_OP = 'UPDATE' THEN \
                 IF NEW.chain_id <> OLD.chain_id OR NEW.sequence <> OLD.sequence + 1 OR NOT EXISTS ( \
                      SELECT 1 FROM audit_events e \
                      WHERE e.chain_id = NEW.chain_id AND e.sequence = NEW.sequence AND e.hash = NEW.hash) THEN \
                   RAISE EXCEPTION 'audit chain heads only move forward, to the event just appended' \
                     USING ERRCODE = 'restrict_violation'; \
                 END IF; \
                 RETURN NEW; \
               END IF; \
               RAISE EXCEPTION 'audit chain heads cannot be deleted' USING ERRCODE = 'restrict_violation'; \
             END $$"
        ),
        "CREATE TRIGGER audit_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_heads \
         FOR EACH ROW EXECUTE FUNCTION slipway_guard_audit_heads()"
            .to_owned(),
        "CREATE TRIGGER audit_heads_refuse_truncate BEFORE TRUNCATE ON audit_heads \
         FOR EACH STATEMENT EXECUTE FUNCTION slipway_guard_audit_heads()"
            .to_owned(),
    ]
}

fn sqlite_up() -> Vec<String> {
    vec![
        // A second head for a chain is refused too: `INSERT OR REPLACE` would otherwise reset
        // one without any delete trigger firing.
        format!(
            "CREATE TRIGGER audit_heads_guard_insert BEFORE INSERT ON audit_heads \
             WHEN NEW.sequence <> 0 OR NEW.hash <> '{GENESIS_HASH}' \
               OR EXISTS (SELECT 1 FROM audit_heads h WHERE h.chain_id = NEW.chain_id) \
             BEGIN SELECT RAISE(ABORT, 'audit chain heads start at sequence 0'); END"
        ),
        "CREATE TRIGGER audit_heads_guard_update BEFORE UPDATE ON audit_heads \
         WHEN NEW.chain_id <> OLD.chain_id OR NEW.sequence <> OLD.sequence + 1 OR NOT EXISTS ( \
           SELECT 1 FROM audit_events e \
           WHERE e.chain_id = NEW.chain_id AND e.sequence = NEW.sequence AND e.hash = NEW.hash) \
         BEGIN SELECT RAISE(ABORT, 'audit chain heads only move forward, to the event just appended'); END"
            .to_owned(),
        "CREATE TRIGGER audit_heads_guard_delete BEFORE DELETE ON audit_heads \
         BEGIN SELECT RAISE(ABORT, 'audit chain heads cannot be deleted'); END"
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        let db = manager.get_connection();
        for statement in statements {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &[
                "DROP TRIGGER IF EXISTS audit_heads_guard ON audit_heads",
                "DROP TRIGGER IF EXISTS audit_heads_refuse_truncate ON audit_heads",
                "DROP FUNCTION IF EXISTS slipway_guard_audit_heads()",
            ],
            _ => &[
                "DROP TRIGGER IF EXISTS audit_heads_guard_insert",
                "DROP TRIGGER IF EXISTS audit_heads_guard_update",
                "DROP TRIGGER IF EXISTS audit_heads_guard_delete",
            ],
        };
        let db = manager.get_connection();
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}

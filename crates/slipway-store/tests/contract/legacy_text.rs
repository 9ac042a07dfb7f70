//! Text stored before issue 9's character rules (bidirectional controls, zero-width characters,
//! carriage returns) still reads back: tightening what new input may hold never turns existing
//! rows into read errors.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::contract;
use crate::fixtures::world;
use crate::support::TestDb;

contract!(text_refused_today_but_stored_earlier_still_loads);

async fn text_refused_today_but_stored_earlier_still_loads(db: &TestDb) {
    let s = &db.store;
    let w = world(s, "legacy").await;
    let org_name = "Acme\u{202E}cod";
    let project_name = "Chat\u{200D}bot";
    let env_name = "\u{2067}Prod\u{2069}";
    let env_description = "line one\r\nline\u{200B}two";
    assert!(slipway_domain::text::Name::parse(org_name).is_err());
    assert!(slipway_domain::text::Description::parse(env_description).is_err());

    let raw = db.raw().await;
    let backend: DbBackend = raw.get_database_backend();
    let updates = [
        (
            "UPDATE organizations SET name = $1 WHERE id = $2",
            org_name,
            w.org.id.as_uuid(),
        ),
        (
            "UPDATE projects SET name = $1 WHERE id = $2",
            project_name,
            w.project.id.as_uuid(),
        ),
        (
            "UPDATE environments SET name = $1 WHERE id = $2",
            env_name,
            w.prod().id.as_uuid(),
        ),
        (
            "UPDATE environments SET description = $1 WHERE id = $2",
            env_description,
            w.prod().id.as_uuid(),
        ),
    ];
    for (sql, value, id) in updates {
        raw.execute_raw(Statement::from_sql_and_values(backend, sql, [value.into(), id.into()]))
            .await
            .unwrap();
    }
    raw.close().await.unwrap();

    let org = s.organization(w.org.id).await.unwrap().unwrap();
    assert_eq!(org.name.as_str(), org_name);
    let project = s.project(w.project.id).await.unwrap().unwrap();
    assert_eq!(project.name.as_str(), project_name);
    let envs = s.environments(w.project.id).await.unwrap();
    let prod = envs.get(w.prod().id).unwrap();
    assert_eq!(prod.name.as_str(), env_name);
    assert_eq!(prod.description.as_str(), env_description);
    assert_eq!(s.project_state(w.project.id).await.unwrap().environments, envs);
}

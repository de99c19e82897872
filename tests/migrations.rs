//! Every down.sql reverts its up.sql, on SQLite and (with TEST_DATABASE_URL) PostgreSQL: run every
//! migration up, every one down, and up again, and the schema is what it was.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;

use diesel::prelude::*;
use diesel::sql_types::Text;

#[derive(QueryableByName, PartialEq, Debug)]
struct Object {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

/// Tables, columns and indexes, as the database describes them.
fn schema(conn: &mut cnis::db::AnyConnection) -> Vec<Object> {
    const SQLITE: &str = "SELECT name, COALESCE(sql, '') AS definition FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name";
    const POSTGRES: &str = "SELECT table_name || '.' || column_name AS name, \
                    data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '') AS definition \
             FROM information_schema.columns WHERE table_schema = 'public' \
               AND table_name <> '__diesel_schema_migrations' \
             UNION ALL SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
             WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' \
             ORDER BY name";
    match conn {
        cnis::db::AnyConnection::Sqlite(c) => diesel::sql_query(SQLITE).load(c),
        cnis::db::AnyConnection::Postgresql(c) => diesel::sql_query(POSTGRES).load(c),
    }
    .expect("read the schema")
}

#[test]
fn every_migration_goes_up_down_and_up_again_to_the_same_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = common::fresh_database(dir.path());
    let mut conn = cnis::db::establish(&url).expect("connect");
    let applied = cnis::db::migrate(&mut conn).expect("up");
    assert!(applied >= 10, "every migration ran: {applied}");
    let first = schema(&mut conn);
    assert!(first.iter().any(|o| o.name.starts_with("children")));

    let reverted = cnis::db::revert_all(&mut conn).expect("every down.sql runs");
    assert_eq!(reverted, applied, "every migration was reverted");
    assert!(
        schema(&mut conn).is_empty(),
        "down.sql left objects behind: {:?}",
        schema(&mut conn)
    );

    cnis::db::migrate(&mut conn).expect("up again");
    assert_eq!(
        schema(&mut conn),
        first,
        "the schema after down and up differs"
    );
}

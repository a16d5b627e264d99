//! `#[migrate::test]`: each test gets a database of its own, migrated to the heads with this
//! binary's migrations, on SQLite by default or on the server the environment names.

use migrate::prelude::*;
use migrate::{DatabasePool, MigratePool};

#[migration(revision = "mt1", down_revision = None)]
fn mt1(op: &mut Operations) {
    op.create_table("mt_users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}

/// How many users the table holds.
async fn users(pool: &DatabasePool) -> i64 {
    let mut connection = pool.migrate_connection().await.unwrap();
    connection.query("SELECT COUNT(*) FROM mt_users").fetch_one().await.unwrap().get::<i64>(0).unwrap()
}

#[migrate::test]
async fn a_test_gets_a_migrated_sqlite_database(pool: DatabasePool) {
    assert_eq!(pool.database(), Database::Sqlite);
    assert_eq!(users(&pool).await, 0);
}

#[migrate::test(database = "postgres")]
async fn a_test_gets_a_migrated_postgres_database(pool: DatabasePool) {
    assert_eq!(pool.database(), Database::Postgres);
    assert_eq!(users(&pool).await, 0);
}

#[migrate::test(database = "mysql")]
async fn a_test_gets_a_migrated_mariadb_database(pool: DatabasePool) -> Result<(), migrate::Error> {
    let mut connection = pool.migrate_connection().await?;
    connection.execute("INSERT INTO mt_users (id) VALUES (1)").await?;
    drop(connection);
    assert_eq!(users(&pool).await, 1);
    Ok(())
}

#[migrate::test(target = "base")]
async fn a_test_can_start_below_the_heads(pool: DatabasePool) {
    let mut connection = pool.migrate_connection().await.unwrap();
    assert!(connection.query("SELECT COUNT(*) FROM mt_users").fetch_one().await.is_err(), "not migrated");
}

#[migrate::test]
#[should_panic(expected = "the test's own failure")]
async fn a_failing_test_fails_and_its_database_is_removed_all_the_same(_pool: DatabasePool) {
    panic!("the test's own failure");
}

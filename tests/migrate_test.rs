//! `#[migrate::test]`: each test gets a database of its own, migrated to the heads with this
//! binary's migrations, on SQLite by default or on the server the environment names; on
//! PostgreSQL, copied from a template database the binary's first test migrated.

use std::sync::Mutex;

use migrate::prelude::*;
use migrate::testing::TestDatabase;
use migrate::{DatabasePool, MigratePool, Migrator};

#[migration(revision = "mt1", down_revision = None)]
fn mt1(op: &mut Operations) {
    op.create_table("mt_users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}

#[migration(revision = "mt2", down_revision = "mt1")]
fn mt2(op: &mut Operations) {
    op.create_table("mt_countries", |t| {
        t.column("code", Type::Varchar(2)).primary_key();
    });
    op.execute("INSERT INTO mt_countries (code) VALUES ('fr'), ('nz')");
}

/// The integer the first row and column of `sql` hold.
async fn integer(pool: &DatabasePool, sql: &str) -> i64 {
    let mut connection = pool.migrate_connection().await.unwrap();
    connection.query(sql).fetch_one().await.unwrap().get::<i64>(0).unwrap()
}

/// How many users the table holds.
async fn users(pool: &DatabasePool) -> i64 {
    integer(pool, "SELECT COUNT(*) FROM mt_users").await
}

/// The PostgreSQL server's URL; `None` when it isn't set.
fn postgres_server() -> Option<String> {
    let url = std::env::var("MIGRATE_TEST_POSTGRES_URL").ok();
    if url.is_none() {
        println!("skipped: set MIGRATE_TEST_POSTGRES_URL to run this test on PostgreSQL");
    }
    url
}

/// Runs `sql` on the server and returns the first column of every row, as text.
async fn server_strings(server: &str, sql: &str) -> Vec<String> {
    let DatabasePool::Postgres(pool) = DatabasePool::connect(server).await.unwrap() else { unreachable!() };
    let rows: Vec<String> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows
}

/// The templates this binary made on the server for `target`.
async fn templates_at(server: &str, target: &str) -> Vec<String> {
    // This binary's templates only: other checkouts' runs of these tests keep their own.
    let binary = std::env::current_exe().unwrap().display().to_string();
    let stem = binary.rsplit_once('-').map_or(binary.as_str(), |(stem, _)| stem);
    server_strings(
        server,
        &format!(
            "SELECT datname::TEXT FROM pg_database WHERE datistemplate \
             AND shobj_description(oid, 'pg_database') = 'migrate test template of {stem} at {target}'"
        ),
    )
    .await
}

#[migrate::test]
async fn a_test_gets_a_migrated_sqlite_database(pool: DatabasePool) {
    assert_eq!(pool.database(), Database::Sqlite);
    assert_eq!(users(&pool).await, 0);
    assert_eq!(integer(&pool, "SELECT COUNT(*) FROM mt_countries").await, 2, "the rows mt2 wrote");
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
    assert_eq!(integer(&pool, "SELECT COUNT(*) FROM mt_countries").await, 2, "the rows mt2 wrote");
    Ok(())
}

/// What two transaction tests of this binary check: the shared database at the heads, and rows of
/// their own that the other never sees (each transaction is rolled back when its test ends), under
/// a unique key both use: neither commits, so neither conflicts with the other's row for long.
async fn a_transaction_on_the_shared_database(mut db: migrate::Connection, name: &str) {
    assert_eq!(db.database(), Database::Postgres);
    let countries = db.query("SELECT COUNT(*) FROM mt_countries").fetch_one().await.unwrap();
    assert_eq!(countries.get::<i64>(0).unwrap(), 2, "the rows mt2 wrote");
    db.execute(&format!("INSERT INTO mt_users (id) VALUES (1); CREATE TABLE mt_{name} (id INTEGER)"))
        .await
        .unwrap();
    let users = db.query("SELECT COUNT(*) FROM mt_users").fetch_one().await.unwrap();
    assert_eq!(users.get::<i64>(0).unwrap(), 1, "its own row, and no other test's");
}

#[migrate::test(database = "postgres", transaction)]
async fn a_transaction_test_works_in_a_transaction_rolled_back_after_it(db: migrate::Connection) {
    a_transaction_on_the_shared_database(db, "first").await;
}

#[migrate::test(database = "postgres", transaction)]
async fn another_transaction_test_sees_nothing_of_the_first(db: migrate::Connection) {
    a_transaction_on_the_shared_database(db, "second").await;
}

#[migrate::test(database = "postgres", transaction)]
#[should_panic(expected = "a transaction test's own failure")]
async fn a_failing_transaction_test_is_rolled_back_all_the_same(mut db: migrate::Connection) {
    db.execute("INSERT INTO mt_users (id) VALUES (1)").await.unwrap();
    panic!("a transaction test's own failure");
}

/// After the transaction tests, run or not, the shared database holds no row and no table of
/// theirs: read outside any test's transaction.
#[tokio::test]
async fn the_shared_database_keeps_nothing_of_the_transaction_tests() {
    if postgres_server().is_none() {
        return;
    }
    let migrator = Migrator::from_registry().unwrap();
    let begun = migrate::testing::TestTransaction::begin(Database::Postgres, &migrator, "heads").await;
    let migrate::testing::TestTransaction { pool, mut connection } = begun.unwrap().unwrap();
    for _ in 0..100 {
        let users = connection.query("SELECT COUNT(*) FROM mt_users").fetch_one().await.unwrap();
        assert_eq!(users.get::<i64>(0).unwrap(), 0, "no test's row was committed");
        let tables = connection
            .query("SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN ('mt_first', 'mt_second')")
            .fetch_one()
            .await
            .unwrap();
        assert_eq!(tables.get::<i64>(0).unwrap(), 0, "no test's table was committed");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    drop(connection);
    pool.close().await;
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

/// What two PostgreSQL tests of this binary check: a database of their own, copied from the
/// template of the heads (schema and the rows a migration wrote), whose writes the other can't see.
async fn a_copy_of_the_heads_template(pool: DatabasePool, id: i64) {
    assert_eq!(integer(&pool, "SELECT COUNT(*) FROM mt_countries").await, 2, "the rows mt2 wrote");
    let mut connection = pool.migrate_connection().await.unwrap();
    connection.execute(&format!("INSERT INTO mt_users (id) VALUES ({id})")).await.unwrap();
    drop(connection);
    assert_eq!(users(&pool).await, 1, "only this test's own row");
    let server = postgres_server().unwrap();
    let templates = templates_at(&server, "heads").await;
    assert_eq!(templates.len(), 1, "one template of the heads: {templates:?}");
    let database = {
        let DatabasePool::Postgres(pg) = &pool else { unreachable!() };
        sqlx::query_scalar::<_, String>("SELECT current_database()::TEXT").fetch_one(pg).await.unwrap()
    };
    assert!(!templates.contains(&database), "the test's database is a copy, not the template");
}

#[migrate::test(database = "postgres")]
async fn postgres_tests_get_copies_of_one_template_first(pool: DatabasePool) {
    a_copy_of_the_heads_template(pool, 1).await;
}

#[migrate::test(database = "postgres")]
async fn postgres_tests_get_copies_of_one_template_second(pool: DatabasePool) {
    a_copy_of_the_heads_template(pool, 2).await;
}

#[migrate::test(database = "postgres", target = "base")]
async fn a_postgres_test_below_the_heads_gets_a_template_of_its_own(pool: DatabasePool) {
    let mut connection = pool.migrate_connection().await.unwrap();
    assert!(connection.query("SELECT COUNT(*) FROM mt_users").fetch_one().await.is_err(), "not migrated");
    drop(connection);
    let server = postgres_server().unwrap();
    let (base, heads) = (templates_at(&server, "base").await, templates_at(&server, "heads").await);
    assert_eq!(base.len(), 1);
    assert!(!heads.contains(&base[0]));
}

/// A migrator over the registered migrations up to `last`.
fn migrator_up_to(last: &str) -> Migrator {
    let migrations = Migration::registered().into_iter().filter(|m| m.revision() <= last);
    Migrator::new(migrations).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_migrations_get_a_new_template_which_replaces_the_old_one() {
    let Some(server) = postgres_server() else { return };
    // Target "mt1", which no other test of this binary uses, with two sets of migrations.
    let (fewer, more) = (migrator_up_to("mt1"), migrator_up_to("mt2"));
    let first = TestDatabase::create(Database::Postgres, &fewer, "mt1").await.unwrap().unwrap();
    assert_eq!(users(first.pool()).await, 0);
    first.remove().await.unwrap();
    let old = templates_at(&server, "mt1").await;
    assert_eq!(old.len(), 1);

    let second = TestDatabase::create(Database::Postgres, &more, "mt1").await.unwrap().unwrap();
    assert_eq!(users(second.pool()).await, 0);
    second.remove().await.unwrap();
    let new = templates_at(&server, "mt1").await;
    assert_eq!(new.len(), 1, "the old template is removed: {new:?}");
    assert_ne!(old, new);

    // This process still knows the removed template: it builds it again.
    let again = TestDatabase::create(Database::Postgres, &fewer, "mt1").await.unwrap().unwrap();
    assert_eq!(users(again.pool()).await, 0);
    again.remove().await.unwrap();
    assert_eq!(templates_at(&server, "mt1").await, old);
}

#[test]
fn a_failing_postgres_test_fails_and_its_database_is_dropped_all_the_same() {
    let Some(server) = postgres_server() else { return };
    let seen: &'static Mutex<Option<String>> = Box::leak(Box::new(Mutex::new(None)));
    let failed = std::panic::catch_unwind(|| {
        migrate::testing::run_test(Database::Postgres, "heads", None, move |pool: DatabasePool| async move {
            let DatabasePool::Postgres(pg) = &pool else { unreachable!() };
            let name: String =
                sqlx::query_scalar("SELECT current_database()::TEXT").fetch_one(pg).await.unwrap();
            *seen.lock().unwrap() = Some(name);
            if seen.lock().is_ok() {
                panic!("the test's own failure");
            }
        })
    });
    assert!(failed.is_err(), "the test's panic reaches the harness");
    let name = seen.lock().unwrap().clone().expect("the test ran");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let left = runtime.block_on(server_strings(
        &server,
        &format!("SELECT datname::TEXT FROM pg_database WHERE datname = '{name}'"),
    ));
    assert!(left.is_empty(), "{name} is dropped");
}

/// On a machine without the servers (a newcomer's), this binary's PostgreSQL tests are skipped,
/// each with a line that says so, and pass: the `#[should_panic]` ones too. This binary is run
/// again, without the servers' URLs, on those tests alone.
#[test]
fn without_the_server_its_tests_are_skipped_and_pass_should_panic_ones_too() {
    let tests = [
        "a_transaction_test_works_in_a_transaction_rolled_back_after_it",
        "a_failing_transaction_test_is_rolled_back_all_the_same",
    ];
    let binary = std::env::current_exe().unwrap();
    let output = std::process::Command::new(binary)
        .args(tests)
        .args(["--exact", "--nocapture", "--test-threads", "1"])
        .env_remove("MIGRATE_TEST_POSTGRES_URL")
        .env_remove("MIGRATE_TEST_MYSQL_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("test result: ok. 2 passed"), "{stdout}");
    let skipped = "skipped: set MIGRATE_TEST_POSTGRES_URL to a server's URL to run this test on PostgreSQL";
    assert_eq!(stdout.matches(skipped).count(), 2, "{stdout}");
}

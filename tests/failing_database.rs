//! A failing database: the connection dropped mid-run, another run holding the lock past the
//! timeout, missing privileges, a read-only database, SQLite's disk full. Each time: an error that
//! says what happened, no panic, a version table that matches the schema read back (nothing
//! half-recorded), and a re-run that finishes once the fault is gone. (Unreachable servers and
//! refused logins are `connecting.rs`'s.)

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Kind, TestDatabase, migrator, with_credentials, with_database};
use migrate::prelude::*;
use migrate::{DatabasePool, Error, MigratePool};

#[migration(revision = "fault1", down_revision = None)]
fn fault1(op: &mut Operations) {
    op.execute("CREATE TABLE fault_a (id INTEGER PRIMARY KEY)");
    // A row here makes `fault2` wait that many seconds inside the database: the test's fault
    // happens while it waits.
    op.execute("CREATE TABLE fault_hold (seconds INTEGER NOT NULL)");
}
#[migration(revision = "fault2", down_revision = "fault1")]
async fn fault2(db: &mut Connection) -> migrate::Result<()> {
    let hold = db.query("SELECT seconds FROM fault_hold").fetch_optional().await?;
    if let Some(row) = hold {
        let seconds: i64 = row.get(0)?;
        match db.database() {
            Database::Postgres => db.execute(&format!("SELECT pg_sleep({seconds})")).await?,
            Database::MySql => db.execute(&format!("SELECT SLEEP({seconds})")).await?,
            _ => {}
        }
    }
    db.execute("CREATE TABLE fault_b (id INTEGER PRIMARY KEY)").await
}

/// The version table matches the schema: `fault1` applied and recorded once, `fault2` neither.
async fn assert_at_fault1(db: &TestDatabase) {
    assert_eq!(migrator("fault").current(&db.pool).await.unwrap(), ["fault1"]);
    assert!(db.has_table("fault_a").await && !db.has_table("fault_b").await);
    assert_eq!(db.integer("SELECT COUNT(*) FROM migrate_version_log").await, 1, "fault1 logged once");
}

/// After the fault: the run finishes and the schema has both tables.
async fn assert_rerun_finishes(db: &TestDatabase) {
    db.execute("DELETE FROM fault_hold").await;
    let report = migrator("fault").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(report.heads, ["fault2"]);
    assert!(db.has_table("fault_b").await);
}

/// The server's id of the session running `fault2`'s wait, once it waits.
async fn waiting_session(db: &TestDatabase) -> i64 {
    let sql = match db.kind {
        Kind::Postgres => {
            "SELECT COALESCE(MAX(pid), 0)::BIGINT FROM pg_stat_activity WHERE datname = current_database() \
             AND query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()"
        }
        _ => {
            "SELECT CAST(COALESCE(MAX(ID), 0) AS SIGNED) FROM information_schema.PROCESSLIST \
             WHERE DB = DATABASE() AND INFO LIKE 'SELECT SLEEP%'"
        }
    };
    for _ in 0..1200 {
        let session = db.integer(sql).await;
        if session != 0 {
            return session;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fault2 never started waiting");
}

fn start_upgrade(db: &TestDatabase) -> tokio::task::JoinHandle<migrate::Result<migrate::Report>> {
    let pool = db.pool.clone();
    tokio::spawn(async move { migrator("fault").upgrade(&pool, "head").await })
}

async fn a_connection_dropped_mid_run_fails_the_run_and_leaves_the_last_migration_recorded(
    db: Arc<TestDatabase>,
) {
    migrator("fault").upgrade(&db.pool, "fault1").await.unwrap();
    db.execute("INSERT INTO fault_hold (seconds) VALUES (120)").await;
    let run = start_upgrade(&db);
    let session = waiting_session(&db).await;
    match db.kind {
        Kind::Postgres => db.execute(&format!("SELECT pg_terminate_backend({session})")).await,
        _ => db.execute(&format!("KILL {session}")).await,
    }
    let error = run.await.expect("the run ends without a panic").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("fault2"), "the error names the migration: {message}");
    let said = match db.kind {
        Kind::Postgres => "terminating connection due to administrator command",
        _ => "the connection to the database was lost",
    };
    assert!(message.contains(said), "the error says the connection went: {message}");
    assert_at_fault1(&db).await;
    assert_rerun_finishes(&db).await;
}

async fn another_run_holding_the_lock_past_the_timeout_is_a_lock_timeout_error(db: Arc<TestDatabase>) {
    migrator("fault").upgrade(&db.pool, "fault1").await.unwrap();
    db.execute("INSERT INTO fault_hold (seconds) VALUES (120)").await;
    let holder = start_upgrade(&db);
    let session = waiting_session(&db).await;
    let error = migrator("fault")
        .lock_timeout(Duration::from_millis(200))
        .upgrade(&db.pool, "head")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::LockTimeout { .. }), "{error}");
    assert!(error.to_string().contains("lock timeout"), "{error}");
    // The holder's wait is cut short: PostgreSQL fails its run, MariaDB's SLEEP just returns.
    match db.kind {
        Kind::Postgres => db.execute(&format!("SELECT pg_cancel_backend({session})")).await,
        _ => db.execute(&format!("KILL QUERY {session}")).await,
    }
    let held = holder.await.expect("the holding run ends without a panic");
    if held.is_err() {
        assert_at_fault1(&db).await;
    }
    assert_rerun_finishes(&db).await;
}

async fn a_sqlite_write_lock_held_past_the_timeout_is_a_lock_timeout_error(db: Arc<TestDatabase>) {
    let mut holder = db.pool.migrate_connection().await.unwrap();
    holder.execute("BEGIN IMMEDIATE").await.unwrap();
    let error = migrator("fault")
        .lock_timeout(Duration::from_millis(200))
        .upgrade(&db.pool, "head")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::LockTimeout { .. }), "{error}");
    holder.execute("COMMIT").await.unwrap();
    drop(holder);
    assert!(migrator("fault").current(&db.pool).await.unwrap().is_empty(), "nothing recorded");
    assert!(!db.has_table("fault_a").await);
    migrator("fault").upgrade(&db.pool, "head").await.unwrap();
    assert!(db.has_table("fault_b").await);
}

async fn a_login_without_the_create_privilege_is_refused_and_records_nothing(db: Arc<TestDatabase>) {
    let database =
        db.url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_owned();
    let user = format!("r{}", &database[database.len().saturating_sub(20)..]);
    let (create, drop) = match db.kind {
        Kind::Postgres => (
            // PostgreSQL 15 and later give no one but the owner CREATE on `public`.
            vec![format!("CREATE ROLE {user} LOGIN"), format!("REVOKE CREATE ON SCHEMA public FROM PUBLIC")],
            vec![format!("DROP OWNED BY {user}"), format!("DROP ROLE {user}")],
        ),
        _ => (
            vec![
                format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'"),
                format!("GRANT SELECT, INSERT, UPDATE, DELETE ON {database}.* TO '{user}'@'%'"),
            ],
            vec![format!("DROP USER '{user}'@'%'")],
        ),
    };
    for sql in &create {
        db.execute(sql).await;
    }
    let url = with_database(&with_credentials(&db.url, &user, "pw"), &database);
    let reader = DatabasePool::connect(&url).await.unwrap();
    let error = migrator("fault").upgrade(&reader, "head").await.unwrap_err();
    reader.close().await;
    for sql in &drop {
        db.execute(sql).await;
    }
    let message = error.to_string();
    assert!(message.contains("denied"), "the error says the privilege is missing: {message}");
    assert!(!message.contains("panicked"), "{message}");
    assert!(!db.has_table("migrate_version").await && !db.has_table("fault_a").await, "nothing made");
    migrator("fault").upgrade(&db.pool, "head").await.unwrap();
    assert!(db.has_table("fault_b").await);
}

async fn a_read_only_postgres_database_is_refused_and_records_nothing(db: Arc<TestDatabase>) {
    let database =
        db.url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_owned();
    migrator("fault").upgrade(&db.pool, "fault1").await.unwrap();
    db.execute(&format!("ALTER DATABASE {database} SET default_transaction_read_only = on")).await;
    let replica = DatabasePool::connect(&db.url).await.unwrap();
    let error = migrator("fault").upgrade(&replica, "head").await.unwrap_err();
    replica.close().await;
    db.execute(&format!("ALTER DATABASE {database} RESET default_transaction_read_only")).await;
    let message = error.to_string();
    assert!(message.contains("read-only transaction"), "the error says the database is read-only: {message}");
    assert_at_fault1(&db).await;
    let writable = DatabasePool::connect(&db.url).await.unwrap();
    migrator("fault").upgrade(&writable, "head").await.unwrap();
    writable.close().await;
    assert!(db.has_table("fault_b").await);
}

#[migration(revision = "full1", down_revision = None)]
fn full1(op: &mut Operations) {
    op.execute("CREATE TABLE full_limit (pages INTEGER NOT NULL)");
}
/// Fills a table; a row in `full_limit` caps the file at that many pages more (a full disk).
#[migration(revision = "full2", down_revision = "full1")]
async fn full2(db: &mut Connection) -> migrate::Result<()> {
    let limit = db.query("SELECT pages FROM full_limit").fetch_optional().await?;
    let pages: i64 = db.query("PRAGMA page_count").fetch_one().await?.get(0)?;
    let cap = match limit {
        Some(row) => pages + row.get::<i64>(0)?,
        None => 1_073_741_823,
    };
    db.execute(&format!("PRAGMA max_page_count = {cap}")).await?;
    db.execute("CREATE TABLE full_data (id INTEGER PRIMARY KEY, filler TEXT NOT NULL)").await?;
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         INSERT INTO full_data (id, filler) SELECT i, printf('%.1000c', 'x') FROM n",
    )
    .await
}

async fn a_full_sqlite_disk_fails_the_migration_and_rolls_it_back(db: Arc<TestDatabase>) {
    migrator("full").upgrade(&db.pool, "full1").await.unwrap();
    db.execute("INSERT INTO full_limit (pages) VALUES (3)").await;
    let error = migrator("full").upgrade(&db.pool, "head").await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("full2") && message.contains("full"),
        "the error says the disk is full: {message}"
    );
    assert_eq!(migrator("full").current(&db.pool).await.unwrap(), ["full1"]);
    assert!(!db.has_table("full_data").await, "the migration rolled back");
    db.execute("DELETE FROM full_limit").await;
    migrator("full").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(db.integer("SELECT COUNT(*) FROM full_data").await, 2000);
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_only_postgres_database_is_refused_and_records_nothing() {
        crate::common::run(
            crate::common::Kind::Postgres,
            super::a_read_only_postgres_database_is_refused_and_records_nothing,
        )
        .await
    }
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_sqlite_disk_fails_the_migration_and_rolls_it_back() {
        crate::common::run(
            crate::common::Kind::Sqlite,
            super::a_full_sqlite_disk_fails_the_migration_and_rolls_it_back,
        )
        .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sqlite_write_lock_held_past_the_timeout_is_a_lock_timeout_error() {
        crate::common::run(
            crate::common::Kind::Sqlite,
            super::a_sqlite_write_lock_held_past_the_timeout_is_a_lock_timeout_error,
        )
        .await
    }
}

mod servers {
    use crate::common::{Kind, run};
    macro_rules! on_the_servers {
        ($($test:ident),*) => { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                run(Kind::Postgres, super::$test).await;
                run(Kind::MySql, super::$test).await;
            }
        )* };
    }
    on_the_servers!(
        a_connection_dropped_mid_run_fails_the_run_and_leaves_the_last_migration_recorded,
        another_run_holding_the_lock_past_the_timeout_is_a_lock_timeout_error,
        a_login_without_the_create_privilege_is_refused_and_records_nothing
    );
}

//! Migrations that commit as they go, stopped part way: MySQL and MariaDB commit each DDL
//! statement as it runs, and a `transaction = false` migration has no transaction on any database.
//! Each statement done is recorded; a re-run resumes at the first one not done, and
//! `Migrator::repair` settles what can't be resumed. On SQLite every migration runs inside the
//! run's transaction, so a failure there leaves nothing to resume.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Kind, TestDatabase, migrator};
use migrate::prelude::*;
use migrate::{Error, Repair};

#[migration(revision = "rsm1", down_revision = None)]
fn rsm1(op: &mut Operations) {
    op.create_table("rsm_base", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

/// Five statements; the fourth fails until a table `rsm_gate` exists.
#[migration(revision = "rsm2", down_revision = "rsm1", transaction = false)]
fn rsm2(op: &mut Operations) {
    op.create_table("rsm_items", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::Text);
    });
    op.add_column("rsm_items", "price", Type::Integer);
    op.create_table("rsm_tags", |t| {
        t.column("id", Type::Integer).primary_key();
    });
    op.execute("INSERT INTO rsm_gate (id) VALUES (1)");
    op.create_index("ix_rsm_items_price", "rsm_items", ["price"]);
}

/// Whether statements a failed migration ran stay in the database: not on SQLite, where the run's
/// transaction rolls them back.
fn commits_as_it_goes(db: &TestDatabase) -> bool {
    db.kind != Kind::Sqlite
}

/// Upgrades to head, which fails on the fourth statement of `rsm2`; the failure.
async fn fail_at_the_gate(db: &TestDatabase) -> migrate::MigrationFailure {
    let error = migrator("rsm").upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = error else { panic!("{error}") };
    assert_eq!(failure.revision, "rsm2");
    assert!(failure.statement.as_deref().is_some_and(|sql| sql.contains("rsm_gate")), "{failure}");
    *failure
}

async fn upgrade_log_rows(db: &TestDatabase, revision: &str) -> i64 {
    db.integer(&format!(
        "SELECT COUNT(*) FROM migrate_version_log WHERE revision = '{revision}' AND direction = 'upgrade'"
    ))
    .await
}

async fn a_failed_migration_resumes_at_the_statement_that_failed(db: Arc<TestDatabase>) {
    let migrator = migrator("rsm");
    let failure = fail_at_the_gate(&db).await;
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["rsm1"], "the version table tells the truth");
    assert_eq!(failure.resumable, commits_as_it_goes(&db), "{failure}");
    let half = migrator.half_applied(&db.pool).await.unwrap();
    if commits_as_it_goes(&db) {
        assert!(failure.to_string().contains("the next run resumes at the failing statement"), "{failure}");
        let half = half.expect("the progress is recorded");
        assert_eq!((half.revision.as_str(), half.done.len(), half.edited), ("rsm2", 3, false), "{half}");
        assert!(half.done[1].contains("price"), "{half}");
        assert!(half.failed.as_ref().is_some_and(|(sql, _)| sql.contains("rsm_gate")), "{half}");
        assert!(db.has_table("rsm_tags").await, "the statements before the failure took effect");
    } else {
        assert_eq!(half, None, "{half:?}");
        assert!(!db.has_table("rsm_items").await);
    }
    // The cause fixed, a re-run finishes the migration; the statements done aren't run again (the
    // second would fail on a duplicate column).
    db.execute("CREATE TABLE rsm_gate (id INTEGER)").await;
    let report = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(report.heads, ["rsm2"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM rsm_gate").await, 1, "the failed statement ran once");
    assert_eq!(upgrade_log_rows(&db, "rsm2").await, 1);
    assert_eq!(migrator.half_applied(&db.pool).await.unwrap(), None, "the progress is emptied");
    let schema = migrator.read_schema(&db.pool).await.unwrap();
    let items = schema.table("rsm_items").expect("rsm_items");
    assert!(items.columns.iter().any(|column| column.name == "price"));
    assert!(items.indexes.iter().any(|index| index.name == "ix_rsm_items_price"));
    // A start at head is the fast path again.
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.is_empty());
}

/// A kill right after a statement took effect, before it was recorded, leaves it in doubt: what
/// the progress table then holds is made here by removing the record of the third statement.
async fn a_statement_left_in_doubt_is_settled_where_ddl_is_atomic(db: Arc<TestDatabase>) {
    if !commits_as_it_goes(&db) {
        return;
    }
    let migrator = migrator("rsm");
    fail_at_the_gate(&db).await;
    db.execute("DELETE FROM migrate_version_progress WHERE position >= 3").await;
    let half = migrator.half_applied(&db.pool).await.unwrap().expect("half-applied");
    assert_eq!((half.done.len(), half.failed.is_none()), (2, true), "{half}");
    db.execute("CREATE TABLE rsm_gate (id INTEGER)").await;
    let outcome = migrator.upgrade(&db.pool, "head").await;
    if db.kind == Kind::MySql {
        // Its `CREATE TABLE` run again says the table exists: each DDL statement is atomic there,
        // so it had taken effect, and counts as done.
        assert_eq!(outcome.unwrap().heads, ["rsm2"]);
    } else {
        // PostgreSQL's `transaction = false` statements (such as `CREATE INDEX CONCURRENTLY`)
        // can leave part of their work behind: nothing is assumed.
        let error = outcome.unwrap_err();
        let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
        assert!(failure.statement.as_deref().is_some_and(|sql| sql.contains("rsm_tags")), "{error}");
        assert!(failure.resumable, "{error}");
        db.execute("DROP TABLE rsm_tags").await;
        assert_eq!(migrator.upgrade(&db.pool, "head").await.unwrap().heads, ["rsm2"]);
    }
    assert_eq!(db.integer("SELECT COUNT(*) FROM rsm_gate").await, 1);
    assert_eq!(upgrade_log_rows(&db, "rsm2").await, 1);
}

async fn a_half_applied_migration_is_refused_until_resumed_or_repaired(db: Arc<TestDatabase>) {
    if !commits_as_it_goes(&db) {
        return;
    }
    let migrator = migrator("rsm");
    fail_at_the_gate(&db).await;
    // Another plan first is refused, naming the migration and what to do.
    let error = migrator.downgrade(&db.pool, "base").await.unwrap_err();
    assert!(matches!(&error, Error::HalfApplied { half, .. } if half.revision == "rsm2"), "{error}");
    let text = error.to_string();
    assert!(text.contains("would begin with another migration") && text.contains("migrate repair"), "{text}");
    assert!(db.has_table("rsm_base").await, "nothing was downgraded");
    // Edited since it ran: its statements may not be the recorded ones any more.
    db.execute("UPDATE migrate_version_progress SET checksum = 'edited'").await;
    let error = migrator.upgrade(&db.pool, "head").await.unwrap_err();
    assert!(error.to_string().contains("its code changed since it ran"), "{error}");
    let half = migrator.half_applied(&db.pool).await.unwrap().expect("half-applied");
    assert!(half.edited, "{half}");
    // A stamp says where the database is: the progress is forgotten.
    migrator.stamp(&db.pool, "rsm1", false).await.unwrap();
    assert_eq!(migrator.half_applied(&db.pool).await.unwrap(), None);
}

async fn repair_undoes_marks_or_forgets_a_half_applied_migration(db: Arc<TestDatabase>) {
    if !commits_as_it_goes(&db) {
        return;
    }
    let migrator = migrator("rsm");
    // Undo: the inverse of the three operations done, last first.
    fail_at_the_gate(&db).await;
    let undone = migrator.repair(&db.pool, Repair::Undo).await.unwrap().expect("half-applied");
    assert_eq!(undone.done.len(), 3);
    assert!(!db.has_table("rsm_items").await && !db.has_table("rsm_tags").await);
    assert!(db.has_table("rsm_base").await);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["rsm1"]);
    assert_eq!(migrator.half_applied(&db.pool).await.unwrap(), None);
    assert_eq!(migrator.repair(&db.pool, Repair::Undo).await.unwrap(), None, "nothing left to repair");

    // Mark applied: finished by hand, recorded as if it had run to the end.
    fail_at_the_gate(&db).await;
    db.execute("CREATE INDEX ix_rsm_items_price ON rsm_items (price)").await;
    migrator.repair(&db.pool, Repair::MarkApplied).await.unwrap().expect("half-applied");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["rsm2"]);
    assert_eq!(upgrade_log_rows(&db, "rsm2").await, 1);
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.is_empty());

    // Forget: reverted by hand; the next run starts it from its beginning.
    migrator.stamp(&db.pool, "rsm1", false).await.unwrap();
    db.execute("DROP TABLE rsm_items").await;
    db.execute("DROP TABLE rsm_tags").await;
    fail_at_the_gate(&db).await;
    db.execute("DROP TABLE rsm_items").await;
    db.execute("DROP TABLE rsm_tags").await;
    migrator.repair(&db.pool, Repair::Forget).await.unwrap().expect("half-applied");
    db.execute("CREATE TABLE rsm_gate (id INTEGER)").await;
    assert_eq!(migrator.upgrade(&db.pool, "head").await.unwrap().heads, ["rsm2"]);
}

/// Version tables written before the progress table (layout 1) get it on the next run.
async fn version_tables_of_the_layout_before_get_the_progress_table(db: Arc<TestDatabase>) {
    let migrator = migrator("rsm");
    migrator.upgrade(&db.pool, "rsm1").await.unwrap();
    db.execute("DROP TABLE migrate_version_progress").await;
    db.execute("UPDATE migrate_version_state SET layout = '1'").await;
    db.execute("CREATE TABLE rsm_gate (id INTEGER)").await;
    assert_eq!(migrator.upgrade(&db.pool, "head").await.unwrap().heads, ["rsm2"]);
    assert!(db.has_table("migrate_version_progress").await);
    assert_eq!(db.scalar::<String>("SELECT layout FROM migrate_version_state").await, "2");
}

#[migration(revision = "rsa1", down_revision = None, transaction = false, irreversible)]
async fn rsa1(db: &mut migrate::Connection) -> migrate::Result<()> {
    db.execute("CREATE TABLE IF NOT EXISTS rsa_done (id INTEGER)").await?;
    db.execute("INSERT INTO rsa_gate (id) VALUES (1)").await
}

/// An async migration's statements aren't recorded one by one: stopped part way, it runs again
/// from its beginning.
async fn an_async_migration_stopped_part_way_runs_again_from_its_beginning(db: Arc<TestDatabase>) {
    let migrator = migrator("rsa");
    let error = migrator.upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    assert_eq!(failure.resumable, commits_as_it_goes(&db), "{error}");
    if commits_as_it_goes(&db) {
        assert!(error.to_string().contains("the next run runs it again from its beginning"), "{error}");
        let half = migrator.half_applied(&db.pool).await.unwrap().expect("half-applied");
        assert!(half.done.is_empty() && half.failed.is_some(), "{half}");
    }
    db.execute("CREATE TABLE rsa_gate (id INTEGER)").await;
    assert_eq!(migrator.upgrade(&db.pool, "head").await.unwrap().heads, ["rsa1"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM rsa_gate").await, 1);
    assert_eq!(migrator.half_applied(&db.pool).await.unwrap(), None);
}

#[migration(revision = "rsk1", down_revision = None)]
fn rsk1(op: &mut Operations) {
    op.create_table("rsk_blocker", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

/// Three statements; the second waits while another session holds a lock on `rsk_blocker`.
#[migration(revision = "rsk2", down_revision = "rsk1", transaction = false)]
fn rsk2(op: &mut Operations) {
    op.create_table("rsk_first", |t| {
        t.column("id", Type::Integer).primary_key();
    });
    op.add_column("rsk_blocker", "note", Type::Text);
    op.create_table("rsk_third", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

/// The run's session killed from another while its second statement waits for a lock: the first
/// statement stays done, and a re-run resumes at the second.
async fn a_killed_session_is_resumed(db: Arc<TestDatabase>) {
    if !commits_as_it_goes(&db) {
        return;
    }
    let migrator = Arc::new(migrator("rsk"));
    migrator.upgrade(&db.pool, "rsk1").await.unwrap();
    let blocker_url = db.url.clone();
    let blocker = migrate::DatabasePool::connect(&blocker_url).await.unwrap();
    let mut holder = migrate::MigratePool::migrate_connection(&blocker).await.unwrap();
    let (hold, find, kill) = match db.kind {
        Kind::Postgres => (
            "BEGIN; LOCK TABLE rsk_blocker IN ACCESS SHARE MODE",
            "SELECT pid FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE%rsk_blocker%' AND pid <> pg_backend_pid()",
            "SELECT pg_terminate_backend({id})",
        ),
        _ => (
            "BEGIN; SELECT * FROM rsk_blocker",
            "SELECT CAST(id AS SIGNED) FROM information_schema.processlist WHERE info LIKE 'ALTER TABLE%rsk_blocker%'",
            "KILL {id}",
        ),
    };
    holder.execute(hold).await.unwrap();
    let running = {
        let (migrator, pool) = (migrator.clone(), db.clone());
        tokio::spawn(async move { migrator.upgrade(&pool.pool, "head").await })
    };
    let mut waiting = None;
    for _ in 0..200 {
        let ids = db_ids(&db, find).await;
        if let Some(id) = ids.first() {
            waiting = Some(*id);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let id = waiting.expect("the run's second statement waits for the lock");
    db.execute(&kill.replace("{id}", &id.to_string())).await;
    let error = running.await.unwrap().unwrap_err();
    holder.execute("COMMIT").await.unwrap();
    drop(holder);
    blocker.close().await;
    assert!(matches!(error, Error::MigrationFailed(_) | Error::Database { .. }), "{error}");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["rsk1"]);
    let half = migrator.half_applied(&db.pool).await.unwrap().expect("half-applied");
    assert_eq!(half.done.len(), 1, "{half}");
    assert_eq!(half.failed, None, "the session was gone before the failure could be recorded: {half}");
    let report = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(report.heads, ["rsk2"]);
    assert!(db.has_table("rsk_first").await && db.has_table("rsk_third").await);
    assert_eq!(upgrade_log_rows(&db, "rsk2").await, 1);
}

#[migration(revision = "rsd1", down_revision = None)]
fn rsd1(op: &mut Operations) {
    op.create_table("rsd_base", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

/// Its first statement, a data statement, fails until a table `rsd_gate` exists.
#[migration(revision = "rsd2", down_revision = "rsd1")]
fn rsd2(op: &mut Operations) {
    op.execute("INSERT INTO rsd_gate (id) VALUES (1)");
    op.create_table("rsd_items", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

/// A migration whose failing data statement was all it ran is rolled back with its transaction,
/// even where DDL commits as it goes: nothing is left to resume, though the step before it wrote
/// the row that says it began.
async fn a_migration_that_failed_before_committing_anything_leaves_nothing_to_resume(db: Arc<TestDatabase>) {
    let migrator = migrator("rsd");
    let error = migrator.upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    assert_eq!(failure.revision, "rsd2");
    assert!(failure.rolled_back && !failure.resumable, "{error}");
    assert!(failure.committed.is_empty(), "{error}");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["rsd1"]);
    assert_eq!(migrator.half_applied(&db.pool).await.unwrap(), None, "nothing of rsd2 is in progress");
    // Fixed, another plan runs: nothing half-applied stands in its way.
    assert!(migrator.downgrade(&db.pool, "base").await.unwrap().heads.is_empty());
    db.execute("CREATE TABLE rsd_gate (id INTEGER)").await;
    assert_eq!(migrator.upgrade(&db.pool, "head").await.unwrap().heads, ["rsd2"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM rsd_gate").await, 1);
}

/// The integers a query returns, one per row.
async fn db_ids(db: &TestDatabase, sql: &str) -> Vec<i64> {
    use migrate::MigratePool;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let rows = connection.query(sql).fetch_all().await.unwrap();
    rows.iter().map(|row| row.get::<i64>(0).unwrap()).collect()
}

on_every_database!(
    a_failed_migration_resumes_at_the_statement_that_failed,
    a_statement_left_in_doubt_is_settled_where_ddl_is_atomic,
    a_half_applied_migration_is_refused_until_resumed_or_repaired,
    repair_undoes_marks_or_forgets_a_half_applied_migration,
    a_killed_session_is_resumed,
    version_tables_of_the_layout_before_get_the_progress_table,
    an_async_migration_stopped_part_way_runs_again_from_its_beginning,
    a_migration_that_failed_before_committing_anything_leaves_nothing_to_resume,
);

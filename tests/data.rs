//! Batched data migrations on SQLite, PostgreSQL and MariaDB: every row is touched once, in batches
//! of the size asked, and per-batch commits happen only where the migration runs outside a
//! transaction.

// The tests use only part of the database helper.
#[allow(dead_code)]
mod common;

use std::sync::Arc;

use common::{Kind, TestDatabase, migrator};
use migrate::prelude::*;
use migrate::{BatchReport, CopyInBatches, Error, MigratePool, UpdateInBatches};

/// 25 rows with keys 2, 4, ... 50 (gaps on purpose): `n` is the key divided by 2. The key is a
/// 32-bit INTEGER: batches walk keys of any integer width.
async fn items(db: &TestDatabase) {
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, doubled INTEGER)").await;
    let rows: Vec<String> = (1..=25).map(|n| format!("({}, {n})", n * 2)).collect();
    db.execute(&format!("INSERT INTO items (id, n) VALUES {}", rows.join(", "))).await;
}

async fn an_update_in_batches_changes_every_row_in_batches_of_the_size_asked(db: Arc<TestDatabase>) {
    items(&db).await;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let update = UpdateInBatches::new("items", "doubled = n * 2").batch_size(7);
    let report = update.run(&mut connection).await.unwrap();
    assert_eq!(report, BatchReport { batches: 4, rows: 25 }, "7 + 7 + 7 + 4 rows");
    assert_eq!(db.integer("SELECT COUNT(*) FROM items WHERE doubled = n * 2").await, 25);
}

async fn a_filter_skips_finished_rows_so_a_rerun_changes_nothing(db: Arc<TestDatabase>) {
    items(&db).await;
    db.execute("UPDATE items SET doubled = 0 WHERE id <= 10").await;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let update = UpdateInBatches::new("items", "doubled = n * 2").filter("doubled IS NULL").batch_size(10);
    assert_eq!(update.run(&mut connection).await.unwrap().rows, 20, "the 5 finished rows are skipped");
    assert_eq!(update.run(&mut connection).await.unwrap().rows, 0);
    assert_eq!(db.integer("SELECT COUNT(*) FROM items WHERE doubled = 0").await, 5);
}

async fn a_copy_in_batches_copies_every_row_once(db: Arc<TestDatabase>) {
    items(&db).await;
    db.execute("CREATE TABLE items_copy (id BIGINT PRIMARY KEY, n INTEGER NOT NULL)").await;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let copy = CopyInBatches::new("items", "items_copy").columns(["id", "n"]).batch_size(6);
    assert_eq!(copy.run(&mut connection).await.unwrap(), BatchReport { batches: 5, rows: 25 });
    assert_eq!(db.integer("SELECT COUNT(*) FROM items_copy").await, 25);
    let same = "SELECT COUNT(*) FROM items_copy c JOIN items i ON i.id = c.id AND i.n = c.n";
    assert_eq!(db.integer(same).await, 25);
}

async fn batches_that_cannot_run_are_refused_with_the_reason(db: Arc<TestDatabase>) {
    items(&db).await;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let error = UpdateInBatches::new("items", "n = 1").batch_size(0).run(&mut connection).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidBatch { table, .. } if table == "items"), "{error}");
    let error = CopyInBatches::new("items", "elsewhere").run(&mut connection).await.unwrap_err();
    assert!(error.to_string().contains("no columns to copy into 'elsewhere'"), "{error}");
    assert_eq!(db.integer("SELECT COUNT(*) FROM items WHERE n = 1").await, 1, "nothing changed");
}

// ---- in migrations ----

#[migration(revision = "tx1", down_revision = None, irreversible)]
fn tx1(op: &mut Operations) {
    op.execute("CREATE TABLE tx_items (id BIGINT PRIMARY KEY, n INTEGER)");
    op.execute("INSERT INTO tx_items (id, n) VALUES (1, 1), (2, 2), (3, 3)");
}
/// Forgets `transaction = false`, yet asks for a commit per batch.
#[migration(revision = "tx2", down_revision = "tx1", irreversible)]
async fn tx2(db: &mut Connection) -> migrate::Result<()> {
    UpdateInBatches::new("tx_items", "n = n + 10").batch_size(1).commit_each_batch().run(db).await?;
    Ok(())
}

async fn a_commit_per_batch_inside_a_transaction_is_refused(db: Arc<TestDatabase>) {
    let error = migrator("tx").upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    assert_eq!(failure.revision, "tx2");
    assert!(failure.message.contains("`transaction = false`"), "{error}");
    assert_eq!(db.integer("SELECT COUNT(*) FROM tx_items WHERE n > 10").await, 0, "no batch ran");
}

#[migration(revision = "nt1", down_revision = None, irreversible)]
fn nt1(op: &mut Operations) {
    op.execute("CREATE TABLE nt_items (id BIGINT PRIMARY KEY, n INTEGER)");
    op.execute("INSERT INTO nt_items (id, n) VALUES (1, 1), (2, 2), (3, 3)");
}
/// Backfills with a commit per batch, then fails.
#[migration(revision = "nt2", down_revision = "nt1", transaction = false, irreversible)]
async fn nt2(db: &mut Connection) -> migrate::Result<()> {
    UpdateInBatches::new("nt_items", "n = n + 10").batch_size(2).commit_each_batch().run(db).await?;
    db.execute("INSERT INTO nt_missing (id) VALUES (1)").await
}

async fn batches_committed_one_by_one_stay_when_the_migration_fails_later(db: Arc<TestDatabase>) {
    let migrator = migrator("nt");
    assert!(migrator.upgrade(&db.pool, "head").await.is_err());
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["nt1"], "the version table tells the truth");
    let updated = db.integer("SELECT COUNT(*) FROM nt_items WHERE n > 10").await;
    if db.kind == Kind::Sqlite {
        // SQLite's run is one write transaction: a failed step rolls back to where it started.
        assert_eq!(updated, 0);
    } else {
        assert_eq!(updated, 3, "each batch committed as it ended");
    }
}

on_every_database!(
    an_update_in_batches_changes_every_row_in_batches_of_the_size_asked,
    a_filter_skips_finished_rows_so_a_rerun_changes_nothing,
    a_copy_in_batches_copies_every_row_once,
    batches_that_cannot_run_are_refused_with_the_reason,
    a_commit_per_batch_inside_a_transaction_is_refused,
    batches_committed_one_by_one_stay_when_the_migration_fails_later,
);

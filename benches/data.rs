//! A batched backfill against the same UPDATE in plain SQL, on the same table size in the same run:
//! 1,000,000 rows, `doubled = n * 2`, batches of 10,000 rows as a `transaction = false` data
//! migration runs them: each committed as it ends on PostgreSQL and MariaDB, inside the run's write
//! transaction on SQLite. `cargo bench --bench data`; PostgreSQL and MariaDB rows when
//! MIGRATE_TEST_POSTGRES_URL / MIGRATE_TEST_MYSQL_URL are set.

#[allow(dead_code, reason = "the bench uses only the medians")]
mod chain;
// The bench uses only part of the tests' database helper.
#[allow(dead_code)]
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use chain::median;
use common::{Kind, TestDatabase};
use migrate::{MigratePool, UpdateInBatches};

const ROWS: u64 = 1_000_000;
const BATCH: u64 = 10_000;
const RUNS: usize = 3;

/// Two tables of ROWS rows each (keys 1..=ROWS), filled by a portable cross join of digits.
async fn fill(db: &TestDatabase) {
    db.execute("CREATE TABLE digits (x INTEGER NOT NULL)").await;
    db.execute("INSERT INTO digits (x) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)").await;
    for table in ["plain", "batched"] {
        db.execute(&format!(
            "CREATE TABLE {table} (id INTEGER PRIMARY KEY, n BIGINT NOT NULL, doubled BIGINT)"
        ))
        .await;
        db.execute(&format!(
            "INSERT INTO {table} (id, n) SELECT k, k FROM (SELECT 1 + a.x + 10 * b.x + 100 * c.x + 1000 * d.x \
             + 10000 * e.x + 100000 * f.x AS k FROM digits a, digits b, digits c, digits d, digits e, digits f) generated"
        ))
        .await;
    }
}

#[tokio::main]
async fn main() {
    println!("| database | rows | plain UPDATE | batched, {BATCH} rows per batch | batched / plain |");
    println!("|---|---:|---:|---:|---:|");
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::MySql] {
        let Some(db) = TestDatabase::create(kind).await else { continue };
        fill(&db).await;
        let (mut plain, mut batched) = (Vec::new(), Vec::new());
        for run in 0..RUNS {
            let value = if run % 2 == 0 { "n * 2" } else { "n * 3" };
            let started = Instant::now();
            db.execute(&format!("UPDATE plain SET doubled = {value}")).await;
            plain.push(started.elapsed());

            let mut connection = db.pool.migrate_connection().await.unwrap_or_else(|e| panic!("{e}"));
            let update = UpdateInBatches::new("batched", &format!("doubled = {value}"))
                .batch_size(BATCH)
                .commit_each_batch();
            let started = Instant::now();
            let sqlite = kind == Kind::Sqlite;
            if sqlite {
                connection.execute("BEGIN IMMEDIATE").await.unwrap_or_else(|e| panic!("{e}"));
            }
            let report = update.run(&mut connection).await.unwrap_or_else(|e| panic!("{e}"));
            if sqlite {
                connection.execute("COMMIT").await.unwrap_or_else(|e| panic!("{e}"));
            }
            batched.push(started.elapsed());
            assert_eq!(report.rows, ROWS);
        }
        let (plain, batched) = (median(plain), median(batched));
        println!(
            "| {kind:?} | {ROWS} | {:.0} ms | {:.0} ms | {:.2} |",
            plain.as_secs_f64() * 1000.0,
            batched.as_secs_f64() * 1000.0,
            batched.as_secs_f64() / plain.as_secs_f64()
        );
        db.remove().await;
    }
}

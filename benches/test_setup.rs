//! `#[migrate::test]`'s setup against `#[sqlx::test]`'s, per test, for an app with N = 100
//! migrations (one CREATE TABLE each): migrate's path (`TestDatabase::create`, what `run_test`
//! calls: a copy of the template on PostgreSQL and SQLite, migrated on MariaDB) against a new
//! database plus sqlx's `Migrator` over the same migrations as `.sql` files, which is what
//! `#[sqlx::test]` does for each test. On PostgreSQL also `#[migrate::test(transaction)]`'s setup
//! (`TestTransaction::begin`: a connection in a transaction on the shared copy of the template). Setup only: from nothing to a pool on a migrated database;
//! removing it afterwards isn't timed. `cargo bench --bench test_setup`; PostgreSQL and MariaDB
//! rows when MIGRATE_TEST_POSTGRES_URL / MIGRATE_TEST_MYSQL_URL are set.

#[allow(dead_code, reason = "the bench uses only part of the chain")]
mod chain;
#[allow(dead_code, reason = "the bench uses only part of the tests' database helper")]
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use chain::{CREATE_TABLE, median, milliseconds, run_sqlx, sqlx_migrator};
use common::{Kind, TestDatabase};
use migrate::{Database, Migrator};

const N: usize = 100;
/// Test binaries simulated per database, each with migrations of its own (a first test each).
const BINARIES: usize = 5;
/// Tests per simulated binary.
const TESTS: usize = 8;

/// `#[sqlx::test]`'s setup: a new database, migrated by sqlx's `Migrator`.
async fn sqlx_setup(kind: Kind, migrator: &sqlx::migrate::Migrator) -> Option<TestDatabase> {
    let database = TestDatabase::create(kind).await?;
    run_sqlx(migrator, &database.pool).await;
    Some(database)
}

#[tokio::main]
async fn main() {
    let theirs = sqlx_migrator(N).await;
    // Checksums no earlier run used, so that each simulated binary's first test builds its template.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() % 10_000_000);
    println!("| database | N | test | migrate (#[migrate::test]) | sqlx (#[sqlx::test]) | sqlx / migrate |");
    println!("|---|---:|---|---:|---:|---:|");
    for (kind, database) in [
        (Kind::Sqlite, Database::Sqlite),
        (Kind::Postgres, Database::Postgres),
        (Kind::MySql, Database::MySql),
    ] {
        let (mut first, mut later, mut sqlx) = (vec![], vec![], vec![]);
        let (mut first_transaction, mut later_transaction) = (vec![], vec![]);
        for binary in 0..BINARIES {
            let salt = u32::try_from(binary).map_or(0, |binary| run * 10 + binary + 1);
            let ours =
                Migrator::new(chain::salted_chain(&CREATE_TABLE, N, salt)).unwrap_or_else(|e| panic!("{e}"));
            // A test suite uses one or the other: each runs its tests in a block of its own.
            for test in 0..TESTS {
                let started = Instant::now();
                let Some(fresh) = migrate::testing::TestDatabase::create(database, &ours, "heads")
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
                else {
                    break;
                };
                (if test == 0 { &mut first } else { &mut later }).push(started.elapsed());
                fresh.remove().await.unwrap_or_else(|e| panic!("{e}"));
            }
            // `#[migrate::test(database = "postgres", transaction)]`: a connection in a transaction
            // on the database the binary's transaction tests share.
            for test in 0..TESTS {
                if database != Database::Postgres {
                    break;
                }
                let started = Instant::now();
                let Some(begun) = migrate::testing::TestTransaction::begin(database, &ours, "heads")
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
                else {
                    break;
                };
                (if test == 0 { &mut first_transaction } else { &mut later_transaction })
                    .push(started.elapsed());
                drop(begun.connection);
                begun.pool.close().await;
            }
            for _ in 0..TESTS {
                let started = Instant::now();
                let Some(theirs) = sqlx_setup(kind, &theirs).await else { break };
                sqlx.push(started.elapsed());
                theirs.remove().await;
            }
        }
        if first.is_empty() {
            continue;
        }
        let sqlx = median(sqlx);
        let mut rows = vec![("1st", median(first)), ("2nd to 8th", median(later))];
        if !first_transaction.is_empty() {
            rows.push(("1st, `transaction`", median(first_transaction)));
            rows.push(("2nd to 8th, `transaction`", median(later_transaction)));
        }
        for (test, ours) in rows {
            let ratio = sqlx.as_secs_f64() / ours.as_secs_f64();
            println!(
                "| {kind:?} | {N} | {test} | {} | {} | {ratio:.1}× |",
                milliseconds(ours),
                milliseconds(sqlx)
            );
        }
    }
}

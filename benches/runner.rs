//! The runner against sqlx's own `Migrator`, on the same database in the same run: a cold upgrade
//! of N migrations (one CREATE TABLE each) into an empty database, the no-op upgrade at head
//! (what every application start pays), and the downgrade to base (one DROP TABLE each; sqlx's
//! `undo` to version 0 with reversible `.up.sql`/`.down.sql` files). `cargo bench --bench runner`;
//! PostgreSQL and MariaDB columns when MIGRATE_TEST_POSTGRES_URL / MIGRATE_TEST_MYSQL_URL are set.
//! Words after `--` narrow the run: databases (`sqlite`, `postgres`, `mysql`), sizes (`100`,
//! `1000`), and `whole-run` for migrate's one transaction for the run (sqlx has none).

#[allow(dead_code, reason = "the bench uses only part of the chain")]
mod chain;
#[allow(dead_code, reason = "the bench uses only part of the tests' database helper")]
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use chain::{
    CREATE_TABLE, DROP_TABLE, LARGEST, median, milliseconds, run_sqlx, sqlx_reversible_migrator, undo_sqlx,
};
use common::{Kind, TestDatabase};
use migrate::{Migrator, TransactionMode};

#[tokio::main]
async fn main() {
    let words: Vec<String> = std::env::args().skip(1).filter(|word| !word.starts_with("--")).collect();
    // A group with none of its words named runs whole.
    let chosen = |group: &[&str], name: &str| {
        words.iter().all(|word| !group.contains(&word.as_str())) || words.iter().any(|word| word == name)
    };
    let mode = if words.iter().any(|word| word == "whole-run") {
        TransactionMode::WholeRun
    } else {
        TransactionMode::PerMigration
    };
    println!("| database | N | what | migrate | sqlx Migrator | migrate / sqlx |");
    println!("|---|---:|---|---:|---:|---:|");
    for (kind, name) in [(Kind::Sqlite, "sqlite"), (Kind::Postgres, "postgres"), (Kind::MySql, "mysql")] {
        for n in [100, LARGEST] {
            if !chosen(&["sqlite", "postgres", "mysql"], name) || !chosen(&["100", "1000"], &n.to_string()) {
                continue;
            }
            let ours = Migrator::new(chain::reversible_chain(&CREATE_TABLE, &DROP_TABLE, n))
                .unwrap_or_else(|e| panic!("{e}"))
                .transaction_mode(mode);
            let theirs = sqlx_reversible_migrator(n).await;
            let cold_runs = if n == LARGEST { 3 } else { 7 };
            let (mut cold_ours, mut cold_theirs, mut noop_ours, mut noop_theirs) =
                (vec![], vec![], vec![], vec![]);
            let (mut down_ours, mut down_theirs) = (vec![], vec![]);
            for _ in 0..cold_runs {
                let Some(database) = TestDatabase::create(kind).await else { break };
                let started = Instant::now();
                ours.upgrade(&database.pool, "head").await.unwrap_or_else(|e| panic!("{e}"));
                cold_ours.push(started.elapsed());
                for _ in 0..5 {
                    let started = Instant::now();
                    ours.upgrade(&database.pool, "head").await.unwrap_or_else(|e| panic!("{e}"));
                    noop_ours.push(started.elapsed());
                }
                let started = Instant::now();
                ours.downgrade(&database.pool, "base").await.unwrap_or_else(|e| panic!("{e}"));
                down_ours.push(started.elapsed());
                database.remove().await;

                let Some(database) = TestDatabase::create(kind).await else { break };
                let started = Instant::now();
                run_sqlx(&theirs, &database.pool).await;
                cold_theirs.push(started.elapsed());
                for _ in 0..5 {
                    let started = Instant::now();
                    run_sqlx(&theirs, &database.pool).await;
                    noop_theirs.push(started.elapsed());
                }
                let started = Instant::now();
                undo_sqlx(&theirs, &database.pool).await;
                down_theirs.push(started.elapsed());
                database.remove().await;
            }
            if cold_ours.is_empty() {
                break;
            }
            for (what, ours, theirs) in [
                ("cold upgrade to head", cold_ours, cold_theirs),
                ("no-op upgrade at head", noop_ours, noop_theirs),
                ("downgrade to base", down_ours, down_theirs),
            ] {
                let (ours, theirs) = (median(ours), median(theirs));
                let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
                println!(
                    "| {kind:?} | {n} | {what} | {} | {} | {ratio:.2} |",
                    milliseconds(ours),
                    milliseconds(theirs)
                );
            }
        }
    }
}

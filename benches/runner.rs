//! The runner against sqlx's own `Migrator`, on the same database in the same run: a cold upgrade
//! of N migrations (one CREATE TABLE each) into an empty database, and the no-op upgrade at head
//! (what every application start pays). `cargo bench --bench runner`; PostgreSQL and MariaDB
//! columns when MIGRATE_TEST_POSTGRES_URL / MIGRATE_TEST_MYSQL_URL are set.

// The bench uses only part of the tests' database helper.
mod chain;
#[allow(dead_code)]
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Kind, TestDatabase};
use migrate::{Migrator, Operations};

const LARGEST: usize = 1000;

fn create<const I: usize>(op: &mut Operations) {
    op.execute(format!("CREATE TABLE bench_{I} (id INTEGER PRIMARY KEY, name VARCHAR(100))"));
}

static FUNCTIONS: [fn(&mut Operations); LARGEST] = seq_macro::seq!(I in 0..1000 { [#(create::<I>,)*] });

/// The same chain as sqlx migration files.
async fn sqlx_migrator(n: usize) -> sqlx::migrate::Migrator {
    let folder = std::env::temp_dir().join(format!("migrate_bench_sqlx_{}_{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..n {
        let sql = format!("CREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100));\n");
        std::fs::write(folder.join(format!("{:04}_create.sql", i + 1)), sql)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    sqlx::migrate::Migrator::new(folder).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn run_sqlx(migrator: &sqlx::migrate::Migrator, database: &TestDatabase) {
    let outcome = match &database.pool {
        migrate::DatabasePool::Sqlite(pool) => migrator.run(pool).await,
        migrate::DatabasePool::Postgres(pool) => migrator.run(pool).await,
        migrate::DatabasePool::MySql(pool) => migrator.run(pool).await,
        _ => unreachable!("the bench builds with every database"),
    };
    outcome.unwrap_or_else(|e| panic!("{e}"));
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn format(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    println!("| database | N | what | migrate | sqlx Migrator | migrate / sqlx |");
    println!("|---|---:|---|---:|---:|---:|");
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::MySql] {
        for n in [100, LARGEST] {
            let ours = Migrator::new(chain::chain(&FUNCTIONS, n)).unwrap_or_else(|e| panic!("{e}"));
            let theirs = sqlx_migrator(n).await;
            let cold_runs = if n == LARGEST { 3 } else { 7 };
            let (mut cold_ours, mut cold_theirs, mut noop_ours, mut noop_theirs) =
                (vec![], vec![], vec![], vec![]);
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
                database.remove().await;

                let Some(database) = TestDatabase::create(kind).await else { break };
                let started = Instant::now();
                run_sqlx(&theirs, &database).await;
                cold_theirs.push(started.elapsed());
                for _ in 0..5 {
                    let started = Instant::now();
                    run_sqlx(&theirs, &database).await;
                    noop_theirs.push(started.elapsed());
                }
                database.remove().await;
            }
            if cold_ours.is_empty() {
                break;
            }
            for (what, ours, theirs) in [
                ("cold upgrade to head", cold_ours, cold_theirs),
                ("no-op upgrade at head", noop_ours, noop_theirs),
            ] {
                let (ours, theirs) = (median(ours), median(theirs));
                let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
                println!("| {kind:?} | {n} | {what} | {} | {} | {ratio:.2} |", format(ours), format(theirs));
            }
        }
    }
}

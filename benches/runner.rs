//! The runner against sqlx's own `Migrator`, on the same database in the same run: a cold upgrade
//! of N migrations (one CREATE TABLE each) into an empty database, the no-op upgrade at head
//! (what every application start pays), and the downgrade to base (one DROP TABLE each; sqlx's
//! `undo` to version 0 with reversible `.up.sql`/`.down.sql` files). `cargo bench --bench runner`;
//! PostgreSQL and MariaDB columns when MIGRATE_TEST_POSTGRES_URL / MIGRATE_TEST_MYSQL_URL are set.
//! The floor column runs the same statements as migrate's steps (each migration's SQL, the heads
//! UPDATE and the log INSERT, in the same transactions) with literals through sqlx's `raw_sql`
//! on one connection, with no checks, lock or planning: what a run can't go below.
//! The peak-heap row is the most heap each tool's cold upgrade held at once above what was held
//! when it started (counted by the bench's allocator), its ratio column the difference.
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
use migrate::{DatabasePool, Migrator, TransactionMode};

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
    println!("| database | N | what | migrate | sqlx Migrator | migrate / sqlx | floor | migrate / floor |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|");
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
            let (mut cold_floor, mut down_floor) = (vec![], vec![]);
            let (mut peak_ours, mut peak_theirs) = (vec![], vec![]);
            for _ in 0..cold_runs {
                let Some(database) = TestDatabase::create(kind).await else { break };
                let baseline = heap::reset_peak();
                let started = Instant::now();
                ours.upgrade(&database.pool, "head").await.unwrap_or_else(|e| panic!("{e}"));
                cold_ours.push(started.elapsed());
                peak_ours.push(heap::peak() - baseline);
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
                let baseline = heap::reset_peak();
                let started = Instant::now();
                run_sqlx(&theirs, &database.pool).await;
                cold_theirs.push(started.elapsed());
                peak_theirs.push(heap::peak() - baseline);
                for _ in 0..5 {
                    let started = Instant::now();
                    run_sqlx(&theirs, &database.pool).await;
                    noop_theirs.push(started.elapsed());
                }
                let started = Instant::now();
                undo_sqlx(&theirs, &database.pool).await;
                down_theirs.push(started.elapsed());
                database.remove().await;

                if kind == Kind::Sqlite {
                    continue;
                }
                let Some(database) = TestDatabase::create(kind).await else { break };
                let started = Instant::now();
                floor(&database.pool, &floor_statements(kind, n, mode, true)).await;
                cold_floor.push(started.elapsed());
                let started = Instant::now();
                floor(&database.pool, &floor_statements(kind, n, mode, false)).await;
                down_floor.push(started.elapsed());
                database.remove().await;
            }
            if cold_ours.is_empty() {
                break;
            }
            for (what, ours, theirs, floor) in [
                ("cold upgrade to head", cold_ours, cold_theirs, cold_floor),
                ("no-op upgrade at head", noop_ours, noop_theirs, vec![]),
                ("downgrade to base", down_ours, down_theirs, down_floor),
            ] {
                let (ours, theirs) = (median(ours), median(theirs));
                let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
                let floor = if floor.is_empty() {
                    "– | –".to_owned()
                } else {
                    let floor = median(floor);
                    format!("{} | {:.2}", milliseconds(floor), ours.as_secs_f64() / floor.as_secs_f64())
                };
                println!(
                    "| {kind:?} | {n} | {what} | {} | {} | {ratio:.2} | {floor} |",
                    milliseconds(ours),
                    milliseconds(theirs)
                );
            }
            peak_ours.sort_unstable();
            peak_theirs.sort_unstable();
            let (ours, theirs) = (peak_ours[peak_ours.len() / 2], peak_theirs[peak_theirs.len() / 2]);
            let megabytes = |bytes: usize| bytes as f64 / 1_000_000.0;
            println!(
                "| {kind:?} | {n} | peak heap, cold upgrade | {:.2} MB | {:.2} MB | {:+.2} MB | – | – |",
                megabytes(ours),
                megabytes(theirs),
                megabytes(ours) - megabytes(theirs)
            );
        }
    }
}

/// The statements of the floor: the version tables created (for an upgrade), then each step's
/// SQL and bookkeeping wrapped as migrate wraps them in `mode` on `kind`'s database (MySQL's DDL
/// commits as it runs, so there the bookkeeping has a transaction of its own).
fn floor_statements(kind: Kind, n: usize, mode: TransactionMode, upgrade: bool) -> Vec<String> {
    let (identity, written_at) = match kind {
        Kind::MySql => (
            "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
        ),
        _ => ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "TIMESTAMPTZ NOT NULL DEFAULT now()"),
    };
    let transactional_ddl = kind != Kind::MySql;
    let whole_run = mode == TransactionMode::WholeRun;
    let mut statements = Vec::new();
    if upgrade {
        statements
            .push("CREATE TABLE floor_version (version_num VARCHAR(255) NOT NULL PRIMARY KEY)".to_owned());
        statements.push(format!(
            "CREATE TABLE floor_log (id {identity}, revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, \
             checksum VARCHAR(64) NOT NULL, applied_at {written_at}, duration_ms BIGINT NOT NULL)"
        ));
    }
    if whole_run {
        statements.push("BEGIN".to_owned());
    }
    let steps: Vec<usize> = if upgrade { (0..n).collect() } else { (0..n).rev().collect() };
    for i in steps {
        let (sql, before, after, direction) = if upgrade {
            (chain::create_sql(i), i.checked_sub(1), Some(i), "upgrade")
        } else {
            (chain::drop_sql(i), Some(i), i.checked_sub(1), "downgrade")
        };
        if !whole_run {
            statements.push("BEGIN".to_owned());
        }
        statements.push(sql);
        if !transactional_ddl {
            statements.push("BEGIN".to_owned());
        }
        statements.push(match (before, after) {
            (Some(old), Some(new)) => {
                format!("UPDATE floor_version SET version_num = 'r{new:04}' WHERE version_num = 'r{old:04}'")
            }
            (None, Some(new)) => format!("INSERT INTO floor_version (version_num) VALUES ('r{new:04}')"),
            (Some(old), None) => format!("DELETE FROM floor_version WHERE version_num = 'r{old:04}'"),
            (None, None) => unreachable!("a step moves a head"),
        });
        statements.push(format!(
            "INSERT INTO floor_log (revision, direction, checksum, duration_ms) VALUES ('r{i:04}', '{direction}', '{:064}', 0)",
            i
        ));
        if !whole_run || !transactional_ddl {
            statements.push("COMMIT".to_owned());
        }
    }
    if whole_run {
        statements.push("COMMIT".to_owned());
    }
    statements
}

/// Runs `statements` one by one on one connection of `pool`.
async fn floor(pool: &DatabasePool, statements: &[String]) {
    macro_rules! run_all {
        ($pool:expr) => {{
            let mut connection = $pool.acquire().await.unwrap_or_else(|e| panic!("{e}"));
            for statement in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                    .execute(&mut *connection)
                    .await
                    .unwrap_or_else(|e| panic!("{statement}: {e}"));
            }
        }};
    }
    match pool {
        DatabasePool::Sqlite(pool) => run_all!(pool),
        DatabasePool::Postgres(pool) => run_all!(pool),
        DatabasePool::MySql(pool) => run_all!(pool),
        _ => unreachable!("the benches build with every database"),
    }
}

/// The bench's allocator: the system's, counting the heap held, and the most held at once since
/// the last reset.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    static HELD: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    struct Counting;

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    fn grew(size: usize) {
        let held = HELD.fetch_add(size, Ordering::Relaxed) + size;
        PEAK.fetch_max(held, Ordering::Relaxed);
    }

    // SAFETY: every call is passed on to the system allocator unchanged; only counters are kept.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's guarantees for `layout` are the system allocator's.
            let pointer = unsafe { System.alloc(layout) };
            if !pointer.is_null() {
                grew(layout.size());
            }
            pointer
        }

        unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
            // SAFETY: `pointer` was allocated by `alloc` above with `layout`.
            unsafe { System.dealloc(pointer, layout) };
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        }

        unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: the caller's guarantees for `pointer`, `layout` and `new_size` are the system's.
            let moved = unsafe { System.realloc(pointer, layout, new_size) };
            if !moved.is_null() {
                HELD.fetch_sub(layout.size(), Ordering::Relaxed);
                grew(new_size);
            }
            moved
        }
    }

    /// Starts a new peak at what is held now, and returns that.
    pub fn reset_peak() -> usize {
        let held = HELD.load(Ordering::Relaxed);
        PEAK.store(held, Ordering::Relaxed);
        held
    }

    /// The most held at once since the last reset.
    pub fn peak() -> usize {
        PEAK.load(Ordering::Relaxed)
    }
}

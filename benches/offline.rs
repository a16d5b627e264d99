//! Offline rendering (`upgrade head --sql`) of N migrations, each creating a table (id, name,
//! created_at) and an index, for PostgreSQL, against Alembic's `upgrade head --sql` on the same
//! schema changes in the same run. `cargo bench --bench offline`; the Alembic column needs a Python
//! with Alembic (`MIGRATE_BENCH_PYTHON`, else `target/alembic-venv/bin/python`; make it with
//! `python3 -m venv target/alembic-venv && target/alembic-venv/bin/pip install alembic`).

#[allow(dead_code, reason = "the bench uses only the chain and its medians")]
mod chain;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use migrate::{Migrator, Operations, Type};

const N: usize = 1000;
const RUNS: usize = 21;

fn create<const I: usize>(op: &mut Operations) {
    let table = format!("bench_{I}");
    op.create_table(table.as_str(), |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("name", Type::Varchar(100)).not_null();
        t.column("created_at", Type::Timestamp { with_time_zone: true });
    });
    op.create_index(format!("bench_{I}_name"), table, ["name"]);
}

static FUNCTIONS: [fn(&mut Operations); N] = seq_macro::seq!(I in 0..1000 { [#(create::<I>,)*] });

fn alembic() -> Result<f64, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let python = std::env::var_os("MIGRATE_BENCH_PYTHON")
        .map_or_else(|| target.join("alembic-venv/bin/python"), PathBuf::from);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/offline_alembic.py");
    let output = Command::new(&python)
        .arg(script)
        .args([N.to_string(), "3".to_owned()])
        .output()
        .map_err(|error| format!("{}: {error}", python.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|error| format!("{error}"))
}

fn main() {
    let migrator = Migrator::new(chain::chain(&FUNCTIONS, N)).unwrap_or_else(|e| panic!("{e}"));
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let sql =
                migrator.upgrade_sql(migrate::Database::Postgres, "head").unwrap_or_else(|e| panic!("{e}"));
            let elapsed = started.elapsed();
            assert_eq!(sql.matches("CREATE TABLE \"bench_").count(), N);
            elapsed
        })
        .collect();
    times.sort();
    let ours = times[RUNS / 2].as_secs_f64();
    println!("| N | migrate upgrade_sql | Alembic upgrade --sql | Alembic / migrate |");
    println!("|---:|---:|---:|---:|");
    match alembic() {
        Ok(theirs) => {
            println!("| {N} | {:.2} ms | {:.0} ms | {:.0} |", ours * 1000.0, theirs * 1000.0, theirs / ours)
        }
        Err(reason) => {
            eprintln!("Alembic not run: {reason}");
            println!("| {N} | {:.2} ms | - | - |", ours * 1000.0);
        }
    }
}

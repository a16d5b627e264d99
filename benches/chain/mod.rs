//! A chain of migrations for the benches, built as `#[migration]` would register them: revision
//! `r0000` first, each following the one before, one function each (through the hidden items the
//! attribute expands to, since the bench makes its chains at run time); the same chain as sqlx
//! migration files; and the medians the benches report.

use std::time::Duration;

use migrate::__private::{Declaration, Downgrade, MigrationFn};
use migrate::{DatabasePool, Migration, Operations};

/// The most migrations a bench chains.
pub const LARGEST: usize = 1000;

/// The SQL of the chain's `I`-th migration.
pub fn create_sql(i: usize) -> String {
    format!("CREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100))")
}

fn create<const I: usize>(op: &mut Operations) {
    op.execute(create_sql(I));
}

/// The SQL that reverts the chain's `I`-th migration.
pub fn drop_sql(i: usize) -> String {
    format!("DROP TABLE bench_{i}")
}

fn drop<const I: usize>(op: &mut Operations) {
    op.execute(drop_sql(I));
}

/// One CREATE TABLE per migration, as functions for [`chain`].
pub static CREATE_TABLE: [fn(&mut Operations); LARGEST] =
    seq_macro::seq!(I in 0..1000 { [#(create::<I>,)*] });

/// The DROP TABLE that reverts each of [`CREATE_TABLE`], as functions for [`reversible_chain`].
pub static DROP_TABLE: [fn(&mut Operations); LARGEST] = seq_macro::seq!(I in 0..1000 { [#(drop::<I>,)*] });

/// The first `n` of [`CREATE_TABLE`] as sqlx migration files, in a folder that is removed again.
pub async fn sqlx_migrator(n: usize) -> sqlx::migrate::Migrator {
    let folder = std::env::temp_dir().join(format!("migrate_bench_sqlx_{}_{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..n {
        std::fs::write(folder.join(format!("{:04}_create.sql", i + 1)), format!("{};\n", create_sql(i)))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let migrator = sqlx::migrate::Migrator::new(folder.clone()).await.unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&folder);
    migrator
}

/// The first `n` of [`CREATE_TABLE`] as reversible sqlx migration files (`.up.sql` and
/// `.down.sql`, the down file [`DROP_TABLE`]'s SQL), in a folder that is removed again.
pub async fn sqlx_reversible_migrator(n: usize) -> sqlx::migrate::Migrator {
    let folder =
        std::env::temp_dir().join(format!("migrate_bench_sqlx_reversible_{}_{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    for i in 0..n {
        std::fs::write(folder.join(format!("{:04}_create.up.sql", i + 1)), format!("{};\n", create_sql(i)))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(folder.join(format!("{:04}_create.down.sql", i + 1)), format!("{};\n", drop_sql(i)))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let migrator = sqlx::migrate::Migrator::new(folder.clone()).await.unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&folder);
    migrator
}

/// Reverts every migration of sqlx's `migrator` on `pool`'s database (`undo` to version 0).
pub async fn undo_sqlx(migrator: &sqlx::migrate::Migrator, pool: &DatabasePool) {
    let outcome = match pool {
        DatabasePool::Sqlite(pool) => migrator.undo(pool, 0).await,
        DatabasePool::Postgres(pool) => migrator.undo(pool, 0).await,
        DatabasePool::MySql(pool) => migrator.undo(pool, 0).await,
        _ => unreachable!("the benches build with every database"),
    };
    outcome.unwrap_or_else(|e| panic!("{e}"));
}

/// Runs sqlx's `migrator` on `pool`'s database.
pub async fn run_sqlx(migrator: &sqlx::migrate::Migrator, pool: &DatabasePool) {
    let outcome = match pool {
        DatabasePool::Sqlite(pool) => migrator.run(pool).await,
        DatabasePool::Postgres(pool) => migrator.run(pool).await,
        DatabasePool::MySql(pool) => migrator.run(pool).await,
        _ => unreachable!("the benches build with every database"),
    };
    outcome.unwrap_or_else(|e| panic!("{e}"));
}

/// The median of `times`.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// `12.34 ms`.
pub fn milliseconds(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The first `n` functions as a chain of migrations.
pub fn chain(functions: &[fn(&mut Operations)], n: usize) -> Vec<&'static Migration> {
    salted_chain(functions, n, 0)
}

/// The first `n` functions as a chain of migrations, each reverted by the same place of
/// `downgrades`.
pub fn reversible_chain(
    functions: &[fn(&mut Operations)],
    downgrades: &[fn(&mut Operations)],
    n: usize,
) -> Vec<&'static Migration> {
    build_chain(functions, Some(downgrades), n, 0)
}

/// The same chain with checksums of its own for each `salt`: the same migrations as another
/// program would see them after editing them all.
pub fn salted_chain(functions: &[fn(&mut Operations)], n: usize, salt: u32) -> Vec<&'static Migration> {
    build_chain(functions, None, n, salt)
}

/// The first `n` functions as a chain, reverted by `downgrades` when given (irreversible
/// otherwise), with checksums of their own for each `salt`.
fn build_chain(
    functions: &[fn(&mut Operations)],
    downgrades: Option<&[fn(&mut Operations)]>,
    n: usize,
    salt: u32,
) -> Vec<&'static Migration> {
    functions[..n]
        .iter()
        .enumerate()
        .map(|(i, &function)| {
            let down = if i == 0 { None } else { Some(format!("r{:04}", i - 1)) };
            let declaration = Declaration {
                revision: &format!("r{i:04}"),
                down_revisions: &Vec::from_iter(down.as_deref()),
                message: "create a table",
                checksum: &format!("{salt:08}{i:056}"),
                function: "create",
                ..Declaration::default()
            };
            &*Box::leak(Box::new(Migration {
                declaration: leak(declaration.encode_at("bench", file!(), line!())),
                upgrade: MigrationFn::Sync(function),
                downgrade: match downgrades {
                    Some(downgrades) => Downgrade::Function(MigrationFn::Sync(downgrades[i])),
                    None => Downgrade::Irreversible,
                },
                transactional: true,
            }))
        })
        .collect()
}

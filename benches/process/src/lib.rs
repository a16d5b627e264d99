//! The whole-process benchmark (`cargo bench -p bench-process --bench process`): the same
//! migrations run by migrate, by sqlx's `Migrator` and by the database's own client, each as a
//! process of its own, timed with their peak memory. This library holds what the binaries and the
//! driver share: the migrations ([`shape`]) and the `main` of the migrate binaries.

pub mod shape;

use std::error::Error;

use migrate::{Database, DatabasePool, Migrator, TransactionMode};

/// The `main` of a migrate binary, whose migrations are compiled in with `#[migration]`:
/// `upgrade URL [whole-run]` (to the heads), `downgrade URL [whole-run]` (to base), or
/// `sql URL FILE` (the offline SQL of an upgrade from nothing to the heads, for the URL's
/// database, written to FILE without connecting).
pub async fn migrate_main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [command, url, rest @ ..] = args.as_slice() else {
        return Err("usage: upgrade|downgrade URL [whole-run], or sql URL FILE".into());
    };
    let mode = match rest {
        [] => TransactionMode::PerMigration,
        [mode] if mode == "whole-run" => TransactionMode::WholeRun,
        _ if command == "sql" => TransactionMode::PerMigration,
        _ => return Err(format!("unexpected arguments {rest:?}").into()),
    };
    let migrator = Migrator::from_registry()?.transaction_mode(mode);
    match (command.as_str(), rest) {
        ("sql", [file]) => std::fs::write(file, migrator.upgrade_sql(Database::from_url(url)?, "heads")?)?,
        ("upgrade" | "downgrade", _) => {
            let pool = DatabasePool::connect(url).await?;
            let outcome = if command == "upgrade" {
                migrator.upgrade(&pool, "heads").await
            } else {
                migrator.downgrade(&pool, "base").await
            };
            pool.close().await;
            outcome?;
        }
        _ => return Err(format!("unknown command {command:?} (upgrade, downgrade or sql)").into()),
    }
    Ok(())
}

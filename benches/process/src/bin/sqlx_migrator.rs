//! sqlx's own `Migrator` on a folder of `.up.sql` / `.down.sql` files: `upgrade URL FOLDER` runs
//! them all (`Migrator::run`), `downgrade URL FOLDER` reverts them all (`Migrator::undo(.., 0)`).

use std::error::Error;
use std::path::Path;

use sqlx::migrate::{Migrate, Migrator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [command, url, folder] = args.as_slice() else {
        return Err("usage: upgrade|downgrade URL FOLDER".into());
    };
    let upgrade = match command.as_str() {
        "upgrade" => true,
        "downgrade" => false,
        _ => return Err(format!("unknown command {command:?} (upgrade or downgrade)").into()),
    };
    let migrator = Migrator::new(Path::new(folder)).await?;
    match url.split_once(':').map(|(scheme, _)| scheme) {
        Some("sqlite") => run::<sqlx::Sqlite>(&migrator, url, upgrade).await,
        Some("postgres" | "postgresql") => run::<sqlx::Postgres>(&migrator, url, upgrade).await,
        Some("mysql") => run::<sqlx::MySql>(&migrator, url, upgrade).await,
        _ => Err(format!("unsupported URL {url}").into()),
    }
}

async fn run<DB: sqlx::Database>(migrator: &Migrator, url: &str, upgrade: bool) -> Result<(), Box<dyn Error>>
where
    DB::Connection: Migrate,
{
    let pool = sqlx::Pool::<DB>::connect(url).await?;
    let outcome = if upgrade { migrator.run(&pool).await } else { migrator.undo(&pool, 0).await };
    pool.close().await;
    Ok(outcome?)
}

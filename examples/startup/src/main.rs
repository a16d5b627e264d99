//! A service's startup: connect, upgrade the database to head in one line, then serve. Start
//! several copies at once and each migration still runs exactly once: the others wait for the
//! run lock, or find the database at head without taking it.
//!
//! `DATABASE_URL` chooses the database (default: `startup.db` in the current folder). The
//! migrator logs through `tracing`; this app prints those logs on stderr.

mod migrations;

#[tokio::main]
async fn main() -> Result<(), migrate::Error> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://startup.db?mode=rwc".to_owned());
    let pool = sqlx::SqlitePool::connect(&url).await?;

    migrate::upgrade_to_head(&pool).await?;

    // Serving, reduced to one query that needs the schema the migrations built.
    let (users, domains): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT domain) FROM accounts").fetch_one(&pool).await?;
    println!("serving {users} accounts from {domains} domains");
    pool.close().await;
    Ok(())
}

//! The quick-start app: upgrades its SQLite database to the newest revision at startup, then shows
//! the history newest first, like `alembic history`, marking where the database is.
//!
//! `DATABASE_URL` chooses the database (default: `quickstart.db` in the current folder); run it
//! twice and the second run has nothing to apply. `--sql [range]` prints the SQL of the upgrade
//! for that database instead (`head` from an empty database, or `start:target`), without
//! connecting, like `alembic upgrade head --sql`.

mod migrations;

use migrate::{DatabasePool, Migrator};

#[tokio::main]
async fn main() -> Result<(), migrate::Error> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://quickstart.db?mode=rwc".to_owned());
    let migrator = Migrator::from_registry()?;
    let mut arguments = std::env::args().skip(1);
    if arguments.next().as_deref() == Some("--sql") {
        let range = arguments.next().unwrap_or_else(|| "head".to_owned());
        let database = migrate::Database::from_url(&url)?;
        print!("{}", migrator.upgrade_sql(database, &range)?);
        return Ok(());
    }
    let pool = DatabasePool::connect(&url).await?;

    let report = migrator.upgrade(&pool, "head").await?;
    if report.applied.is_empty() {
        println!("{url}: already at {}", report.heads.join(", "));
    }
    for applied in &report.applied {
        println!("applied {} in {:?}", applied.revision, applied.duration);
    }

    println!("\nhistory:");
    let current = migrator.current(&pool).await?;
    for revision in migrator.graph().history("base:heads", &current)? {
        let parents = match revision.down_revisions() {
            [] => "<base>".to_owned(),
            parents => parents.join(", "),
        };
        let mut tags = Vec::new();
        if revision.is_head() {
            tags.push("head");
        }
        if revision.is_merge_point() {
            tags.push("mergepoint");
        }
        if revision.is_branch_point() {
            tags.push("branchpoint");
        }
        if current.iter().any(|head| head == revision.id()) {
            tags.push("current");
        }
        let tags = if tags.is_empty() { String::new() } else { format!(" ({})", tags.join(", ")) };
        println!("{parents} -> {}{tags}, {}", revision.id(), revision.message());
    }
    pool.close().await;
    Ok(())
}

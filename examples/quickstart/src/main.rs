//! The quick-start app: its migrations (in `migrations.rs`) and migrate's command line.
//!
//! `cargo run -p quickstart` upgrades its SQLite database (`quickstart.db`, or `DATABASE_URL`) and
//! shows the history; `cargo run -p quickstart -- <command>` runs any command: `history`,
//! `current`, `downgrade -1`, `upgrade head --sql`, ... (`--help` lists them).

use std::process::ExitCode;

// The migrations are in the library; this line links them into the binary.
use quickstart as _;

#[tokio::main]
async fn main() -> ExitCode {
    let mut words: Vec<String> = std::env::args().collect();
    let url_set = ["MIGRATE_DATABASE_URL", "DATABASE_URL"].iter().any(|name| std::env::var(name).is_ok());
    if !url_set {
        words.splice(1..1, ["--url".to_owned(), "sqlite://quickstart.db?mode=rwc".to_owned()]);
    }
    if words.len() > if url_set { 1 } else { 3 } {
        return migrate::cli::run_args(words).await;
    }
    // No command: what a newcomer's first run shows.
    let upgraded =
        migrate::cli::run_args(words.iter().cloned().chain(["upgrade".into(), "head".into()])).await;
    if upgraded != ExitCode::SUCCESS {
        return upgraded;
    }
    println!();
    migrate::cli::run_args(words.into_iter().chain(["history".into(), "--indicate-current".into()])).await
}

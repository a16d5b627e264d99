//! The app the reliability scripts (`tests/reliability/`) drive: 50 migrations (in
//! `migrations.rs`) and migrate's command line, `reliability <command>` (`upgrade head`, `current`,
//! ...; `DATABASE_URL` names the database).
//!
//! Two additions for the scripts:
//!
//! - `reliability ancestors` prints one line per revision: the revision, then every revision that
//!   must be applied before it (its `down_revision`s and `depends_on`, and theirs), so that a script
//!   can tell from a version table's heads which migrations it says are applied;
//! - `RELIABILITY_KILL_AT="<event message>:<n>"` (e.g. `statement ran:17`) makes the process send
//!   itself SIGKILL at the `n`th `tracing` event with that message, so that a kill lands exactly
//!   at a named moment of a run (see [`kill`]). A process that ends before it says on standard
//!   error how many such events it saw: `RELIABILITY_KILL_AT: no kill; <k> such events`.

mod kill;
mod migrations;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use migrate::Migration;

#[tokio::main]
async fn main() -> ExitCode {
    let words: Vec<String> = std::env::args().collect();
    if words.get(1).map(String::as_str) == Some("ancestors") {
        print_ancestors();
        return ExitCode::SUCCESS;
    }
    let seen = match std::env::var("RELIABILITY_KILL_AT") {
        Ok(at) => match kill::install(&at) {
            Ok(seen) => Some(seen),
            Err(message) => {
                eprintln!("error: RELIABILITY_KILL_AT: {message}");
                return ExitCode::from(2);
            }
        },
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            eprintln!("error: RELIABILITY_KILL_AT isn't UTF-8");
            return ExitCode::from(2);
        }
    };
    let ended = migrate::cli::run_args(words).await;
    if let Some(seen) = seen {
        // The kill didn't land: how many of the events came, so a script can choose a moment
        // that exists.
        eprintln!("RELIABILITY_KILL_AT: no kill; {} such events", seen.load(Ordering::SeqCst));
    }
    ended
}

/// Prints each registered revision followed by all the revisions it needs applied first.
fn print_ancestors() {
    let migrations = Migration::registered();
    let needs = |revision: &str| -> Vec<&'static str> {
        migrations
            .iter()
            .find(|migration| migration.revision() == revision)
            .map(|migration| {
                migration.down_revisions().iter().chain(migration.depends_on()).copied().collect()
            })
            .unwrap_or_default()
    };
    let mut out = std::io::stdout().lock();
    for migration in &migrations {
        let mut seen = BTreeSet::new();
        let mut to_visit = needs(migration.revision());
        while let Some(revision) = to_visit.pop() {
            if seen.insert(revision) {
                to_visit.extend(needs(revision));
            }
        }
        let ancestors: Vec<&str> = seen.into_iter().collect();
        // A reader that stops early (`head`) is no error.
        if writeln!(out, "{} {}", migration.revision(), ancestors.join(" ")).is_err() {
            return;
        }
    }
}

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
//!   at a named moment of a run (see [`moment`]); `RELIABILITY_PAUSE_AT="<event message>:<n>"`
//!   blocks the run there for `RELIABILITY_PAUSE_MS` milliseconds (default 5,000), after saying
//!   `RELIABILITY: paused` on standard error, e.g. while a script restarts the database server. A
//!   process that isn't killed says on standard error how many such events it saw:
//!   `RELIABILITY: <k> such events in all`.

mod migrations;
mod moment;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migrate::Migration;

#[tokio::main]
async fn main() -> ExitCode {
    let words: Vec<String> = std::env::args().collect();
    if words.get(1).map(String::as_str) == Some("ancestors") {
        print_ancestors();
        return ExitCode::SUCCESS;
    }
    let seen = match watch() {
        Ok(seen) => seen,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let ended = migrate::cli::run_args(words).await;
    if let Some(seen) = seen {
        // How many of the events came, so a script can choose a moment that exists.
        eprintln!("RELIABILITY: {} such events in all", seen.load(Ordering::SeqCst));
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
            .map(|migration| migration.down_revisions().chain(migration.depends_on()).collect())
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

/// The moment `RELIABILITY_KILL_AT` or `RELIABILITY_PAUSE_AT` names, watched; none when neither is
/// set.
fn watch() -> Result<Option<Arc<AtomicU64>>, String> {
    let variable = |name: &str| match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{name} isn't UTF-8")),
    };
    let (at, action) = match (variable("RELIABILITY_KILL_AT")?, variable("RELIABILITY_PAUSE_AT")?) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err("set RELIABILITY_KILL_AT or RELIABILITY_PAUSE_AT, not both".to_owned());
        }
        (Some(at), None) => (at, moment::Action::Kill),
        (None, Some(at)) => {
            let milliseconds = match variable("RELIABILITY_PAUSE_MS")? {
                Some(text) => text
                    .parse()
                    .map_err(|_| format!("RELIABILITY_PAUSE_MS is '{text}', not a number of milliseconds"))?,
                None => 5_000,
            };
            (at, moment::Action::Pause(Duration::from_millis(milliseconds)))
        }
    };
    moment::install(&at, action).map(Some)
}

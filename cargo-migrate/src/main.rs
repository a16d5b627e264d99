//! `cargo migrate`: writes new migrations for an app that uses migrate, reading the graph from the
//! app's source files (with the `#[migration]` attribute's own parser) instead of building it, so
//! that it answers at once, even while the app doesn't compile.
//!
//! ```text
//! cargo migrate revision -m "add email"      # src/migrations/<id>_add_email.rs, down_revision = the head
//! cargo migrate merge -m "merge" heads       # a revision that joins every head
//! cargo migrate heads                        # the heads, as the app's own `heads` command prints them
//! ```
//!
//! Settings come from `migrate.toml` at the crate's root: `migrations` (the folder, default
//! `src/migrations`) and `template` (a file to write new migrations from).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use migrate_scaffold::{NewMerge, NewRevision, Project};

#[derive(Debug, Parser)]
#[command(bin_name = "cargo")]
enum Cargo {
    /// Scaffold migrations for an app that uses migrate
    Migrate(Migrate),
}

#[derive(Debug, Args)]
#[command(version)]
struct Migrate {
    /// The crate's root (the folder of its Cargo.toml) [default: found from the current folder]
    #[arg(long, global = true)]
    crate_root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a new migration that follows the head
    Revision(NewRevision),
    /// Write a revision that merges several (`heads`: every head)
    Merge(NewMerge),
    /// Show the heads, read from the source files
    Heads,
}

fn main() -> ExitCode {
    let Cargo::Migrate(migrate) = Cargo::parse();
    match run(migrate) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(migrate: Migrate) -> migrate_scaffold::Result<()> {
    let root = match migrate.crate_root {
        Some(root) => root,
        None => Project::find_root()?,
    };
    let project = Project::open(&root)?;
    match migrate.command {
        Command::Heads => {
            let graph = project.graph();
            for head in graph.heads() {
                let labels =
                    graph.revision(head).map(|revision| revision.branch_labels()).unwrap_or_default();
                let labels =
                    if labels.is_empty() { String::new() } else { format!(" ({})", labels.join(", ")) };
                println!("{head}{labels} (head)");
            }
        }
        Command::Revision(new) => written(&project.revision(&new)?),
        Command::Merge(merge) => written(&project.merge(&merge)?),
    }
    Ok(())
}

/// `Generating ... done` for what was written, then what is left to do.
fn written(written: &migrate_scaffold::Written) {
    println!("{written}");
    if let Some(to_do) = written.to_do() {
        println!("{to_do}");
    }
}

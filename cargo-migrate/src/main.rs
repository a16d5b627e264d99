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

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use migrate_core::RevisionGraph;
use serde::Deserialize;

use cargo_migrate::scaffold::{self, NewMigration};
use cargo_migrate::source;

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
    Revision {
        /// What the migration does: its doc comment and file name
        #[arg(short, long)]
        message: String,
        /// The revision to follow when there are several heads (`base` for a new base)
        #[arg(long, allow_hyphen_values = true)]
        head: Option<String>,
        /// Follow a revision that is not a head, starting a branch
        #[arg(long)]
        splice: bool,
        /// A branch label for the new revision
        #[arg(long = "branch-label")]
        branch_labels: Vec<String>,
        /// A revision or label on another branch that must be applied first
        #[arg(long = "depends-on")]
        depends_on: Vec<String>,
        /// The new revision's id [default: 12 random hexadecimal digits]
        #[arg(long)]
        rev_id: Option<String>,
    },
    /// Write a revision that merges several (`heads`: every head)
    Merge {
        #[arg(short, long)]
        message: String,
        #[arg(required = true)]
        revisions: Vec<String>,
        #[arg(long)]
        rev_id: Option<String>,
    },
    /// Show the heads, read from the source files
    Heads,
}

/// `migrate.toml`'s keys for scaffolding; the others are the app's.
#[derive(Debug, Default, Deserialize)]
struct Config {
    migrations: Option<PathBuf>,
    template: Option<PathBuf>,
}

fn main() -> ExitCode {
    let Cargo::Migrate(migrate) = Cargo::parse();
    match run(migrate) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(migrate: Migrate) -> Result<(), String> {
    let root = match migrate.crate_root {
        Some(root) => root,
        None => crate_root()?,
    };
    let config = read_config(&root)?;
    let (found, graph) = source::read(&root.join("src"))?;
    match migrate.command {
        Command::Heads => {
            for head in graph.heads() {
                let labels =
                    graph.revision(head).map(|revision| revision.branch_labels()).unwrap_or_default();
                let labels =
                    if labels.is_empty() { String::new() } else { format!(" ({})", labels.join(", ")) };
                println!("{head}{labels} (head)");
            }
            Ok(())
        }
        Command::Revision { message, head, splice, branch_labels, depends_on, rev_id } => {
            let down_revisions = parent(&graph, head.as_deref(), splice)?;
            let revision = new_id(&graph, rev_id)?;
            let new = NewMigration {
                revision: &revision,
                down_revisions: &down_revisions,
                branch_labels: &branch_labels,
                depends_on: &depends_on,
                message: &message,
            };
            write(&root, &config, &new, found.len())
        }
        Command::Merge { message, revisions, rev_id } => {
            let mut down_revisions = Vec::new();
            for target in &revisions {
                for id in graph.resolve(target, &[] as &[&str]).map_err(|error| error.to_string())? {
                    if !down_revisions.iter().any(|known: &String| known == id) {
                        down_revisions.push(id.to_owned());
                    }
                }
            }
            if down_revisions.len() < 2 {
                return Err(format!(
                    "a merge joins two revisions or more; {} name only {down_revisions:?}",
                    revisions.join(" ")
                ));
            }
            let revision = new_id(&graph, rev_id)?;
            let new = NewMigration {
                revision: &revision,
                down_revisions: &down_revisions,
                branch_labels: &[],
                depends_on: &[],
                message: &message,
            };
            write(&root, &config, &new, found.len())
        }
    }
}

/// The revision a new one follows: `--head`, or the one head.
fn parent(graph: &RevisionGraph, head: Option<&str>, splice: bool) -> Result<Vec<String>, String> {
    let heads = graph.heads();
    match head {
        Some("base") => Ok(Vec::new()),
        Some(target) => {
            let ids = graph.resolve(target, &[] as &[&str]).map_err(|error| error.to_string())?;
            let [id] = ids.as_slice() else {
                return Err(format!("--head {target} names several revisions: {}; name one", ids.join(", ")));
            };
            if !splice && !heads.contains(id) {
                return Err(format!(
                    "{id} is not a head (the heads are {}); pass --splice to start a branch from it",
                    heads.join(", ")
                ));
            }
            Ok(vec![(*id).to_owned()])
        }
        None => match heads.as_slice() {
            [] => Ok(Vec::new()),
            [one] => Ok(vec![(*one).to_owned()]),
            several => Err(format!(
                "there are several heads: {}; choose one with --head, or join them first with \
                 `cargo migrate merge -m \"...\" heads`",
                several.join(", ")
            )),
        },
    }
}

/// `--rev-id`, checked, or 12 random hexadecimal digits no revision has.
fn new_id(graph: &RevisionGraph, given: Option<String>) -> Result<String, String> {
    if let Some(id) = given {
        migrate_names::check(&id, migrate_names::Name::Revision)
            .map_err(|problem| format!("--rev-id '{id}' can't be used: {}", problem.reason()))?;
        if graph.revision(&id).is_some() {
            return Err(format!("revision '{id}' exists already"));
        }
        return Ok(id);
    }
    loop {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
        );
        let id = format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff);
        if graph.revision(&id).is_none() {
            return Ok(id);
        }
    }
}

fn write(root: &Path, config: &Config, new: &NewMigration<'_>, known: usize) -> Result<(), String> {
    let folder = root.join(config.migrations.clone().unwrap_or_else(|| PathBuf::from("src/migrations")));
    let template = match &config.template {
        Some(path) => {
            let path = root.join(path);
            std::fs::read_to_string(&path)
                .map_err(|error| format!("can't read the template {}: {error}", path.display()))?
        }
        None => scaffold::DEFAULT_TEMPLATE.to_owned(),
    };
    let file = scaffold::write(&folder, new, &template)?;
    let parents =
        if new.down_revisions.is_empty() { "<base>".to_owned() } else { new.down_revisions.join(", ") };
    println!(
        "Generating {} ... done ({parents} -> {}; {} migrations before it)",
        file.display(),
        new.revision,
        known
    );
    Ok(())
}

/// The folder of the nearest `Cargo.toml` at or above the current folder.
fn crate_root() -> Result<PathBuf, String> {
    let start = std::env::current_dir().map_err(|error| format!("can't read the current folder: {error}"))?;
    start
        .ancestors()
        .find(|folder| folder.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("no Cargo.toml in {} or above it; run in the app's crate", start.display()))
}

fn read_config(root: &Path) -> Result<Config, String> {
    #[derive(Deserialize)]
    struct File {
        #[serde(flatten)]
        config: Config,
        #[serde(flatten)]
        _app: toml::Table,
    }
    let path = root.join("migrate.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str::<File>(&text)
            .map(|file| file.config)
            .map_err(|error| format!("{}: {error}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(error) => Err(format!("can't read {}: {error}", path.display())),
    }
}

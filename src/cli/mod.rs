//! The command line: Alembic's commands, mounted in the app that holds the migrations (they are
//! compiled into it), as the whole `main` of a small binary or as a subcommand of the app's own
//! clap parser.
//!
//! ```no_run
//! // src/bin/migrate.rs: `cargo run --bin migrate -- upgrade head`
//! # mod app { }
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     migrate::cli::main().await
//! }
//! ```
//!
//! Exit codes: 0 done; 1 the command failed (the error is on standard error); 2 the command line
//! is wrong; 3 `current --check-heads` found the database not at every head, `check` found the
//! models and the database different, or `lint` found a dangerous migration.

mod config;
mod output;
mod project;
mod renames;

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use migrate_scaffold::{Body, NewMerge, NewRevision, NewSquash, Rebase};

use crate::{Database, DatabasePool, Error, Migrator, Repair, TransactionMode};
use config::{Settings, TransactionModeSetting};
use output::{Output, RunDisplay};

/// migrate's commands and the options they share: embed it in an app's parser as
/// `Migrate(migrate::cli::Cli)` and run it with [`Cli::run`].
#[derive(Debug, Args)]
pub struct Cli {
    #[command(flatten)]
    options: Options,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
struct Options {
    /// The database URL [default: MIGRATE_DATABASE_URL, DATABASE_URL, then migrate.toml]
    #[arg(long, global = true)]
    url: Option<String>,
    /// The configuration file [default: migrate.toml, if there is one]
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// The environment whose section of the configuration applies [default: MIGRATE_ENV]
    #[arg(long = "env", global = true)]
    environment: Option<String>,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: the database and settings a run uses and its plan; revisions in full
    #[arg(short, long, global = true)]
    verbose: bool,
    /// How to print results
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A database `lint` checks migrations for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LintDatabase {
    #[value(alias = "postgres", alias = "postgresql")]
    Pg,
    #[value(alias = "mariadb")]
    Mysql,
    Sqlite,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Lines like Alembic's.
    Text,
    /// One JSON document, for tools.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply migrations up to a target: head, heads, a revision, +N, label@head, ...
    Upgrade {
        #[arg(default_value = "head", allow_hyphen_values = true)]
        target: String,
        /// Print the SQL instead of running it; the target may be START:END
        #[arg(long)]
        sql: bool,
        /// With --sql: write the SQL to this file instead of standard output
        #[arg(short, long, requires = "sql")]
        output: Option<PathBuf>,
        /// Accept the edited code of applied migrations, recording their new checksums, instead
        /// of refusing to run (for a harmless edit; otherwise write a new migration)
        #[arg(long, conflicts_with = "sql")]
        repair_checksums: bool,
    },
    /// Revert migrations down to a target: base, a revision, -N, label@base, ...
    Downgrade {
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Print the SQL instead of running it; the target must be START:END
        #[arg(long)]
        sql: bool,
        /// With --sql: write the SQL to this file instead of standard output
        #[arg(short, long, requires = "sql")]
        output: Option<PathBuf>,
    },
    /// Record a target in the version table without running anything
    Stamp {
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Replace whatever the version table holds, even revisions this program doesn't know
        #[arg(long)]
        purge: bool,
        /// Print the SQL instead of running it; the target may be START:END
        #[arg(long, conflicts_with = "purge")]
        sql: bool,
        /// With --sql: write the SQL to this file instead of standard output
        #[arg(short, long, requires = "sql")]
        output: Option<PathBuf>,
    },
    /// Show the revisions the database is at
    Current {
        /// Exit with 3 when the database is not at every head (for deploy scripts)
        #[arg(long)]
        check_heads: bool,
    },
    /// List revisions, newest first
    History {
        /// A range, as `base:head`, `-3:current`, `ae10:`
        #[arg(short = 'r', long = "rev-range", default_value = "base:heads", allow_hyphen_values = true)]
        range: String,
        /// Mark the revisions the database is at (connects to it)
        #[arg(short, long)]
        indicate_current: bool,
    },
    /// Show the heads of the graph
    Heads,
    /// Show the branch points of the graph
    Branches,
    /// Show one revision
    Show {
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Create the version tables if they are missing
    EnsureVersion,
    /// Show a migration that stopped part way (MySQL's DDL, `transaction = false`), and settle it
    Repair {
        /// It was finished by hand: record it as applied
        #[arg(long, group = "settle")]
        mark_applied: bool,
        /// Revert what it did (the inverse of each of its operations done), back to the revision before
        #[arg(long, group = "settle")]
        undo: bool,
        /// It was reverted by hand: forget it, so the next run runs it from its beginning
        #[arg(long, group = "settle")]
        forget: bool,
    },
    /// Write a new migration that follows the head, into the crate's migrations folder
    Revision {
        #[command(flatten)]
        new: NewRevision,
        /// Write the operations that make the database (at the heads) match the models
        #[arg(long)]
        autogenerate: bool,
    },
    /// Compare the models with the database (at the heads); exit 3 and list what differs
    Check,
    /// Write one revision that replaces a line of them (`A:B`), for new databases to run
    Squash(NewSquash),
    /// Find the migrations that would lock busy tables or lose data; exit 3 when any is found
    Lint {
        /// The databases to lint for [default: the configured database's kind, else all three]
        #[arg(long = "database", value_enum)]
        databases: Vec<LintDatabase>,
        /// Lint only the revisions after this one [default: migrate.toml's `lint_since`]
        #[arg(long, allow_hyphen_values = true)]
        since: Option<String>,
    },
    /// Write a revision that merges several (`heads`: every head)
    Merge(NewMerge),
    /// Move a branch onto another head, so history stays linear (refused where it is applied)
    Rebase {
        #[command(flatten)]
        rebase: Rebase,
        /// Don't check this environment's database (one that can't be reached from here)
        #[arg(long = "skip-env")]
        skip_environments: Vec<String>,
    },
}

/// The whole command line of a migrations binary.
#[derive(Debug, Parser)]
#[command(about = "Move the database through the app's migrations", version)]
struct Main {
    #[command(flatten)]
    cli: Cli,
}

/// The command line of the process: the whole `main` of a migrations binary.
pub async fn main() -> ExitCode {
    Main::parse().cli.run().await
}

/// A command line given as words (the first is the program's name), run as [`main`] runs the
/// process's: for an app that runs a command of its own accord.
pub async fn run_args<I, T>(words: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match Main::try_parse_from(words) {
        Ok(main) => main.cli.run().await,
        Err(error) => {
            let _ = error.print();
            ExitCode::from(2)
        }
    }
}

/// What a command ends with, besides an error.
enum Ending {
    Done,
    /// `current --check-heads`, `check` or `lint` found something (exit code 3).
    Differs,
}

impl Cli {
    /// Runs the command; errors go to standard error, and the exit code says how it ended.
    pub async fn run(self) -> ExitCode {
        let mut output = Output::new(self.options.format, self.options.quiet);
        match self.execute(&mut output).await {
            Ok(Ending::Done) => ExitCode::SUCCESS,
            Ok(Ending::Differs) => ExitCode::from(3),
            Err(message) => {
                let style = if std::io::stderr().is_terminal() {
                    clap::builder::styling::AnsiColor::Red.on_default().bold()
                } else {
                    clap::builder::styling::Style::new()
                };
                let _ = writeln!(std::io::stderr(), "{style}error:{style:#} {message}");
                ExitCode::FAILURE
            }
        }
    }

    async fn execute(self, output: &mut Output) -> Result<Ending, String> {
        let Cli { options, command } = self;
        let environment = options.environment.clone().or_else(|| std::env::var("MIGRATE_ENV").ok());
        let config = options.config.clone().unwrap_or_else(|| PathBuf::from("migrate.toml"));
        let settings = Settings::read(&config, environment.as_deref(), options.config.is_some())?;
        let mut migrator = migrator(&settings).map_err(|error| error.to_string())?;
        if let Command::Upgrade { repair_checksums: true, .. } = &command {
            migrator = migrator.repair_checksums(true);
        }
        // A build that registers no migration, run for anything but writing one: most likely
        // the crate doesn't declare the module that holds them.
        if migrator.graph().is_empty()
            && !options.quiet
            && !matches!(command, Command::Revision { .. } | Command::Merge(_))
        {
            let _ = writeln!(
                std::io::stderr(),
                "warning: this program registers no migration; if the crate has some, declare the module that holds them (`mod migrations;`)"
            );
        }
        let display = RunDisplay::new(std::io::stdout().is_terminal(), options.verbose);
        if options.format == Format::Text && !options.quiet {
            migrator = display.attach(migrator);
        }
        let session =
            Session { options: &options, config: &config, settings: &settings, migrator: &migrator };
        let ending = session.execute(command, output).await;
        display.finish();
        ending
    }
}

/// A command's context: the options, the settings and the migrator.
struct Session<'a> {
    options: &'a Options,
    config: &'a std::path::Path,
    settings: &'a Settings,
    migrator: &'a Migrator,
}

impl Session<'_> {
    async fn execute(&self, command: Command, output: &mut Output) -> Result<Ending, String> {
        let graph = self.migrator.graph();
        match command {
            Command::Upgrade { target, sql: true, output: file, .. } => {
                let sql = self.migrator.upgrade_sql(self.database()?, &target).map_err(text)?;
                write_sql(&sql, file.as_deref(), output)?;
            }
            Command::Downgrade { target, sql: true, output: file } => {
                let sql = self.migrator.downgrade_sql(self.database()?, &target).map_err(text)?;
                write_sql(&sql, file.as_deref(), output)?;
            }
            Command::Upgrade { target, .. } => {
                let pool = self.connect().await?;
                let report = self.migrator.upgrade(&pool, &target).await.map_err(text);
                pool.close().await;
                output.report(&report?);
            }
            Command::Downgrade { target, .. } => {
                let pool = self.connect().await?;
                let report = self.migrator.downgrade(&pool, &target).await.map_err(text);
                pool.close().await;
                output.report(&report?);
            }
            Command::Stamp { target, sql: true, output: file, .. } => {
                let sql = self.migrator.stamp_sql(self.database()?, &target).map_err(text)?;
                write_sql(&sql, file.as_deref(), output)?;
            }
            Command::Stamp { target, purge, .. } => {
                let pool = self.connect().await?;
                let report = self.migrator.stamp(&pool, &target, purge).await.map_err(text);
                pool.close().await;
                output.stamped(&report?.heads);
            }
            Command::Current { check_heads } => {
                let pool = self.connect().await?;
                let current = self.migrator.current(&pool).await.map_err(text);
                pool.close().await;
                let current = current?;
                output.current(graph, &current, self.options.verbose);
                let heads = graph.heads();
                if check_heads && !same_revisions(&heads, &current) {
                    output.not_at_heads(&current, &heads);
                    return Ok(Ending::Differs);
                }
            }
            Command::History { range, indicate_current } => {
                let current = if indicate_current || range.contains("current") {
                    let pool = self.connect().await?;
                    let current = self.migrator.current(&pool).await.map_err(text);
                    pool.close().await;
                    current?
                } else {
                    Vec::new()
                };
                let revisions = graph.history(&range, &current).map_err(text)?;
                output.history(graph, &revisions, &current, indicate_current, self.options.verbose);
            }
            Command::Heads => {
                let heads: Vec<_> =
                    graph.heads().into_iter().filter_map(|head| graph.revision(head)).collect();
                output.revisions(graph, &heads, self.options.verbose);
            }
            Command::Branches => {
                let points: Vec<_> =
                    graph.revisions().filter(|revision| revision.is_branch_point()).collect();
                output.branches(graph, &points, self.options.verbose);
            }
            Command::Show { revision } => {
                let ids = graph.resolve(&revision, &[] as &[&str]).map_err(text)?;
                match ids.as_slice() {
                    [id] => {
                        output.show(graph, graph.revision(id).ok_or_else(|| format!("no revision '{id}'"))?)
                    }
                    several => {
                        return Err(format!(
                            "'{revision}' names several revisions: {}; show one of them",
                            several.join(", ")
                        ));
                    }
                }
            }
            Command::EnsureVersion => {
                let pool = self.connect().await?;
                let current = self.migrator.current(&pool).await.map_err(text);
                pool.close().await;
                current?;
                output.line("the version tables are ready");
            }
            Command::Repair { mark_applied, undo, forget } => {
                let repair =
                    [(mark_applied, Repair::MarkApplied), (undo, Repair::Undo), (forget, Repair::Forget)]
                        .into_iter()
                        .find_map(|(chosen, repair)| chosen.then_some(repair));
                let pool = self.connect().await?;
                let half = match repair {
                    Some(repair) => self.migrator.repair(&pool, repair).await,
                    None => self.migrator.half_applied(&pool).await,
                }
                .map_err(text);
                pool.close().await;
                let half = half?;
                output.repair(half.as_ref(), repair);
                if repair.is_none() && half.is_some() {
                    return Ok(Ending::Differs);
                }
            }
            Command::Revision { new, autogenerate: false } => {
                output.written(&self.project()?.revision(&new).map_err(text)?)
            }
            Command::Revision { mut new, autogenerate: true } => {
                let project = self.project()?;
                self.check_build_is_current(&project)?;
                let comparison = self.compare_models().await?;
                let renames = renames::ask(comparison.possible_renames(), self.asks())?;
                let migration = comparison.migration(&renames);
                if migration.is_empty() {
                    output.line("No changes between the models and the database: nothing written");
                    return Ok(Ending::Done);
                }
                new.body = Some(Body {
                    upgrade: migration.render_upgrade(),
                    downgrade: Some(migration.render_downgrade()),
                    irreversible: false,
                });
                output.autogenerated(&project.revision(&new).map_err(text)?, &migration);
            }
            Command::Squash(squash) => {
                let project = self.project()?;
                self.check_build_is_current(&project)?;
                let range = project.squash_range(&squash.range).map_err(text)?;
                let body = project::squashed_body(self.migrator, &range)?;
                let (written, changed) = project.squash(&squash, &range, body).map_err(text)?;
                output.squashed(&written, &range, &changed);
            }
            Command::Lint { databases, since } => {
                let databases: Vec<Database> = if databases.is_empty() {
                    match self.database() {
                        Ok(database) => vec![database],
                        Err(_) => vec![Database::Postgres, Database::MySql, Database::Sqlite],
                    }
                } else {
                    databases
                        .into_iter()
                        .map(|database| match database {
                            LintDatabase::Pg => Database::Postgres,
                            LintDatabase::Mysql => Database::MySql,
                            LintDatabase::Sqlite => Database::Sqlite,
                        })
                        .collect()
                };
                let since = since.or_else(|| self.settings.lint_since.clone());
                let report = crate::lint(&crate::Migration::registered(), &databases, since.as_deref())
                    .map_err(text)?;
                output.lint(&report);
                if !report.is_clean() {
                    return Ok(Ending::Differs);
                }
            }
            Command::Check => {
                let migration = self.compare_models().await?.migration(&[]);
                output.pending(&migration);
                if !migration.is_empty() {
                    return Ok(Ending::Differs);
                }
            }
            Command::Merge(merge) => output.written(&self.project()?.merge(&merge).map_err(text)?),
            Command::Rebase { rebase, skip_environments } => {
                let project = self.project()?;
                let plan = project.rebase_plan(&rebase).map_err(text)?;
                self.refuse_applied(&project, &plan.moved, &skip_environments).await?;
                let files = project.rebase(&plan).map_err(text)?;
                let rebased = self.project()?;
                output.rebased(&plan, &files, &rebased.graph().heads());
            }
        }
        Ok(Ending::Done)
    }

    /// The database URL: `--url`, `MIGRATE_DATABASE_URL`, `DATABASE_URL`, then the configuration.
    fn url(&self) -> Result<String, String> {
        self.options
            .url
            .clone()
            .or_else(|| std::env::var("MIGRATE_DATABASE_URL").ok())
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .or_else(|| self.settings.database_url.clone())
            .ok_or_else(|| {
                format!(
                    "no database URL: pass --url, set MIGRATE_DATABASE_URL or DATABASE_URL, or write \
                     `database_url` in {}",
                    self.config.display()
                )
            })
    }

    fn database(&self) -> Result<Database, String> {
        Database::from_url(&self.url()?).map_err(text)
    }

    async fn connect(&self) -> Result<DatabasePool, String> {
        let url = self.url()?;
        if self.options.verbose {
            let database = Database::from_url(&url).map_err(text)?;
            let mode = match self.settings.transaction_mode {
                Some(TransactionModeSetting::WholeRun) => "one transaction for the run",
                _ => "a transaction per migration",
            };
            let _ = writeln!(
                std::io::stderr(),
                "Connecting to {database} at {}; version table {}{}; {mode}",
                crate::redact_url(&url),
                self.settings.schema.as_ref().map(|schema| format!("{schema}.")).unwrap_or_default(),
                self.settings.version_table.as_deref().unwrap_or("migrate_version"),
            );
        }
        DatabasePool::connect_within(&url, self.settings.connect_timeout()).await.map_err(text)
    }
}

/// The registered migrations, run as the settings say.
fn migrator(settings: &Settings) -> Result<Migrator, Error> {
    let mut migrator = Migrator::from_registry()?;
    if let Some(table) = &settings.version_table {
        migrator = migrator.version_table(table.clone());
    }
    if let Some(schema) = &settings.schema {
        migrator = migrator.schema(schema.clone());
    }
    if let Some(mode) = settings.transaction_mode {
        migrator = migrator.transaction_mode(match mode {
            TransactionModeSetting::PerMigration => TransactionMode::PerMigration,
            TransactionModeSetting::WholeRun => TransactionMode::WholeRun,
        });
    }
    if let Some(seconds) = settings.lock_timeout_seconds {
        migrator = migrator.lock_timeout(Duration::from_secs(seconds));
    }
    Ok(migrator)
}

fn write_sql(sql: &str, file: Option<&std::path::Path>, output: &mut Output) -> Result<(), String> {
    match file {
        Some(file) => {
            std::fs::write(file, sql).map_err(|error| format!("can't write {}: {error}", file.display()))
        }
        None => {
            output.raw(sql);
            Ok(())
        }
    }
}

/// Whether two lists name the same revisions, in any order.
fn same_revisions(a: &[&str], b: &[impl AsRef<str>]) -> bool {
    let mut a: Vec<&str> = a.to_vec();
    let mut b: Vec<&str> = b.iter().map(AsRef::as_ref).collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

fn text(error: impl std::fmt::Display) -> String {
    error.to_string()
}

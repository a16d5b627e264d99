//! The runner: moves a database to a target with a [`Migrator`], recording applied heads in the
//! version table.
//!
//! A run takes one connection and the database's run lock (PostgreSQL advisory lock, MySQL
//! `GET_LOCK`, SQLite's write lock), creates the version tables on first use, reconciles the
//! database with the program (unknown revisions, edited migrations) and only then runs the plan,
//! each migration in its own transaction by default.

mod apply;
mod connection;
mod offline;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::dialect::{Dialect, ForeignKeySwitch, RunLock, VersionTables};
use crate::error::{Error, MigrationFailure, Result};
use crate::graph::{Direction, Plan, Revision, RevisionGraph, Step};
use crate::ops::{Operation, Operations};
use crate::registry::{Downgrade, Migration, MigrationFn};

pub(crate) use connection::Wrapping;
pub use connection::{Connection, DatabasePool, MigratePool};

/// The layout of the version tables this release writes.
const LAYOUT: &str = "1";

/// How migrations are wrapped in transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionMode {
    /// One transaction per migration: a failure keeps the migrations before it.
    #[default]
    PerMigration,
    /// One transaction around the whole run: a failure reverts the whole run (where the database
    /// can roll back DDL).
    WholeRun,
}

/// One migration run (or stamped) by a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The revision id.
    pub revision: String,
    /// Applied or reverted.
    pub direction: Direction,
    /// How long it took.
    pub duration: Duration,
}

/// What a call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The migrations run, in order; empty when the database was already at the target.
    pub applied: Vec<Applied>,
    /// The heads the version table holds afterwards.
    pub heads: Vec<String>,
}

/// Moves databases through the revision graph of a set of migrations.
#[derive(Debug)]
pub struct Migrator {
    graph: RevisionGraph,
    migrations: HashMap<&'static str, &'static Migration>,
    version_table: String,
    schema: Option<String>,
    lock_timeout: Duration,
    transaction_mode: TransactionMode,
    repair_checksums: bool,
    allow_unknown_revisions: bool,
}

/// What a run does once it holds the lock.
enum Action<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp { target: &'a str, purge: bool },
    Current,
}

impl Migrator {
    /// A migrator over every migration registered with `#[migration]` in the program.
    pub fn from_registry() -> Result<Self> {
        Self::new(Migration::registered())
    }

    /// A migrator over the given migrations (for tests and tools).
    pub fn new(migrations: impl IntoIterator<Item = &'static Migration>) -> Result<Self> {
        let migrations: Vec<&'static Migration> = migrations.into_iter().collect();
        let graph = RevisionGraph::new(migrations.iter().map(|migration| migration.spec()))?;
        Ok(Self {
            graph,
            migrations: migrations.into_iter().map(|migration| (migration.revision, migration)).collect(),
            version_table: "migrate_version".to_owned(),
            schema: None,
            lock_timeout: Duration::from_secs(60),
            transaction_mode: TransactionMode::default(),
            repair_checksums: false,
            allow_unknown_revisions: false,
        })
    }

    /// The revision graph of the migrations.
    pub fn graph(&self) -> &RevisionGraph {
        &self.graph
    }

    /// Names the version table (default `migrate_version`); the log and layout tables take it
    /// as a prefix.
    pub fn version_table(mut self, name: impl Into<String>) -> Self {
        self.version_table = name.into();
        self
    }

    /// Puts the version tables in this schema (PostgreSQL) or database (MySQL).
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// How long a run waits for another run's lock before failing (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// One transaction per migration (default) or one for the whole run.
    pub fn transaction_mode(mut self, mode: TransactionMode) -> Self {
        self.transaction_mode = mode;
        self
    }

    /// Accepts applied migrations whose code changed since, recording their new checksums,
    /// instead of refusing to run.
    pub fn repair_checksums(mut self, repair: bool) -> Self {
        self.repair_checksums = repair;
        self
    }

    /// When the database is at a revision this program doesn't know (a newer build migrated it),
    /// log a warning and leave the database alone instead of failing: for rolling deploys.
    pub fn allow_unknown_revisions(mut self, allow: bool) -> Self {
        self.allow_unknown_revisions = allow;
        self
    }

    /// Applies what `target` needs (`head`, `heads`, a revision, `+1`, `label@head`, ...).
    pub async fn upgrade(&self, pool: &impl MigratePool, target: &str) -> Result<Report> {
        self.run(pool, Action::Upgrade(target)).await
    }

    /// Reverts down to `target` (`base`, a revision, `-1`, `label@base`, ...).
    pub async fn downgrade(&self, pool: &impl MigratePool, target: &str) -> Result<Report> {
        self.run(pool, Action::Downgrade(target)).await
    }

    /// Records `target` in the version table without running anything; with `purge`, replaces
    /// whatever the table held, even revisions this program doesn't know.
    pub async fn stamp(&self, pool: &impl MigratePool, target: &str, purge: bool) -> Result<Report> {
        self.run(pool, Action::Stamp { target, purge }).await
    }

    /// The heads the database is at. A read: it doesn't wait for a run in progress.
    pub async fn current(&self, pool: &impl MigratePool) -> Result<Vec<String>> {
        let mut connection = pool.migrate_connection().await?;
        let tables = connection.dialect().version_tables(self.schema.as_deref(), &self.version_table);
        let Ok(heads) = read_heads(&mut connection, &tables).await else {
            // No version table yet (or a read error): the locked path creates it or says why.
            drop(connection);
            return Ok(self.run(pool, Action::Current).await?.heads);
        };
        match self.unknown_head(&heads) {
            Some(unknown) if !self.allow_unknown_revisions => {
                Err(Error::UnknownRevision { revision: unknown.clone() })
            }
            _ => Ok(heads),
        }
    }

    /// The revisions in a range (`base:head`, `-3:current`, `ae10:`), newest first, resolved
    /// against the database's current heads, as `alembic history -r` lists them.
    pub async fn history(&self, pool: &impl MigratePool, range: &str) -> Result<Vec<&Revision>> {
        let current = self.current(pool).await?;
        self.graph.history(range, &current)
    }

    async fn run(&self, pool: &impl MigratePool, action: Action<'_>) -> Result<Report> {
        let mut connection = pool.migrate_connection().await?;
        let dialect = connection.dialect();
        let tables = dialect.version_tables(self.schema.as_deref(), &self.version_table);
        let lock = dialect.run_lock(&self.version_table);
        if let Action::Upgrade(target) = action
            && let Some(report) = self.already_at(&mut connection, &tables, target).await
        {
            return Ok(report);
        }
        // SQLite's batch mode rebuilds tables, which keeps every row only with foreign keys
        // unenforced, and enforcement switches only outside a transaction: off for a run that
        // rebuilds a table, checked after each migration instead (SQLite's own recipe for table
        // changes). Other runs keep enforcement, and `ON DELETE` actions, as they are.
        let foreign_keys = match dialect.foreign_key_switch() {
            Some(_) if self.rebuilds_tables(&mut connection, &tables, &action).await => {
                apply::suspend_foreign_keys(&mut connection).await?
            }
            _ => None,
        };
        if let Err(error) = self.acquire(&mut connection, &lock).await {
            apply::restore_foreign_keys(&mut connection, foreign_keys).await;
            return Err(error);
        }
        let outcome = self.locked(&mut connection, dialect, &tables, &lock, action, foreign_keys).await;
        let released = match (&lock, &outcome) {
            (RunLock::Advisory { release, .. }, _) => connection.run_sql(release).await,
            (RunLock::WriteTransaction { .. }, Ok(_)) => connection.run_sql("COMMIT").await,
            // A failed step already ended the transaction (keeping what succeeded); anything
            // else failed before writing.
            (RunLock::WriteTransaction { .. }, Err(Error::MigrationFailed(_))) => Ok(()),
            (RunLock::WriteTransaction { .. }, Err(_)) => connection.run_sql("ROLLBACK").await,
        };
        apply::restore_foreign_keys(&mut connection, foreign_keys).await;
        let report = outcome?;
        released.map_err(|source| Error::Database { doing: "releasing the run lock".to_owned(), source })?;
        Ok(report)
    }

    /// Whether the run about to start rebuilds a table (SQLite's batch mode), judged from a read
    /// without the lock. Should another run change the database meanwhile, a rebuild that finds
    /// foreign keys enforced refuses to run (see `apply::operation`).
    async fn rebuilds_tables(
        &self,
        connection: &mut Connection,
        tables: &VersionTables,
        action: &Action<'_>,
    ) -> bool {
        let dialect = connection.dialect();
        let heads = match read_state(connection, tables).await {
            Ok(Some(state)) => state.heads,
            _ => Vec::new(),
        };
        let plan = match action {
            Action::Upgrade(target) => self.graph.upgrade_plan(&heads, target),
            Action::Downgrade(target) => self.graph.downgrade_plan(&heads, target),
            Action::Stamp { .. } | Action::Current => return false,
        };
        let Ok(code) = plan.and_then(|plan| self.step_code(&plan)) else { return false };
        code.iter()
            .filter_map(StepCode::operations)
            .flatten()
            .any(|operation| dialect.live_table_needed(&operation).is_some())
    }

    /// The report of an upgrade with nothing to do, when one read without the lock shows the
    /// database at the target with no edited migration: the startup path of every replica.
    /// Anything else (no tables yet, work to do, a digest that differs, an error) goes the locked
    /// way, which reads again under the lock and checks each applied migration in the log.
    async fn already_at(
        &self,
        connection: &mut Connection,
        tables: &VersionTables,
        target: &str,
    ) -> Option<Report> {
        let State { layout, digest, heads } = read_state(connection, tables).await.ok()??;
        if layout != LAYOUT || !self.graph.upgrade_plan(&heads, target).ok()?.is_empty() {
            return None;
        }
        // The digest of the checksums applied equals this program's: nothing was edited.
        if digest.is_none() || digest != self.applied_digest(&heads) {
            return None;
        }
        tracing::info!(heads = ?heads, "database is at the target; nothing to run");
        Some(Report { applied: Vec::new(), heads })
    }

    /// Takes the run lock, waiting up to the lock timeout.
    async fn acquire(&self, connection: &mut Connection, lock: &RunLock) -> Result<()> {
        let started = Instant::now();
        let database = connection.dialect().name();
        let timed_out = || Error::LockTimeout { database, waited: self.lock_timeout };
        match lock {
            RunLock::WriteTransaction { begin } => {
                // Try without waiting first, so that a wait is logged; the connection's own busy
                // timeout is put back afterwards, as it goes back to the application's pool.
                let setting = |source| database_error("setting the lock timeout", source);
                let previous = connection.fetch_integer("PRAGMA busy_timeout").await.map_err(setting)?;
                connection.run_sql("PRAGMA busy_timeout = 0").await.map_err(setting)?;
                let mut taken = connection.run_sql(begin).await;
                if taken.as_ref().is_err_and(is_busy) {
                    tracing::info!(database, "another migration run holds the lock; waiting");
                    let busy = format!("PRAGMA busy_timeout = {}", self.lock_timeout.as_millis());
                    connection.run_sql(&busy).await.map_err(setting)?;
                    taken = connection.run_sql(begin).await;
                }
                connection.run_sql(&format!("PRAGMA busy_timeout = {previous}")).await.map_err(setting)?;
                taken.map_err(|source| {
                    if is_busy(&source) {
                        timed_out()
                    } else {
                        database_error("taking the write lock", source)
                    }
                })?;
            }
            RunLock::Advisory { acquire, .. } => {
                let mut pause = Duration::from_millis(5);
                let mut logged = false;
                while connection
                    .fetch_integer(acquire)
                    .await
                    .map_err(|source| database_error("taking the run lock", source))?
                    != 1
                {
                    if started.elapsed() >= self.lock_timeout {
                        return Err(timed_out());
                    }
                    if !logged {
                        tracing::info!(database, "another migration run holds the lock; waiting");
                        logged = true;
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(200));
                }
            }
        }
        tracing::debug!(database, waited_ms = started.elapsed().as_millis() as u64, "run lock taken");
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn locked(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
        lock: &RunLock,
        action: Action<'_>,
        foreign_keys: Option<ForeignKeySwitch>,
    ) -> Result<Report> {
        let State { digest, heads, .. } = self.check_state(connection, dialect, tables).await?;

        if let Action::Stamp { target, purge: true } = action {
            let stamped = self.graph.stamp_heads(&[] as &[&str], target)?;
            self.write_heads(connection, dialect, tables, &heads, &stamped).await?;
            self.write_digest(connection, dialect, tables, self.applied_digest(&stamped)).await?;
            return Ok(Report { applied: Vec::new(), heads: stamped });
        }
        if let Some(unknown) = self.unknown_head(&heads) {
            if self.allow_unknown_revisions {
                tracing::warn!(revision = %unknown, "the database is at a revision this program doesn't know; leaving it alone");
                return Ok(Report { applied: Vec::new(), heads });
            }
            return Err(Error::UnknownRevision { revision: unknown.clone() });
        }
        if let Action::Current = action {
            return Ok(Report { applied: Vec::new(), heads });
        }
        self.check_checksums(connection, dialect, tables, &heads).await?;

        let plan = match action {
            Action::Upgrade(target) => self.graph.upgrade_plan(&heads, target)?,
            Action::Downgrade(target) => self.graph.downgrade_plan(&heads, target)?,
            Action::Stamp { target, .. } => {
                let stamped = self.graph.stamp_heads(&heads, target)?;
                self.write_heads(connection, dialect, tables, &heads, &stamped).await?;
                self.write_digest(connection, dialect, tables, self.applied_digest(&stamped)).await?;
                return Ok(Report { applied: Vec::new(), heads: stamped });
            }
            Action::Current => Plan::default(),
        };
        let code = self.step_code(&plan)?;
        if plan.is_empty() {
            tracing::info!(heads = ?heads, "database is at the target; nothing to run");
            // After a failed run or a repair, the digest lets the next start skip the log again.
            let applied = self.applied_digest(&heads);
            if digest != applied {
                self.write_digest(connection, dialect, tables, applied).await?;
            }
            return Ok(Report { applied: Vec::new(), heads });
        }
        tracing::info!(steps = plan.len(), "migrating");
        // Until the run ends well, the digest is unknown: a start meanwhile reads the log.
        if digest.is_some() {
            self.write_digest(connection, dialect, tables, None).await?;
        }
        let report =
            self.run_plan(connection, dialect, tables, lock, &plan, code, heads, foreign_keys).await?;
        self.write_digest(connection, dialect, tables, self.applied_digest(&report.heads)).await?;
        Ok(report)
    }

    /// Runs the plan's steps, each in its transaction (or savepoint, or the run's transaction).
    #[allow(clippy::too_many_arguments)]
    async fn run_plan(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
        lock: &RunLock,
        plan: &Plan,
        code: Vec<StepCode>,
        heads: Vec<String>,
        foreign_keys: Option<ForeignKeySwitch>,
    ) -> Result<Report> {
        let whole_run = self.transaction_mode == TransactionMode::WholeRun;
        // SQLite runs hold the write lock in one transaction: each step is a savepoint in it
        // (even `transaction = false` ones: SQLite has no lock outside a transaction). Elsewhere
        // each step is a transaction of its own, or part of the run's one.
        let write_transaction = matches!(lock, RunLock::WriteTransaction { .. });
        if whole_run && !write_transaction {
            begin(connection).await?;
        }
        let mut report = Report { applied: Vec::new(), heads };
        for (step, code) in plan.steps.iter().zip(code) {
            let migration = self.migration(&step.revision)?;
            let outside = !migration.transactional && !write_transaction;
            let savepoint = write_transaction && !whole_run;
            let own_transaction = !write_transaction && !whole_run && !outside;
            if savepoint {
                run_plain(connection, "SAVEPOINT migrate_step").await?;
            } else if own_transaction {
                begin(connection).await?;
            } else if whole_run && outside {
                // Like Alembic's autocommit block: the run's transaction ends before this step.
                run_plain(connection, "COMMIT").await?;
            }
            let in_transaction = !outside;
            let rolls_back = in_transaction && dialect.transactional_ddl();
            let started = Instant::now();
            connection.wrapping = match (outside, migration.transactional) {
                (true, _) => Wrapping::Nothing,
                (false, false) => Wrapping::RunWriteLock,
                (false, true) => Wrapping::Transaction,
            };
            let outcome = self
                .run_step(connection, tables, &report.heads, step, migration, code, rolls_back, foreign_keys)
                .await;
            connection.wrapping = Wrapping::Nothing;
            let duration = started.elapsed();
            if let Err(failure) = outcome {
                let rollback = if savepoint {
                    "ROLLBACK TO SAVEPOINT migrate_step; RELEASE SAVEPOINT migrate_step; COMMIT"
                } else if in_transaction {
                    "ROLLBACK"
                } else {
                    ""
                };
                if !rollback.is_empty() {
                    // The step's own error is what the user needs; a failed rollback is logged.
                    if let Err(error) = connection.run_sql(rollback).await {
                        tracing::error!(%error, "rolling back the failed migration");
                    }
                }
                return Err(failure);
            }
            if savepoint {
                run_plain(connection, "RELEASE SAVEPOINT migrate_step").await?;
            } else if own_transaction {
                run_plain(connection, "COMMIT").await?;
            } else if whole_run && outside {
                begin(connection).await?;
            }
            tracing::info!(revision = %step.revision, direction = ?step.direction, duration_ms = duration.as_millis() as u64, "migrated");
            report.heads.clone_from(&step.heads_after);
            report.applied.push(Applied {
                revision: step.revision.clone(),
                direction: step.direction,
                duration,
            });
        }
        if whole_run && !write_transaction {
            run_plain(connection, "COMMIT").await?;
        }
        Ok(report)
    }

    /// Runs one migration's operations, then records its heads and log row; with foreign keys
    /// suspended, checks them before.
    #[allow(clippy::too_many_arguments)]
    async fn run_step(
        &self,
        connection: &mut Connection,
        tables: &VersionTables,
        heads_before: &[String],
        step: &Step,
        migration: &Migration,
        code: StepCode,
        rolls_back: bool,
        foreign_keys: Option<ForeignKeySwitch>,
    ) -> Result<()> {
        let dialect = connection.dialect();
        let started = Instant::now();
        let failure = |statement, message, rolled_back, committed| {
            Error::MigrationFailed(Box::new(MigrationFailure {
                revision: step.revision.clone(),
                origin: migration.origin(),
                direction: step.direction,
                statement,
                message,
                rolled_back,
                committed,
            }))
        };
        let mut ran = Vec::new();
        let mut outcome = Ok(());
        if let StepCode::Function(MigrationFn::Async(run)) = code
            && let Err(error) = run(connection).await
        {
            return Err(failure(None, error.to_string(), rolls_back, Vec::new()));
        }
        for operation in code.operations().unwrap_or_default() {
            outcome = apply::operation(connection, &operation, &mut ran).await;
            if outcome.is_err() {
                break;
            }
        }
        if let (Ok(()), Some(switch)) = (&outcome, &foreign_keys) {
            outcome = apply::check_foreign_keys(connection, switch).await;
        }
        if let Err(apply::Failed { statement, message }) = outcome {
            let rolled_back = rolls_back || ran.is_empty();
            let committed = if rolls_back { Vec::new() } else { ran };
            return Err(failure(Some(statement), message, rolled_back, committed));
        }
        // Where DDL commits implicitly (MySQL), the statements above ended any transaction: the
        // heads and the log row get one of their own, so the version table is never half-written.
        let own_bookkeeping = !dialect.transactional_ddl();
        if own_bookkeeping {
            begin(connection).await?;
        }
        self.write_heads(connection, dialect, tables, heads_before, &step.heads_after).await?;
        let direction = match step.direction {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        };
        let duration = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX).to_string();
        self.log(connection, dialect, tables, &step.revision, direction, migration.checksum, &duration)
            .await?;
        if own_bookkeeping {
            run_plain(connection, "COMMIT").await?;
        }
        Ok(())
    }

    /// What each step runs, checked for every step before anything runs.
    fn step_code(&self, plan: &Plan) -> Result<Vec<StepCode>> {
        plan.steps
            .iter()
            .map(|step| {
                let migration = self.migration(&step.revision)?;
                match (step.direction, migration.downgrade) {
                    (Direction::Upgrade, _) => Ok(StepCode::Function(migration.upgrade)),
                    (Direction::Downgrade, Downgrade::Function(function)) => Ok(StepCode::Function(function)),
                    (Direction::Downgrade, Downgrade::Irreversible) => Err(Error::Irreversible {
                        revision: step.revision.clone(),
                        origin: migration.origin(),
                    }),
                    (Direction::Downgrade, Downgrade::Missing) => derived_downgrade(migration)
                        .map(StepCode::Operations)
                        .map_err(|reason| Error::NoDowngrade {
                            revision: step.revision.clone(),
                            origin: migration.origin(),
                            reason,
                        }),
                }
            })
            .collect()
    }

    fn migration(&self, revision: &str) -> Result<&'static Migration> {
        // The graph is built from exactly these migrations, so every planned revision is here.
        self.migrations
            .get(revision)
            .copied()
            .ok_or_else(|| Error::UnknownRevision { revision: revision.to_owned() })
    }

    /// Reads the version tables under the lock and checks their layout, creating the tables on
    /// first use. Reading first keeps a run at head to reads only.
    async fn check_state(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
    ) -> Result<State> {
        let state = match read_state(connection, tables).await {
            Ok(state) => state,
            // Missing tables, or tables that can't be read: creating them says which.
            Err(_) => {
                for statement in dialect.create_version_tables(tables) {
                    connection
                        .run_sql(&statement)
                        .await
                        .map_err(|source| database_error("creating the version tables", source))?;
                }
                read_state(connection, tables)
                    .await
                    .map_err(|source| database_error("reading the version tables", source))?
            }
        };
        let state = match state {
            Some(state) => state,
            None => {
                let insert =
                    format!("INSERT INTO {} (layout) VALUES ({})", tables.state, dialect.placeholder(1));
                connection
                    .execute_with(&insert, &[LAYOUT])
                    .await
                    .map_err(|source| database_error("recording the version tables' layout", source))?;
                let heads = read_heads(connection, tables)
                    .await
                    .map_err(|source| database_error("reading the version table", source))?;
                State { layout: LAYOUT.to_owned(), digest: None, heads }
            }
        };
        if state.layout != LAYOUT {
            return Err(Error::UnsupportedLayout { table: tables.state.clone(), found: state.layout });
        }
        Ok(state)
    }

    /// Refuses to run when an applied migration's code changed since it was applied.
    async fn check_checksums(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
        heads: &[String],
    ) -> Result<()> {
        let recorded = self
            .recorded_checksums(connection, tables)
            .await
            .map_err(|source| database_error("reading the migration log", source))?;
        let drifted = self.edited(heads, &recorded)?;
        if drifted.is_empty() {
            return Ok(());
        }
        if !self.repair_checksums {
            return Err(Error::ChecksumMismatch {
                migrations: drifted.iter().map(|m| format!("'{}' ({})", m.revision, m.origin())).collect(),
            });
        }
        for migration in drifted {
            tracing::warn!(
                revision = migration.revision,
                "accepting the edited code of an applied migration"
            );
            self.log(connection, dialect, tables, migration.revision, "repair", migration.checksum, "0")
                .await?;
        }
        Ok(())
    }

    /// A head the database holds that this program doesn't know, if there is one.
    fn unknown_head<'h>(&self, heads: &'h [String]) -> Option<&'h String> {
        heads.iter().find(|head| self.graph.revision(head).is_none())
    }

    /// The checksum each revision was last applied (or repaired) with.
    async fn recorded_checksums(
        &self,
        connection: &mut Connection,
        tables: &VersionTables,
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        let rows = connection
            .fetch_pairs(&format!(
                "SELECT revision, checksum FROM {} WHERE direction IN ('upgrade', 'repair') ORDER BY id",
                tables.log
            ))
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// The applied migrations whose code differs from what was applied.
    fn edited(
        &self,
        heads: &[String],
        recorded: &HashMap<String, String>,
    ) -> Result<Vec<&'static Migration>> {
        let mut edited = Vec::new();
        for revision in self.graph.history(":current", heads)? {
            let migration = self.migration(revision.id())?;
            if recorded.get(revision.id()).is_some_and(|checksum| checksum != migration.checksum) {
                edited.push(migration);
            }
        }
        Ok(edited)
    }

    /// Moves the version table from `before` to `after`: one UPDATE for a step along a line,
    /// as Alembic does, deletes and inserts where branches split or merge.
    async fn write_heads(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
        before: &[String],
        after: &[String],
    ) -> Result<()> {
        let writing = |source| database_error("writing the version table", source);
        let removed: Vec<&str> =
            before.iter().filter(|head| !after.contains(head)).map(String::as_str).collect();
        let added: Vec<&str> =
            after.iter().filter(|head| !before.contains(head)).map(String::as_str).collect();
        let (first, second) = (dialect.placeholder(1), dialect.placeholder(2));
        if let ([old], [new]) = (removed.as_slice(), added.as_slice()) {
            let update =
                format!("UPDATE {} SET version_num = {first} WHERE version_num = {second}", tables.heads);
            return connection.execute_with(&update, &[new, old]).await.map_err(writing);
        }
        let delete = format!("DELETE FROM {} WHERE version_num = {first}", tables.heads);
        for head in removed {
            connection.execute_with(&delete, &[head]).await.map_err(writing)?;
        }
        let insert = format!("INSERT INTO {} (version_num) VALUES ({first})", tables.heads);
        for head in added {
            connection.execute_with(&insert, &[head]).await.map_err(writing)?;
        }
        Ok(())
    }

    /// The digest of the checksums this program has for the revisions applied at `heads`; `None`
    /// when a head is unknown. Order-independent, so it is the same however the revisions were
    /// applied: an XOR of a 128-bit FNV-1a hash of each revision id and checksum.
    fn applied_digest(&self, heads: &[String]) -> Option<String> {
        let mut digest = 0_u128;
        for revision in self.graph.history(":current", heads).ok()? {
            let migration = self.migrations.get(revision.id())?;
            digest ^= fnv1a_128([migration.revision.as_bytes(), &[0], migration.checksum.as_bytes()]);
        }
        Some(format!("{digest:032x}"))
    }

    async fn write_digest(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
        digest: Option<String>,
    ) -> Result<()> {
        let writing = |source| database_error("writing the version tables' digest", source);
        match digest {
            Some(digest) => {
                let update =
                    format!("UPDATE {} SET applied_digest = {}", tables.state, dialect.placeholder(1));
                connection.execute_with(&update, &[&digest]).await.map_err(writing)
            }
            None => connection
                .run_sql(&format!("UPDATE {} SET applied_digest = NULL", tables.state))
                .await
                .map_err(writing),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn log(
        &self,
        connection: &mut Connection,
        dialect: &dyn Dialect,
        tables: &VersionTables,
        revision: &str,
        direction: &str,
        checksum: &str,
        duration_ms: &str,
    ) -> Result<()> {
        let insert = format!(
            "INSERT INTO {} (revision, direction, checksum, duration_ms) VALUES ({}, {}, {}, CAST({} AS {}))",
            tables.log,
            dialect.placeholder(1),
            dialect.placeholder(2),
            dialect.placeholder(3),
            dialect.placeholder(4),
            dialect.integer_type(),
        );
        connection
            .execute_with(&insert, &[revision, direction, checksum, duration_ms])
            .await
            .map_err(|source| database_error("writing the migration log", source))
    }
}

/// Moves the database to `head` with every registered migration: the one line for startup.
pub async fn upgrade_to_head(pool: &impl MigratePool) -> Result<Report> {
    Migrator::from_registry()?.upgrade(pool, "head").await
}

/// The heads the version table holds.
async fn read_heads(connection: &mut Connection, tables: &VersionTables) -> Result<Vec<String>, sqlx::Error> {
    connection.fetch_strings(&format!("SELECT version_num FROM {}", tables.heads)).await
}

/// What a step runs: the migration's function, or operations derived from its upgrade.
enum StepCode {
    Function(MigrationFn),
    Operations(Vec<Operation>),
}

impl StepCode {
    /// The operations the step runs; `None` for an async function, which runs them itself.
    fn operations(&self) -> Option<Vec<Operation>> {
        match self {
            StepCode::Function(MigrationFn::Sync(record)) => {
                let mut operations = Operations::new();
                record(&mut operations);
                Some(operations.into_recorded())
            }
            StepCode::Function(MigrationFn::Async(_)) => None,
            StepCode::Operations(operations) => Some(operations.clone()),
        }
    }
}

/// The downgrade of a migration written without one: the inverse of each operation its upgrade
/// records, last first; `Err` says why there is none.
fn derived_downgrade(migration: &Migration) -> Result<Vec<Operation>, String> {
    let MigrationFn::Sync(record) = migration.upgrade else {
        return Err("its upgrade is an async fn, whose changes aren't recorded".to_owned());
    };
    let mut operations = Operations::new();
    record(&mut operations);
    Operation::invert_all(operations.recorded())
}

/// The heads a step removes from the version table and the heads it adds.
fn head_moves<'h>(before: &'h [String], after: &'h [String]) -> (Vec<&'h str>, Vec<&'h str>) {
    let removed = before.iter().filter(|head| !after.contains(head)).map(String::as_str).collect();
    let added = after.iter().filter(|head| !before.contains(head)).map(String::as_str).collect();
    (removed, added)
}

/// What the version tables hold, read in one query.
struct State {
    layout: String,
    digest: Option<String>,
    heads: Vec<String>,
}

/// The version tables' state and heads in one read; `None` before the layout is recorded.
async fn read_state(
    connection: &mut Connection,
    tables: &VersionTables,
) -> Result<Option<State>, sqlx::Error> {
    let rows = connection
        .fetch_string_triples(&format!(
            "SELECT s.layout, s.applied_digest, h.version_num FROM {} s LEFT JOIN {} h ON 1 = 1",
            tables.state, tables.heads
        ))
        .await?;
    let Some((layout, digest, _)) = rows.first() else { return Ok(None) };
    let (layout, digest) = (layout.clone(), digest.clone());
    Ok(Some(State { layout, digest, heads: rows.into_iter().filter_map(|(_, _, head)| head).collect() }))
}

/// FNV-1a, 128 bits, over the parts in order: a stable hash (the digest outlives the binary).
fn fnv1a_128<const N: usize>(parts: [&[u8]; N]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    parts
        .iter()
        .flat_map(|part| part.iter())
        .fold(OFFSET, |hash, &byte| (hash ^ u128::from(byte)).wrapping_mul(PRIME))
}

/// Whether SQLite refused because another connection holds the lock.
fn is_busy(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(error) if error.message().contains("locked"))
}

async fn begin(connection: &mut Connection) -> Result<()> {
    run_plain(connection, "BEGIN").await
}

async fn run_plain(connection: &mut Connection, sql: &str) -> Result<()> {
    connection.run_sql(sql).await.map_err(|source| database_error(sql, source))
}

fn database_error(doing: &str, source: sqlx::Error) -> Error {
    Error::Database { doing: doing.to_owned(), source }
}

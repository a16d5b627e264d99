//! Offline SQL: what a run would execute, rendered for one database without connecting, like
//! `alembic upgrade head --sql`. The steps are wrapped as an online run wraps them (a database with
//! no transaction-holding lock) and the version-table statements are the [`VersionTable`]'s, with
//! literals. One difference: the digest of the applied checksums is left unset, so the first
//! online start after the script checks every applied migration in the log.

use std::fmt::Write as _;

use super::Migrator;
use super::code::plan_code;
use super::version_table::{LogEntry, VersionTable};
use crate::database::Database;
use crate::dialect::{self, Dialect, StepTransaction, TransactionMode};
use crate::error::{Error, Result};
use crate::graph::Plan;
use crate::sql::Statement;

impl Migrator {
    /// The SQL of an upgrade, for `database`: `head` (or any target) renders from an empty
    /// database, creating the version tables; `start:target` renders from a database at `start`.
    pub fn upgrade_sql(&self, database: Database, range: &str) -> Result<String> {
        let (start, target) = match range.split_once(':') {
            Some((start, target)) => (Some(start), target),
            None => (None, range),
        };
        let heads = self.offline_start(range, start)?;
        let plan = self.graph.upgrade_plan(&heads, target)?;
        Script::new(self, database)?.render(range, start.is_none(), &heads, &plan)
    }

    /// The SQL of a downgrade, for `database`, from a database at `start` to `target`:
    /// `start:target`, e.g. `head:base` (offline, where the database is can't be read).
    pub fn downgrade_sql(&self, database: Database, range: &str) -> Result<String> {
        let Some((start, target)) = range.split_once(':') else {
            return Err(Error::OfflineRange {
                range: range.to_owned(),
                reason: "a downgrade rendered offline needs `start:target`, e.g. `head:base`",
            });
        };
        let heads = self.offline_start(range, Some(start))?;
        let plan = self.graph.downgrade_plan(&heads, target)?;
        Script::new(self, database)?.render(range, false, &heads, &plan)
    }

    /// The SQL of a stamp, for `database`: `target` records it in a new database's version tables
    /// (creating them); `start:target` moves a database at `start` to `target`. Like an online stamp,
    /// it runs no migration and records the digest of the program's checksums for the target.
    pub fn stamp_sql(&self, database: Database, range: &str) -> Result<String> {
        let (start, target) = match range.split_once(':') {
            Some((start, target)) => (Some(start), target),
            None => (None, range),
        };
        let heads = self.offline_start(range, start)?;
        let stamped = self.graph.stamp_heads(&heads, target)?;
        let mut script = Script::new(self, database)?;
        script.open(range, start.is_none());
        for statement in script.table.move_heads(&heads, &stamped) {
            script.statement(&statement);
        }
        let digest = self.applied_digest(&stamped);
        script.statement(&script.table.set_digest(digest.as_deref()));
        Ok(script.sql)
    }

    /// The heads of a database at `start` (`None`: an empty one).
    fn offline_start(&self, range: &str, start: Option<&str>) -> Result<Vec<String>> {
        match start {
            None => Ok(Vec::new()),
            Some("") => Err(Error::OfflineRange {
                range: range.to_owned(),
                reason: "the start is empty; write `base:head`, or just `head`",
            }),
            Some(start) => self.graph.stamp_heads(&[] as &[&str], start),
        }
    }
}

/// A script being written for one database.
struct Script<'m> {
    migrator: &'m Migrator,
    dialect: &'static dyn Dialect,
    table: VersionTable,
    sql: String,
}

impl<'m> Script<'m> {
    fn new(migrator: &'m Migrator, database: Database) -> Result<Self> {
        let dialect = dialect::of(database);
        let settings = &migrator.settings;
        let table = VersionTable::new(dialect, settings.schema.as_deref(), &settings.version_table)?;
        Ok(Self { migrator, dialect, table, sql: String::new() })
    }

    fn line(&mut self, statement: &str) {
        let _ = writeln!(self.sql, "{};", statement.trim_end().trim_end_matches(';'));
    }

    fn statement(&mut self, statement: &Statement) {
        let sql = self.dialect.inline(statement);
        self.line(&sql);
    }

    /// The script's header, and the version tables created (a new database) or its digest unset.
    fn open(&mut self, range: &str, create_tables: bool) {
        let _ = writeln!(self.sql, "-- migrate: {range} for {}\n", self.dialect.name());
        if create_tables {
            for statement in self.table.create(self.dialect) {
                self.statement(&statement);
            }
            self.statement(&self.table.record_layout());
        } else {
            self.statement(&self.table.set_digest(None));
        }
        self.sql.push('\n');
    }

    fn render(mut self, range: &str, create_tables: bool, heads: &[String], plan: &Plan) -> Result<String> {
        self.open(range, create_tables);
        let mode = self.migrator.settings.transaction_mode;
        let transactional_ddl = self.dialect.transactional_ddl();
        let run_transaction = mode == TransactionMode::WholeRun;
        if run_transaction {
            self.line("BEGIN");
        }
        let mut heads = heads.to_vec();
        let code = plan_code(plan, |revision| self.migrator.migration(revision), None)?;
        for (step, code) in plan.steps.iter().zip(code) {
            let migration = self.migrator.migration(&step.revision)?;
            let Some(operations) = code.operations()? else {
                return Err(Error::OfflineNeedsConnection {
                    revision: step.revision.clone(),
                    origin: migration.origin().to_owned(),
                });
            };
            let (from, to) = (heads.join(", "), step.heads_after.join(", "));
            let verb = step.direction.as_str();
            let _ = writeln!(self.sql, "-- Running {verb} {from} -> {to}: {}", migration.origin());
            let transaction = StepTransaction::choose(false, mode, migration.transactional);
            if let Some(begin) = transaction.begin() {
                self.line(begin);
            }
            for operation in &operations {
                for statement in self.dialect.render(operation, None)? {
                    self.line(&statement);
                }
            }
            let own = transaction.bookkeeping_in_own_transaction(transactional_ddl);
            if own {
                self.line("BEGIN");
            }
            for statement in self.table.move_heads(&heads, &step.heads_after) {
                self.statement(&statement);
            }
            self.statement(&self.table.log(LogEntry::step(
                &step.revision,
                step.direction,
                migration.checksum(),
                0,
            )));
            if own {
                self.line("COMMIT");
            }
            if let Some(end) = transaction.end(transactional_ddl) {
                self.line(end);
            }
            if code.sets_timeouts() {
                for reset in self.dialect.reset_timeouts() {
                    self.line(reset);
                }
            }
            self.sql.push('\n');
            heads.clone_from(&step.heads_after);
        }
        if run_transaction {
            self.line("COMMIT");
        }
        Ok(self.sql)
    }
}

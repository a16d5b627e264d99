//! One run: the connection, the database's dialect, the version table, the run lock and the
//! foreign-key state, held together so that each stage of a run is a method of [`Run`].
//!
//! The stages, in order: a look without the lock (an upgrade already at its target ends there,
//! the startup path of every replica); the lock; the state read again under it (tables created on
//! first use); the checks (unknown heads, edited migrations); the plan's steps, each wrapped as its
//! [`StepTransaction`] says, with its bookkeeping; the lock let go.

use std::time::Instant;

use super::apply;
use super::code::{StepCode, plan_code, rebuilds_tables, server_specific};
use super::progress::{HalfApplied, Repair, Resume, statement_checksum};
use super::version_table::{
    LAYOUT, LAYOUT_WITHOUT_PROGRESS, LogEntry, Outcome, ProgressRow, State, VersionTable,
};
use super::{Applied, Migrator, Report};
use crate::connection::{Boxed, Connection, Wrapping};
use crate::dialect::{self, Dialect, ForeignKeySwitch, RunLock, StepTransaction, TransactionMode};
use crate::error::{Error, MigrationFailure, Result, describe};
use crate::graph::{Plan, Step};
use crate::ops::Operation;
use crate::sql::Statement;

/// What a run does once it holds the lock.
#[derive(Debug, Clone, Copy)]
pub(super) enum Action<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    /// Exactly these steps, from the heads they start at (the testing helpers' single steps).
    #[cfg(feature = "testing")]
    Steps {
        from: &'a [String],
        plan: &'a Plan,
    },
    Stamp {
        target: &'a str,
        purge: bool,
    },
    Current,
}

/// A plan with the code of each step, made from the heads it starts at.
struct Prepared {
    heads: Vec<String>,
    plan: Plan,
    code: Vec<StepCode>,
}

/// One run on one connection.
pub(super) struct Run<'m> {
    migrator: &'m Migrator,
    connection: Connection,
    dialect: &'static dyn Dialect,
    table: VersionTable,
    lock: RunLock,
    /// Foreign-key enforcement this run turned off, to turn on again when it ends.
    suspended_foreign_keys: Option<ForeignKeySwitch>,
    /// A failed step was undone back to its start, so what the run's transaction holds is whole
    /// and is kept.
    failed_step_undone: bool,
    /// Bookkeeping that goes with the next round trip the run sends (and is dropped with a failed
    /// step's rollback): statements whose place in the run's transactions is anywhere before it.
    pending: Vec<Statement>,
    /// The applied migrations whose edited code this run accepted (`repair_checksums`).
    accepted_edits: Vec<String>,
}

impl<'m> Run<'m> {
    pub(super) fn new(migrator: &'m Migrator, connection: Connection) -> Result<Self> {
        let dialect = dialect::of(connection.database());
        let settings = &migrator.settings;
        Ok(Self {
            migrator,
            table: VersionTable::new(dialect, settings.schema.as_deref(), &settings.version_table)?,
            lock: dialect.run_lock(&settings.version_table),
            connection,
            dialect,
            suspended_foreign_keys: None,
            failed_step_undone: false,
            pending: Vec::new(),
            accepted_edits: Vec::new(),
        })
    }

    /// The heads the version table holds, read without the lock.
    pub(super) async fn read_heads(&mut self) -> Result<Vec<String>, sqlx::Error> {
        self.table.read_heads(&mut self.connection).await
    }

    /// Carries out `action`: a look without the lock, then the locked run.
    pub(super) fn carry_out<'f>(mut self, action: Action<'f>) -> Boxed<'f, Result<Report>>
    where
        'm: 'f,
    {
        Box::pin(async move {
            let prepared = match self.look(action).await {
                Look::AtTarget(report) => return Ok(report),
                Look::Prepared(prepared) => prepared,
            };
            // SQLite's batch mode rebuilds tables, which keeps every row only with foreign keys
            // unenforced, and enforcement switches only outside a transaction: off for a run that
            // rebuilds a table, checked after each migration instead (SQLite's own recipe for table
            // changes). Other runs keep enforcement, and `ON DELETE` actions, as they are.
            if let Some(switch) = self.dialect.foreign_key_switch()
                && let Some(prepared) = &prepared
                && rebuilds_tables(&prepared.code)
            {
                self.suspended_foreign_keys =
                    apply::suspend_foreign_keys(&mut self.connection, switch).await?;
            }
            let outcome =
                match self.lock.acquire(&mut self.connection, self.migrator.settings.lock_timeout).await {
                    Ok(()) => {
                        let outcome = self.locked(action, prepared).await;
                        self.release(outcome).await
                    }
                    Err(error) => Err(error),
                };
            apply::restore_foreign_keys(&mut self.connection, self.suspended_foreign_keys).await;
            outcome
                .map(|report| Report { accepted_edits: std::mem::take(&mut self.accepted_edits), ..report })
        })
    }

    /// Settles a half-applied migration as `repair` says, or with `None` only reads it, under the
    /// lock; what the progress table held, `None` when nothing was half-applied.
    pub(super) fn settle(mut self, repair: Option<Repair>) -> Boxed<'m, Result<Option<HalfApplied>>> {
        Box::pin(async move {
            self.lock.acquire(&mut self.connection, self.migrator.settings.lock_timeout).await?;
            let outcome = self.settle_locked(repair).await;
            self.release(outcome).await
        })
    }

    async fn settle_locked(&mut self, repair: Option<Repair>) -> Result<Option<HalfApplied>> {
        let State { heads, .. } = self.check_state().await?;
        let progress = self.table.read_progress(&mut self.connection).await?;
        let Some(half) = self.half_applied(&progress) else { return Ok(None) };
        if let Some(repair) = repair {
            self.repair(repair, &heads, &progress, &half).await?;
        }
        Ok(Some(half))
    }

    /// Lets the lock go after the work done under it, whose outcome it passes on: its error
    /// first, which is what the user needs.
    async fn release<T>(&mut self, outcome: Result<T>) -> Result<T> {
        let keep = outcome.is_ok() || self.failed_step_undone;
        let released = self.lock.release(&mut self.connection, keep).await;
        outcome.and_then(|value| released.map(|()| value))
    }

    /// One read without the lock. An upgrade whose database is at the target with no edited
    /// migration ends here. Otherwise, where the dialect needs to know before the lock whether a
    /// run rebuilds tables (SQLite), the plan from that read, which the locked run reuses when
    /// the heads haven't moved meanwhile.
    async fn look(&mut self, action: Action<'_>) -> Look {
        let wants_plan = self.dialect.foreign_key_switch().is_some();
        if matches!(action, Action::Stamp { .. } | Action::Current) {
            return Look::Prepared(None);
        }
        if !matches!(action, Action::Upgrade(_)) && !wants_plan {
            return Look::Prepared(None);
        }
        // No tables yet (or no read): an empty database, as far as the plan is concerned.
        let state = self.table.read_state(&mut self.connection).await.ok().flatten();
        let heads = state.as_ref().map_or_else(Vec::new, |state| state.heads.clone());
        let Ok(plan) = self.plan(action, &heads) else { return Look::Prepared(None) };
        if let Some(state) = state
            && plan.is_empty()
            && matches!(action, Action::Upgrade(_))
            && state.layout == LAYOUT
            && state.digest.is_some()
            && state.digest == self.migrator.applied_digest(&state.heads)
        {
            // The digest of the checksums applied equals this program's: nothing was edited.
            tracing::info!(heads = ?state.heads, "database is at the target; nothing to run");
            return Look::AtTarget(Report { heads: state.heads, ..Report::default() });
        }
        if !wants_plan {
            return Look::Prepared(None);
        }
        let code = plan_code(&plan, |revision| self.migrator.migration(revision), Some(self.dialect));
        Look::Prepared(code.ok().map(|code| Prepared { heads, plan, code }))
    }

    /// The plan from `heads` to the action's target.
    fn plan(&self, action: Action<'_>, heads: &[String]) -> Result<Plan> {
        let graph = &self.migrator.graph;
        match action {
            Action::Upgrade(target) => graph.upgrade_plan(heads, target),
            Action::Downgrade(target) => graph.downgrade_plan(heads, target),
            #[cfg(feature = "testing")]
            Action::Steps { from, plan } if same_heads(from, heads) => Ok(plan.clone()),
            #[cfg(feature = "testing")]
            Action::Steps { from, .. } => {
                Err(Error::UnexpectedHeads { expected: from.to_vec(), found: heads.to_vec() })
            }
            Action::Stamp { .. } | Action::Current => Ok(Plan::default()),
        }
    }

    /// The run under the lock.
    async fn locked(&mut self, action: Action<'_>, prepared: Option<Prepared>) -> Result<Report> {
        let State { digest, heads, .. } = self.check_state().await?;
        let progress = match action {
            Action::Current | Action::Stamp { .. } => Vec::new(),
            _ => self.table.read_progress(&mut self.connection).await?,
        };
        let half = self.half_applied(&progress);
        if let Some(half) = &half
            && heads.iter().any(|head| self.migrator.graph.squash_of(head).is_some())
        {
            let reason = "the database is inside a squashed range, which a run finishes with the range's migrations first";
            return Err(Error::HalfApplied { half: Box::new(half.clone()), reason: reason.to_owned() });
        }
        let (heads, finished) = self.finish_squashes(action, heads).await?;
        let migrator = self.migrator;
        if let Action::Stamp { target, purge: true } = action {
            let stamped = migrator.graph.stamp_heads(&[] as &[&str], target)?;
            return self.stamp(&heads, stamped).await;
        }
        if let Some(unknown) = migrator.unknown_head(&heads) {
            if migrator.settings.allow_unknown_revisions {
                tracing::warn!(revision = %unknown, "the database is at a revision this program doesn't know; leaving it alone");
                return Ok(Report { heads, ..Report::default() });
            }
            return Err(Error::UnknownRevision { revision: unknown.clone() });
        }
        match action {
            Action::Current => return Ok(Report { heads, ..Report::default() }),
            Action::Stamp { target, .. } => {
                self.check_checksums(&heads).await?;
                let stamped = migrator.graph.stamp_heads(&heads, target)?;
                return self.stamp(&heads, stamped).await;
            }
            _ => self.check_checksums(&heads).await?,
        }
        // The look before the lock planned from the heads it read; another run may have moved them.
        let Prepared { heads, plan, code } = match prepared {
            Some(prepared) if prepared.heads == heads => prepared,
            _ => {
                let plan = self.plan(action, &heads)?;
                let code = plan_code(&plan, |revision| migrator.migration(revision), Some(self.dialect))?;
                Prepared { heads, plan, code }
            }
        };
        let resume = Self::resume(half, &progress, &plan, &code)?;
        if plan.is_empty() {
            tracing::info!(heads = ?heads, "database is at the target; nothing to run");
            // After a failed run or a repair, the digest lets the next start skip the log again.
            let applied = migrator.applied_digest(&heads);
            if digest != applied {
                self.execute_bookkeeping(&[self.table.set_digest(applied.as_deref())]).await?;
            }
            return Ok(Report { heads, ..Report::default() });
        }
        tracing::info!(steps = plan.len(), "migrating");
        self.ask_the_server_where_it_matters(&code).await?;
        // Until the run ends well, the digest is unknown: a start meanwhile reads the log. It is
        // cleared with the first step's first round trip, before anything of the step can commit,
        // and written with the last step's bookkeeping.
        if digest.is_some() {
            self.pending.push(self.table.set_digest(None));
        }
        let after = plan.steps.last().map_or(&heads, |step| &step.heads_after);
        let finish = self.table.set_digest(migrator.applied_digest(after).as_deref());
        let mut report = self.run_plan(Prepared { heads, plan, code }, resume, Some(finish)).await?;
        report.applied.splice(0..0, finished);
        Ok(report)
    }

    /// Brings a database that is at a revision a squash replaced to the squash, for an upgrade:
    /// the range's remaining migrations run (their code must still be registered), then the
    /// squash takes the place of the range's last revision in the version table. Returns the
    /// heads after, and the migrations run. `current` reads such heads as they are; other
    /// actions refuse to start inside a range.
    async fn finish_squashes(
        &mut self,
        action: Action<'_>,
        mut heads: Vec<String>,
    ) -> Result<(Vec<String>, Vec<Applied>)> {
        let graph = &self.migrator.graph;
        let mut finished = Vec::new();
        while let Some((head, squash, range)) = heads
            .iter()
            .find_map(|head| graph.squash_of(head).map(|(squash, range)| (head.clone(), squash, range)))
        {
            let refused =
                |action| Error::InsideSquash { revision: head.clone(), squash: squash.to_owned(), action };
            match action {
                Action::Current => return Ok((heads, finished)),
                Action::Downgrade(_) => return Err(refused("downgrade")),
                Action::Stamp { purge: true, .. } => return Ok((heads, finished)),
                Action::Stamp { .. } => return Err(refused("stamp")),
                Action::Upgrade(_) => {}
                #[cfg(feature = "testing")]
                Action::Steps { .. } => {}
            }
            let position = range.iter().position(|revision| *revision == head).unwrap_or(range.len());
            let remaining = range.get(position + 1..).unwrap_or_default();
            let mut steps = Vec::with_capacity(remaining.len());
            let mut after = heads.clone();
            for revision in remaining {
                if !self.migrator.migrations.contains_key(revision.as_str()) {
                    return Err(Error::SquashedCodeGone {
                        revision: head,
                        squash: squash.to_owned(),
                        missing: revision.clone(),
                    });
                }
                let previous = steps.last().map_or(&head, |step: &Step| &step.revision);
                after =
                    after.iter().map(|h| if h == previous { revision.clone() } else { h.clone() }).collect();
                steps.push(Step {
                    revision: revision.clone(),
                    direction: crate::Direction::Upgrade,
                    heads_after: after.clone(),
                });
            }
            let last = steps.last().map_or(head.clone(), |step| step.revision.clone());
            if !steps.is_empty() {
                let plan = Plan { steps };
                let code = plan_code(&plan, |revision| self.migrator.migration(revision), None)?;
                tracing::info!(
                    squash,
                    steps = plan.len(),
                    "finishing a squashed range with its old migrations"
                );
                let prepared = Prepared { heads: heads.clone(), plan, code };
                finished.extend(self.run_plan(prepared, None, None).await?.applied);
            }
            let squashed: Vec<String> =
                after.iter().map(|h| if *h == last { squash.to_owned() } else { h.clone() }).collect();
            self.execute_bookkeeping(&self.table.move_heads(&after, &squashed)).await?;
            heads = squashed;
        }
        Ok((heads, finished))
    }

    /// Where the plan holds an operation that renders differently on the database's servers
    /// (MariaDB's `IF [NOT] EXISTS` forms, which MySQL lacks), the dialect of the server this is.
    async fn ask_the_server_where_it_matters(&mut self, code: &[StepCode]) -> Result<()> {
        if !server_specific(code) {
            return Ok(());
        }
        let version = self
            .connection
            .fetch_strings("SELECT VERSION()")
            .await
            .map_err(|cause| Error::Database { doing: "asking the server's version".to_owned(), cause })?;
        let version = version.first().map(String::as_str).unwrap_or_default();
        self.dialect = dialect::for_server(self.connection.database(), version);
        tracing::debug!(version, "the server's version decides its SQL");
        Ok(())
    }

    /// Writes `stamped` as the heads, running nothing.
    async fn stamp(&mut self, heads: &[String], stamped: Vec<String>) -> Result<Report> {
        let mut statements = self.table.move_heads(heads, &stamped);
        statements.push(self.table.set_digest(self.migrator.applied_digest(&stamped).as_deref()));
        // A stamp says where the database is: a half-applied migration's progress is void.
        statements.push(self.table.clear_progress());
        self.execute_bookkeeping(&statements).await?;
        Ok(Report { heads: stamped, ..Report::default() })
    }

    /// Reads the version tables under the lock and checks their layout, creating the tables on
    /// first use. Reading first keeps a run at head to reads only.
    async fn check_state(&mut self) -> Result<State> {
        let reading =
            |source| Error::Database { doing: "reading the version tables".to_owned(), cause: source };
        let state = match self.table.read_state(&mut self.connection).await {
            Ok(state) => state,
            // Missing tables, or tables that can't be read: creating them says which.
            Err(_) => {
                for statement in self.table.create(self.dialect) {
                    self.run_statement(&statement, "creating the version tables").await?;
                }
                self.table.read_state(&mut self.connection).await.map_err(reading)?
            }
        };
        let state = match state {
            Some(state) => state,
            None => {
                self.run_statement(&self.table.record_layout(), "recording the version tables' layout")
                    .await?;
                let heads = self.table.read_heads(&mut self.connection).await.map_err(reading)?;
                State { layout: LAYOUT.to_owned(), digest: None, heads }
            }
        };
        if state.layout == LAYOUT_WITHOUT_PROGRESS {
            self.execute_bookkeeping(&self.table.add_progress()).await?;
            return Ok(State { layout: LAYOUT.to_owned(), ..state });
        }
        if state.layout != LAYOUT {
            return Err(Error::UnsupportedLayout {
                table: self.table.state_table().to_owned(),
                found: state.layout,
            });
        }
        Ok(state)
    }

    /// Refuses to run when an applied migration's code changed since it was applied, or, told to
    /// repair, records the new checksums.
    async fn check_checksums(&mut self, heads: &[String]) -> Result<()> {
        let recorded = self.table.read_checksums(&mut self.connection).await?;
        let edited = self.migrator.edited(heads, &recorded)?;
        if edited.is_empty() {
            return Ok(());
        }
        if !self.migrator.settings.repair_checksums {
            return Err(Error::ChecksumMismatch {
                migrations: edited.iter().map(|m| format!("'{}' ({})", m.revision(), m.origin())).collect(),
            });
        }
        for migration in edited {
            tracing::warn!(
                revision = migration.revision(),
                "accepting the edited code of an applied migration"
            );
            let entry = LogEntry {
                revision: migration.revision(),
                direction: "repair",
                checksum: migration.checksum(),
                duration_ms: 0,
            };
            self.execute_bookkeeping(&[self.table.log(entry)]).await?;
            self.accepted_edits.push(migration.revision().to_owned());
        }
        Ok(())
    }

    /// Runs the plan's steps, each wrapped as its [`StepTransaction`] says; the first resumed
    /// where `resume` says. `finish` goes with the last step's bookkeeping.
    ///
    /// Round trips: a step's opening (its `BEGIN`, and the row that says a step that commits as
    /// it goes began) travels with the previous step's bookkeeping, and inside its transaction,
    /// so a step costs its statements plus one; in the run's one transaction, where nothing
    /// commits before the run's end, the bookkeeping waits for it ([`Deferred`], sent every
    /// [`DEFERRED_STEPS`] steps).
    async fn run_plan(
        &mut self,
        prepared: Prepared,
        mut resume: Option<Resume>,
        mut finish: Option<Statement>,
    ) -> Result<Report> {
        let Prepared { heads, plan, code } = prepared;
        let mode = self.migrator.settings.transaction_mode;
        // One transaction for the run, unless the lock already is one (SQLite).
        let run_transaction = mode == TransactionMode::WholeRun && !self.lock.holds_transaction();
        if run_transaction {
            let mut begin = vec![Statement::new("BEGIN")];
            begin.append(&mut self.pending);
            self.execute_together(&begin, "beginning the run's transaction").await?;
        }
        let mut report = Report { heads, ..Report::default() };
        if let Some(on_planned) = &self.migrator.settings.on_planned
            && !plan.steps.is_empty()
        {
            (on_planned.0)(&plan);
        }
        let migrator = self.migrator;
        let holds_transaction = self.lock.holds_transaction();
        let mut steps = plan
            .steps
            .iter()
            .zip(code)
            .map(|(step, code)| {
                let migration = migrator.migration(&step.revision)?;
                let transaction = StepTransaction::choose(holds_transaction, mode, migration.transactional);
                Ok((step, code, migration.checksum(), transaction))
            })
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .peekable();
        // The step's opening went with the previous step's bookkeeping.
        let mut opened = false;
        // The bookkeeping of the steps that wait for the run's end: written in a few statements.
        let mut deferred = Deferred::default();
        while let Some((step, code, checksum, transaction)) = steps.next() {
            let started = Instant::now();
            let mut outcome = Ok(0);
            let opening: Vec<Statement> = if opened {
                Vec::new()
            } else {
                self.opening(step, checksum, transaction, resume.is_some()).statements().collect()
            };
            // Without statements of its own, a step's opening leaves what is pending to wait: its
            // statements run in the transaction the pending ones belong to.
            if !opened && !opening.is_empty() {
                self.flush_deferred(&mut deferred, &report.heads);
                let mut statements = std::mem::take(&mut self.pending);
                statements.extend(opening);
                outcome = self
                    .execute_together(&statements, "beginning the migration's transaction")
                    .await
                    .map(|()| 0);
            }
            let defer = transaction == StepTransaction::Run
                && transaction.rolls_back(self.dialect.transactional_ddl())
                && !code.sets_timeouts();
            // The next step's opening goes with this step's bookkeeping, unless that waits for the
            // run's end; an async step opens on its own (see `record_failure`).
            let next = match steps.peek() {
                Some((next, StepCode::Operations(_), checksum, transaction)) if !defer => {
                    Some(self.opening(next, checksum, *transaction, false))
                }
                _ => None,
            };
            opened = next.is_some();
            let last = if steps.peek().is_none() { finish.take() } else { None };
            if outcome.is_ok() {
                outcome = self.run_step(step, &code, transaction, resume.take()).await;
            }
            let outcome = match outcome {
                Ok(duration_ms) if defer => {
                    deferred.heads_from.get_or_insert_with(|| report.heads.clone());
                    deferred.log.push(LogEntry::step(&step.revision, step.direction, checksum, duration_ms));
                    self.pending = self.closing(&code, transaction, Vec::new(), (next, last));
                    if deferred.log.len() < DEFERRED_STEPS {
                        Ok(())
                    } else {
                        self.flush_deferred(&mut deferred, &step.heads_after);
                        let statements = std::mem::take(&mut self.pending);
                        self.execute_together(&statements, "writing the version table").await
                    }
                }
                Ok(duration_ms) => {
                    self.flush_deferred(&mut deferred, &report.heads);
                    let entry = LogEntry::step(&step.revision, step.direction, checksum, duration_ms);
                    let bookkeeping = self.bookkeeping(step, entry, transaction, &report.heads);
                    let closing = self.closing(&code, transaction, bookkeeping, (next, last));
                    self.execute_together(&closing, "writing the version table").await
                }
                Err(error) => Err(error),
            };
            if let Err(mut error) = outcome {
                self.pending.clear();
                self.undo_step(transaction, run_transaction).await;
                if !transaction.rolls_back(self.dialect.transactional_ddl()) {
                    self.record_failure(step, transaction, &mut error).await;
                }
                return Err(error);
            }
            let duration = started.elapsed();
            tracing::info!(revision = %step.revision, direction = ?step.direction, duration_ms = duration.as_millis() as u64, "migrated");
            report.heads.clone_from(&step.heads_after);
            let applied = Applied { revision: step.revision.clone(), direction: step.direction, duration };
            if let Some(on_applied) = &self.migrator.settings.on_applied {
                (on_applied.0)(&applied);
            }
            report.applied.push(applied);
        }
        self.flush_deferred(&mut deferred, &report.heads);
        let mut end = std::mem::take(&mut self.pending);
        if run_transaction {
            end.push(Statement::new("COMMIT"));
        }
        self.execute_together(&end, "committing the run's transaction").await?;
        Ok(report)
    }

    /// A step's bookkeeping: the heads moved from `heads_before`, its log row and, for a step
    /// that commits as it goes, its progress emptied.
    fn bookkeeping(
        &self,
        step: &Step,
        entry: LogEntry<'_>,
        transaction: StepTransaction,
        heads_before: &[String],
    ) -> Vec<Statement> {
        let mut statements = self.table.move_heads(heads_before, &step.heads_after);
        statements.push(self.table.log(entry));
        if !transaction.rolls_back(self.dialect.transactional_ddl()) {
            statements.push(self.table.clear_progress());
        }
        statements
    }

    /// Adds what `deferred` holds to what is pending: the heads moved once, to `heads` (the
    /// same row updated once per step in one transaction costs PostgreSQL a longer chain of row
    /// versions to walk at each update), and the log rows in one statement.
    fn flush_deferred(&mut self, deferred: &mut Deferred<'_>, heads: &[String]) {
        if let Some(from) = deferred.heads_from.take() {
            let moved = self.table.move_heads(&from, heads);
            self.pending.extend(moved);
        }
        if !deferred.log.is_empty() {
            let log = self.table.log_rows(&deferred.log);
            self.pending.push(log);
            deferred.log.clear();
        }
    }

    /// What `step` sends before its first statement: its transaction's begin and, where it
    /// commits as it goes, the row that says it began (resuming: the failures recorded before,
    /// cleared).
    fn opening(
        &self,
        step: &Step,
        checksum: &'static str,
        transaction: StepTransaction,
        resuming: bool,
    ) -> Opening {
        let progress = match (transaction.rolls_back(self.dialect.transactional_ddl()), resuming) {
            (true, _) => None,
            (false, true) => Some(self.table.clear_failures()),
            (false, false) => {
                let tracking = Tracking { step, checksum, reopen: false, resume: None };
                let begun = tracking.row(0, 0, Outcome::Begun, &step.heads_after.join(" "));
                Some(self.table.record_progress(&begun))
            }
        };
        Opening { begin: transaction.begin().map(Statement::new), progress }
    }

    /// A step's bookkeeping as it is sent: what is pending, the next step's first progress row
    /// and `last` inside the step's transaction (or one of the bookkeeping's own), then the
    /// transaction's end, the timeouts put back, and the next step's begin.
    fn closing(
        &mut self,
        code: &StepCode,
        transaction: StepTransaction,
        bookkeeping: Vec<Statement>,
        (next, last): (Option<Opening>, Option<Statement>),
    ) -> Vec<Statement> {
        let transactional_ddl = self.dialect.transactional_ddl();
        let mut statements = std::mem::take(&mut self.pending);
        let own = transaction.bookkeeping_in_own_transaction(transactional_ddl);
        if own {
            statements.push(Statement::new("BEGIN"));
        }
        statements.extend(bookkeeping);
        let (next_begin, next_progress) = next.map_or((None, None), |next| (next.begin, next.progress));
        statements.extend(next_progress);
        statements.extend(last);
        if own {
            statements.push(Statement::new("COMMIT"));
        }
        statements.extend(transaction.end(transactional_ddl).map(Statement::new));
        if code.sets_timeouts() {
            statements.extend(self.dialect.reset_timeouts().into_iter().map(Statement::new));
        }
        statements.extend(next_begin);
        statements
    }

    /// Undoes what a failed step did where its transaction can, and the run's transaction if it
    /// has one. The step's own error is what the user needs; a failed rollback is logged.
    async fn undo_step(&mut self, transaction: StepTransaction, run_transaction: bool) {
        let rollback = match transaction.rollback() {
            Some(rollback) => Some(rollback),
            None if run_transaction => Some("ROLLBACK"),
            None => None,
        };
        let Some(rollback) = rollback else { return };
        match self.connection.run_sql(rollback).await {
            Ok(()) => self.failed_step_undone = transaction == StepTransaction::Savepoint,
            Err(error) => tracing::error!(%error, "rolling back the failed migration"),
        }
    }

    /// Runs one migration in the transaction its opening began; returns how long it took, in
    /// milliseconds, for its log row. With
    /// foreign keys suspended, checks them first. A step that commits as it goes (no transaction
    /// that rolls its DDL back) records a row per statement done.
    async fn run_step(
        &mut self,
        step: &Step,
        code: &StepCode,
        transaction: StepTransaction,
        resume: Option<Resume>,
    ) -> Result<i64> {
        let migration = self.migrator.migration(&step.revision)?;
        let started = Instant::now();
        let transactional_ddl = self.dialect.transactional_ddl();
        let rolls_back = transaction.rolls_back(transactional_ddl);
        let tracking = (!rolls_back).then_some(Tracking {
            step,
            checksum: migration.checksum(),
            // Within a transaction, one begins again after each statement that commits it.
            reopen: matches!(transaction, StepTransaction::Own | StepTransaction::Run),
            resume,
        });
        let failure = |statement, message, rolled_back, committed| {
            Error::MigrationFailed(Box::new(MigrationFailure {
                revision: step.revision.clone(),
                origin: migration.origin().to_owned(),
                direction: step.direction,
                statement,
                message,
                rolled_back,
                committed,
                resumable: false,
            }))
        };
        self.connection.wrapping = match (transaction, migration.transactional) {
            (StepTransaction::Outside | StepTransaction::BetweenRun, _) => Wrapping::Nothing,
            (_, false) => Wrapping::RunWriteLock,
            (_, true) => Wrapping::Transaction,
        };
        let mut ran = Vec::new();
        let outcome = match code {
            StepCode::Async(function) => {
                function(&mut self.connection).await.map_err(|error| (None, error.to_string()))
            }
            StepCode::Operations(recorded) => match recorded.operations() {
                Ok(operations) => self.apply(&operations, &mut ran, tracking.as_ref()).await,
                Err(error) => Err((None, error.to_string())),
            },
        };
        self.connection.wrapping = Wrapping::Nothing;
        if let Err((statement, message)) = outcome {
            // An async migration's error says what it did; of operations, a statement that ran
            // says that some of it took effect where it wasn't rolled back.
            // Where DDL commits as it runs, even a first statement that failed may have done part
            // of its work (several statements in one `execute`), so nothing is promised there.
            let rolled_back = rolls_back || (transactional_ddl && statement.is_some() && ran.is_empty());
            let committed = if rolls_back { Vec::new() } else { ran };
            return Err(failure(statement, message, rolled_back, committed));
        }
        tracing::debug!(revision = %step.revision, direction = ?step.direction, "migration ran; recording it");
        Ok(i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX))
    }

    /// Runs operations, each statement that succeeded added to `ran`; on failure, the statement
    /// that failed and the database's message. With `tracking`, each statement done is recorded,
    /// and a resumed migration skips the statements its progress records as done.
    async fn apply(
        &mut self,
        operations: &[Operation],
        ran: &mut Vec<String>,
        tracking: Option<&Tracking<'_>>,
    ) -> Result<(), (Option<String>, String)> {
        let resume = tracking.and_then(|tracking| tracking.resume.as_ref());
        let mut position = 0;
        for (index, operation) in operations.iter().enumerate() {
            if let Some(resume) = resume
                && resume.last_operation().is_some_and(|last| index < last)
            {
                // Done entirely: the stopped run went on to a later operation.
                position += resume.done_in(index);
                continue;
            }
            let statements = apply::render(&mut self.connection, self.dialect, operation)
                .await
                .map_err(|apply::Failed { statement, message }| (Some(statement), message))?;
            let count = statements.len();
            for (number, statement) in statements.into_iter().enumerate() {
                position += 1;
                let last = index + 1 == operations.len() && number + 1 == count;
                if let Some((done_in, checksum, recorded)) =
                    resume.and_then(|resume| resume.done.get(position - 1))
                {
                    if *done_in != index || *checksum != statement_checksum(&statement) {
                        let message = format!(
                            "the stopped run recorded statement {position} of this migration as done as `{recorded}`, which the migration doesn't render now; `migrate repair` settles it"
                        );
                        return Err((Some(statement), message));
                    }
                    continue;
                }
                let in_doubt =
                    resume.is_some_and(|resume| resume.interrupted && position == resume.done.len() + 1);
                match self.connection.run_sql(&statement).await {
                    Ok(()) => {}
                    Err(source) if in_doubt && self.dialect.already_applied(&source) => tracing::warn!(
                        %statement,
                        error = %describe(&source),
                        "the interrupted run had run this statement without recording it: counted as done"
                    ),
                    Err(source) => return Err((Some(statement), describe(&source))),
                }
                tracing::debug!(%statement, "statement ran");
                // The step's last statement, where it commits implicitly (MySQL's DDL), is recorded
                // by the step's bookkeeping, next: a kill before that leaves it in doubt, which a
                // re-run settles there.
                let recorded_next = last && self.dialect.commits_implicitly(&statement);
                if let Some(tracking) = tracking
                    && !recorded_next
                    && let Err(error) = self.record_done(tracking, position, index, &statement).await
                {
                    return Err((
                        Some(statement),
                        format!("it ran, but recording it as done failed: {error}"),
                    ));
                }
                ran.push(statement);
            }
        }
        if let Some(switch) = &self.suspended_foreign_keys {
            apply::check_foreign_keys(&mut self.connection, switch)
                .await
                .map_err(|apply::Failed { statement, message }| (Some(statement), message))?;
        }
        Ok(())
    }

    /// Records a statement of a tracked step as done, in the transaction the statement ran in: a
    /// data statement's record commits (or rolls back) with it; after DDL, which commits the
    /// transaction and itself, the record commits alone and, in a step with a transaction, a new
    /// one begins for the statements after it.
    async fn record_done(
        &mut self,
        tracking: &Tracking<'_>,
        position: usize,
        operation: usize,
        statement: &str,
    ) -> Result<()> {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let operation = i64::try_from(operation).unwrap_or(i64::MAX);
        let mut statements =
            vec![self.table.record_progress(&tracking.row(position, operation, Outcome::Done, statement))];
        if tracking.reopen && self.dialect.commits_implicitly(statement) {
            statements.push(Statement::new("BEGIN"));
        }
        self.execute_together(&statements, "recording the statement as done").await
    }

    /// Records why a tracked step failed, where its progress shows it began; the failure then
    /// says the next run resumes it. Where the progress is gone with the step's rollback, nothing
    /// of it was committed (its first row commits with the first statement that commits), and
    /// the failure says it was rolled back.
    async fn record_failure(&mut self, step: &Step, transaction: StepTransaction, error: &mut Error) {
        let Error::MigrationFailed(failure) = error else { return };
        // What the database committed of its progress is what the next run resumes from, even
        // when the connection is gone and nothing more can be read or written here.
        failure.resumable = true;
        let rows = match self.table.read_progress(&mut self.connection).await {
            Ok(rows) => rows,
            Err(error) => return tracing::error!(%error, "reading the progress of the failed migration"),
        };
        // The first row of a step of operations was written by the step before, so it outlives
        // the step's rollback: where no statement that commits implicitly ran, nothing did.
        let commits = |statement: &String| self.dialect.commits_implicitly(statement);
        let nothing_committed = transaction.rollback().is_some()
            && rows.iter().all(|row| row.outcome == Outcome::Begun)
            && failure.statement.as_ref().is_some_and(|statement| !commits(statement))
            && !failure.committed.iter().any(commits);
        if nothing_committed
            && let Err(error) =
                self.execute_together(&[self.table.clear_progress()], "forgetting the progress").await
        {
            tracing::error!(%error, "forgetting the progress of the rolled back migration");
        }
        if rows.is_empty() || nothing_committed {
            failure.resumable = false;
            if transaction.rollback().is_some() {
                failure.rolled_back = true;
                failure.committed.clear();
            }
            return;
        }
        let Some(migration) = self.migrator.migrations.get(step.revision.as_str()) else { return };
        let row = ProgressRow {
            revision: step.revision.clone(),
            direction: step.direction.as_str().to_owned(),
            checksum: migration.checksum().to_owned(),
            position: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            operation: 0,
            outcome: Outcome::Failed,
            statement_checksum: String::new(),
            statement: failure.statement.clone().unwrap_or_default(),
            message: Some(failure.message.clone()),
        };
        if let Err(error) =
            self.execute_together(&[self.table.record_progress(&row)], "recording the failure").await
        {
            tracing::error!(%error, "recording the failure of the migration");
        }
    }

    /// The half-applied migration the progress rows describe, if any.
    fn half_applied(&self, progress: &[ProgressRow]) -> Option<HalfApplied> {
        HalfApplied::from_rows(progress, |revision| {
            self.migrator.migrations.get(revision).map(|migration| (migration.origin(), migration.checksum()))
        })
    }

    /// Where the plan's first step resumes `half`, the half-applied migration `progress` tells
    /// of; refused when the plan doesn't begin with it, or it can't be resumed.
    fn resume(
        half: Option<HalfApplied>,
        progress: &[ProgressRow],
        plan: &Plan,
        code: &[StepCode],
    ) -> Result<Option<Resume>> {
        let Some(half) = half else { return Ok(None) };
        let reason = match (plan.steps.first(), code.first()) {
            _ if half.origin.is_empty() => "this program doesn't have that migration",
            _ if half.edited => "so the statements recorded as done may not be its statements any more",
            (Some(step), Some(code))
                if step.revision == half.revision && step.direction == half.direction =>
            {
                match code {
                    StepCode::Operations(_) => {
                        tracing::info!(revision = %half.revision, done = half.done.len(), "resuming a migration that stopped part way");
                        return Ok(Some(Resume::from_rows(progress)));
                    }
                    StepCode::Async(_) => {
                        // Its statements aren't recorded one by one: it runs again from its
                        // beginning, as it would have before the progress table existed.
                        tracing::warn!(revision = %half.revision, "running an async migration that stopped part way again from its beginning");
                        return Ok(Some(Resume::default()));
                    }
                }
            }
            (None, _) => "this run has nothing to run, yet the database is between two revisions",
            _ => {
                "this run would begin with another migration; finish this one first, with the command that began it"
            }
        };
        Err(Error::HalfApplied { half: Box::new(half), reason: reason.to_owned() })
    }

    /// Settles the half-applied migration `half` (read from `progress`) at `heads` as `repair` says.
    async fn repair(
        &mut self,
        repair: Repair,
        heads: &[String],
        progress: &[ProgressRow],
        half: &HalfApplied,
    ) -> Result<()> {
        let refused = |reason: String| Error::HalfApplied { half: Box::new(half.clone()), reason };
        let mut statements = vec![Statement::new("BEGIN")];
        match repair {
            Repair::Forget => {}
            Repair::MarkApplied => {
                let Some(begun) = progress.iter().find(|row| row.outcome == Outcome::Begun) else {
                    return Err(refused("its first row, which says where it leads, is missing".to_owned()));
                };
                let after: Vec<String> = begun.statement.split_whitespace().map(str::to_owned).collect();
                let checksum = self
                    .migrator
                    .migrations
                    .get(half.revision.as_str())
                    .map_or(begun.checksum.as_str(), |migration| migration.checksum());
                statements.extend(self.table.move_heads(heads, &after));
                statements.push(self.table.log(LogEntry {
                    revision: &half.revision,
                    direction: half.direction.as_str(),
                    checksum,
                    duration_ms: 0,
                }));
            }
            Repair::Undo => self.undo_half_applied(progress, half).await.map_err(refused)?,
        }
        statements.push(self.table.clear_progress());
        // The next start checks the applied checksums in the log again.
        statements.push(self.table.set_digest(None));
        statements.push(Statement::new("COMMIT"));
        tracing::warn!(revision = %half.revision, ?repair, "settled a migration that stopped part way");
        self.execute_together(&statements, "recording the repair").await
    }

    /// Reverts the operations of a half-applied migration recorded as done, with their inverses,
    /// last first; why not, when it can't.
    async fn undo_half_applied(
        &mut self,
        progress: &[ProgressRow],
        half: &HalfApplied,
    ) -> Result<(), String> {
        if half.edited || half.origin.is_empty() {
            return Err(
                "what it did can't be derived from its code, which this program doesn't have as it ran"
                    .to_owned(),
            );
        }
        let step =
            Step { revision: half.revision.clone(), direction: half.direction, heads_after: Vec::new() };
        let code = plan_code(&Plan { steps: vec![step] }, |revision| self.migrator.migration(revision), None)
            .map_err(|error| error.to_string())?;
        let operations =
            code.first().map(StepCode::operations).transpose().map_err(|error| error.to_string())?;
        let Some(operations) = operations.flatten() else {
            return Err("it is an async fn, whose changes aren't recorded: undo them by hand, then `migrate repair --forget`".to_owned());
        };
        let resume = Resume::from_rows(progress);
        let done = match resume.last_operation() {
            None => 0,
            Some(last) => {
                let operation = operations
                    .get(last)
                    .ok_or_else(|| "its progress names an operation it doesn't have".to_owned())?;
                let rendered = apply::render(&mut self.connection, self.dialect, operation)
                    .await
                    .map_err(|apply::Failed { statement, message }| format!("{statement}: {message}"))?;
                if rendered.len() != resume.done_in(last) {
                    return Err(format!(
                        "its operation {} ({}) was only partly done: undo it by hand, then `migrate repair --forget`",
                        last + 1,
                        operation.describe()
                    ));
                }
                last + 1
            }
        };
        let inverse = Operation::invert_all(operations.get(..done).unwrap_or_default())?;
        for operation in &inverse {
            let statements = apply::render(&mut self.connection, self.dialect, operation).await.map_err(
                |apply::Failed { statement, message }| {
                    format!("undoing it failed on `{statement}`: {message}")
                },
            )?;
            for statement in statements {
                self.connection
                    .run_sql(&statement)
                    .await
                    .map_err(|source| format!("undoing it failed on `{statement}`: {}", describe(&source)))?;
            }
        }
        Ok(())
    }

    /// Runs statements of migrate's own (with literals) in one round trip; one statement alone,
    /// or each where statements cost no round trip, runs with its arguments bound.
    async fn execute_together(&mut self, statements: &[Statement], doing: &str) -> Result<()> {
        match statements {
            [] => Ok(()),
            [statement] => self.run_statement(statement, doing).await,
            statements if self.dialect.in_process() => {
                for statement in statements {
                    self.run_statement(statement, doing).await?;
                }
                Ok(())
            }
            statements => {
                let sql: Vec<String> =
                    statements.iter().map(|statement| self.dialect.inline(statement)).collect();
                self.connection
                    .run_sql(&sql.join(";\n"))
                    .await
                    .map_err(|source| Error::Database { doing: doing.to_owned(), cause: source })
            }
        }
    }

    /// Runs statements on migrate's own tables.
    async fn execute_bookkeeping(&mut self, statements: &[Statement]) -> Result<()> {
        for statement in statements {
            self.run_statement(statement, "writing the version table").await?;
        }
        Ok(())
    }

    /// Runs one statement with its arguments bound; `doing` says what for, in its error.
    async fn run_statement(&mut self, statement: &Statement, doing: &str) -> Result<()> {
        let sql = self.dialect.bound(statement);
        let outcome = if statement.arguments().is_empty() {
            self.connection.run_sql(&sql).await
        } else {
            self.connection.execute_statement(&sql, statement.arguments()).await
        };
        outcome.map_err(|source| Error::Database { doing: doing.to_owned(), cause: source })
    }
}

/// Whether two lists of heads name the same revisions, in any order.
#[cfg(feature = "testing")]
fn same_heads(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|head| b.contains(head))
}

/// A step that commits as it goes, whose progress is recorded.
struct Tracking<'s> {
    step: &'s Step,
    /// The migration's checksum.
    checksum: &'static str,
    /// The step has a transaction, to begin again after a statement that commits it.
    reopen: bool,
    /// Where a half-applied migration resumes.
    resume: Option<Resume>,
}

impl Tracking<'_> {
    fn row(&self, position: i64, operation: i64, outcome: Outcome, statement: &str) -> ProgressRow {
        ProgressRow {
            revision: self.step.revision.clone(),
            direction: self.step.direction.as_str().to_owned(),
            checksum: self.checksum.to_owned(),
            position,
            operation,
            outcome,
            statement_checksum: statement_checksum(statement),
            statement: statement.to_owned(),
            message: None,
        }
    }
}

/// The most steps whose bookkeeping waits for the run's end before it is sent on its own: what
/// waits stays small (a few kilobytes), one statement writes their log rows within every
/// database's limit on bound arguments, and the round trip costs a hundredth of a round trip per
/// step.
const DEFERRED_STEPS: usize = 100;

/// The bookkeeping of the steps whose transaction is the run's, which waits for the run's end.
#[derive(Default)]
struct Deferred<'p> {
    /// The heads before the first of them.
    heads_from: Option<Vec<String>>,
    log: Vec<LogEntry<'p>>,
}

/// What a step sends before its first statement.
struct Opening {
    /// Its transaction's begin.
    begin: Option<Statement>,
    /// The first progress row of a step that commits as it goes.
    progress: Option<Statement>,
}

impl Opening {
    fn statements(self) -> impl Iterator<Item = Statement> {
        self.begin.into_iter().chain(self.progress)
    }
}

/// What the look without the lock found.
enum Look {
    /// The database is at the target: the report.
    AtTarget(Report),
    /// Work to do, under the lock: the plan, when the look made one to reuse.
    Prepared(Option<Prepared>),
}

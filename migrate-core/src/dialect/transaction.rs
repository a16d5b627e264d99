//! How each migration of a run is wrapped in a transaction: chosen once per step, with the
//! statements that begin, end and roll back each kind written here once (they are the same on
//! every supported database).

/// How a run wraps its transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionMode {
    /// One transaction per migration: a failure keeps the migrations before it.
    #[default]
    PerMigration,
    /// One transaction around the whole run: a failure reverts the whole run (where the database
    /// can roll back DDL).
    WholeRun,
}

/// What wraps one step of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepTransaction {
    /// A savepoint in the transaction that holds the run lock (SQLite's write lock).
    Savepoint,
    /// A transaction of its own.
    Own,
    /// Part of the run's one transaction.
    Run,
    /// No transaction (`transaction = false`).
    Outside,
    /// No transaction, in a run that has one: the run's transaction is committed before the step
    /// and begun again after it, like Alembic's `autocommit_block`.
    BetweenRun,
}

impl StepTransaction {
    /// The wrapping of a step of a migration that runs in a transaction (`transactional`) or not,
    /// in a run whose lock is a transaction around it (`run_holds_transaction`) or not.
    pub(crate) fn choose(run_holds_transaction: bool, mode: TransactionMode, transactional: bool) -> Self {
        match (run_holds_transaction, mode, transactional) {
            // SQLite has no lock outside a transaction: even a `transaction = false` step runs
            // inside the run's transaction.
            (true, TransactionMode::PerMigration, _) => Self::Savepoint,
            (true, TransactionMode::WholeRun, _) => Self::Run,
            (false, TransactionMode::PerMigration, true) => Self::Own,
            (false, TransactionMode::WholeRun, true) => Self::Run,
            (false, TransactionMode::PerMigration, false) => Self::Outside,
            (false, TransactionMode::WholeRun, false) => Self::BetweenRun,
        }
    }

    /// Whether a failed step is undone entirely, on a database that can (`transactional_ddl`).
    pub(crate) fn rolls_back(self, transactional_ddl: bool) -> bool {
        transactional_ddl && matches!(self, Self::Savepoint | Self::Own | Self::Run)
    }

    /// Whether the step's bookkeeping (version table and log) needs a transaction of its own so
    /// that it is never half-written: after a step with none, and where DDL commits implicitly
    /// (MySQL), whose `BEGIN` also commits what the step did.
    pub(crate) fn bookkeeping_in_own_transaction(self, transactional_ddl: bool) -> bool {
        !transactional_ddl || matches!(self, Self::Outside | Self::BetweenRun)
    }

    /// What runs before the step.
    pub(crate) fn begin(self) -> Option<&'static str> {
        match self {
            Self::Savepoint => Some("SAVEPOINT migrate_step"),
            Self::Own => Some("BEGIN"),
            Self::BetweenRun => Some("COMMIT"),
            Self::Run | Self::Outside => None,
        }
    }

    /// What runs after the step and its bookkeeping.
    pub(crate) fn end(self, transactional_ddl: bool) -> Option<&'static str> {
        match self {
            Self::Savepoint => Some("RELEASE SAVEPOINT migrate_step"),
            // Where the bookkeeping had its own transaction, its COMMIT ended the step's.
            Self::Own if self.bookkeeping_in_own_transaction(transactional_ddl) => None,
            Self::Own => Some("COMMIT"),
            Self::BetweenRun => Some("BEGIN"),
            Self::Run | Self::Outside => None,
        }
    }

    /// What undoes a failed step; for a step in the run's transaction, the run's end does.
    pub(crate) fn rollback(self) -> Option<&'static str> {
        match self {
            Self::Savepoint => Some("ROLLBACK TO SAVEPOINT migrate_step; RELEASE SAVEPOINT migrate_step"),
            Self::Own => Some("ROLLBACK"),
            Self::Run | Self::Outside | Self::BetweenRun => None,
        }
    }
}

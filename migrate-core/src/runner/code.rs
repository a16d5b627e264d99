//! What each step of a plan runs: the migration's async function, or its operations (a
//! downgrade written without a function runs its upgrade's operations inverted). Operations are
//! recorded when they are needed and dropped after, so a run holds one step's at a time.

use crate::dialect::Dialect;
use crate::direction::Direction;
use crate::error::{Error, Result};
use crate::graph::{Plan, Step};
use crate::ops::{Operation, Operations};
use crate::registry::{Downgrade, Migration, MigrationFn};

/// An async migration function.
pub(super) type AsyncFunction = for<'c> fn(&'c mut crate::Connection) -> crate::registry::MigrationFuture<'c>;

/// What one step runs.
pub(super) enum StepCode {
    /// An async function given the run's connection.
    Async(AsyncFunction),
    /// Operations, recorded on demand.
    Operations(Recorded),
}

/// A step's operations, as a function that records them.
pub(super) struct Recorded {
    migration: &'static Migration,
    record: fn(&mut Operations),
    /// The upgrade's operations, inverted: a downgrade written without a function.
    inverted: bool,
    /// The operations set a timeout, which the run puts back after the step.
    pub(super) sets_timeouts: bool,
    /// One of the operations rebuilds a table (SQLite's batch mode), on the dialect the code was
    /// checked for.
    rebuilds_table: bool,
    /// One of the operations renders differently on that database's servers (MariaDB's
    /// `IF [NOT] EXISTS` forms, which MySQL lacks).
    server_specific: bool,
}

impl Recorded {
    /// The operations, recorded now.
    pub(super) fn operations(&self) -> Result<Vec<Operation>> {
        let operations = Operations::of(self.record);
        if !self.inverted {
            return Ok(operations);
        }
        Operation::invert_all(&operations).map_err(|reason| Error::NoDowngrade {
            revision: self.migration.revision().to_owned(),
            origin: self.migration.origin().to_owned(),
            reason,
        })
    }
}

impl StepCode {
    /// The step's operations, recorded now; `None` for an async function, which runs its own
    /// queries.
    pub(super) fn operations(&self) -> Result<Option<Vec<Operation>>> {
        match self {
            StepCode::Async(_) => Ok(None),
            StepCode::Operations(recorded) => recorded.operations().map(Some),
        }
    }

    /// Whether the step sets timeouts, which the run puts back when it ends (a failed step's are
    /// undone by its rollback where it has one; otherwise they last until the connection closes).
    pub(super) fn sets_timeouts(&self) -> bool {
        matches!(self, StepCode::Operations(Recorded { sets_timeouts: true, .. }))
    }
}

/// Whether a step of `code` rebuilds a table, on the dialect it was checked for.
pub(super) fn rebuilds_tables(code: &[StepCode]) -> bool {
    code.iter().any(|step| matches!(step, StepCode::Operations(Recorded { rebuilds_table: true, .. })))
}

/// Whether a step of `code` renders differently on the servers of the database it was checked
/// for.
pub(super) fn server_specific(code: &[StepCode]) -> bool {
    code.iter().any(|step| matches!(step, StepCode::Operations(Recorded { server_specific: true, .. })))
}

/// The code of each step of `plan`, checked for every step before anything runs (a downgrade
/// that can't be derived is refused here), for `dialect` where the run needs to know what the
/// operations ask of it. `migration` finds a planned revision's migration.
pub(super) fn plan_code(
    plan: &Plan,
    migration: impl Fn(&str) -> Result<&'static Migration>,
    dialect: Option<&dyn Dialect>,
) -> Result<Vec<StepCode>> {
    plan.steps.iter().map(|step| step_code(step, migration(&step.revision)?, dialect)).collect()
}

fn step_code(step: &Step, migration: &'static Migration, dialect: Option<&dyn Dialect>) -> Result<StepCode> {
    let (function, inverted) = match (step.direction, migration.downgrade) {
        (Direction::Upgrade, _) => (migration.upgrade, false),
        (Direction::Downgrade, Downgrade::Function(function)) => (function, false),
        (Direction::Downgrade, Downgrade::Irreversible) => {
            return Err(Error::Irreversible {
                revision: step.revision.clone(),
                origin: migration.origin().to_owned(),
            });
        }
        (Direction::Downgrade, Downgrade::Missing) => match migration.upgrade {
            MigrationFn::Sync(_) => (migration.upgrade, true),
            MigrationFn::Async(_) => {
                return Err(Error::NoDowngrade {
                    revision: step.revision.clone(),
                    origin: migration.origin().to_owned(),
                    reason: "its upgrade is an async fn, whose changes aren't recorded".to_owned(),
                });
            }
        },
    };
    let record = match function {
        MigrationFn::Async(function) => return Ok(StepCode::Async(function)),
        MigrationFn::Sync(record) => record,
    };
    let mut recorded = Recorded {
        migration,
        record,
        inverted,
        sets_timeouts: false,
        rebuilds_table: false,
        server_specific: false,
    };
    let operations = recorded.operations()?;
    let any = |matches: &dyn Fn(&Operation) -> bool| operations.iter().any(matches);
    recorded.sets_timeouts = any(&|operation| matches!(operation, Operation::SetTimeout(_)));
    if let Some(dialect) = dialect {
        recorded.rebuilds_table = any(&|operation| dialect.live_table_needed(operation).is_some());
        recorded.server_specific = any(&|operation| dialect.server_specific(operation));
    }
    Ok(StepCode::Operations(recorded))
}

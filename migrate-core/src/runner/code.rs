//! What each step of a plan runs: the migration's async function, or its operations (a
//! downgrade written without a function runs its upgrade's operations inverted). Operations are
//! recorded when they are needed and dropped after, so a run holds one step's at a time.

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
}

impl Recorded {
    /// The operations, recorded now.
    pub(super) fn operations(&self) -> Result<Vec<Operation>> {
        let operations = Operations::of(self.record);
        if !self.inverted {
            return Ok(operations);
        }
        Operation::invert_all(&operations).map_err(|reason| Error::NoDowngrade {
            revision: self.migration.revision.to_owned(),
            origin: self.migration.origin(),
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

/// Whether any step of `code` records an operation `matches` picks.
pub(super) fn any_operation(code: &[StepCode], matches: impl Fn(&Operation) -> bool) -> Result<bool> {
    for step in code {
        if step.operations()?.is_some_and(|operations| operations.iter().any(&matches)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The code of each step of `plan`, checked for every step before anything runs (a downgrade
/// that can't be derived is refused here). `migration` finds a planned revision's migration.
pub(super) fn plan_code(
    plan: &Plan,
    migration: impl Fn(&str) -> Result<&'static Migration>,
) -> Result<Vec<StepCode>> {
    plan.steps.iter().map(|step| step_code(step, migration(&step.revision)?)).collect()
}

fn step_code(step: &Step, migration: &'static Migration) -> Result<StepCode> {
    let (function, inverted) = match (step.direction, migration.downgrade) {
        (Direction::Upgrade, _) => (migration.upgrade, false),
        (Direction::Downgrade, Downgrade::Function(function)) => (function, false),
        (Direction::Downgrade, Downgrade::Irreversible) => {
            return Err(Error::Irreversible { revision: step.revision.clone(), origin: migration.origin() });
        }
        (Direction::Downgrade, Downgrade::Missing) => match migration.upgrade {
            MigrationFn::Sync(_) => (migration.upgrade, true),
            MigrationFn::Async(_) => {
                return Err(Error::NoDowngrade {
                    revision: step.revision.clone(),
                    origin: migration.origin(),
                    reason: "its upgrade is an async fn, whose changes aren't recorded".to_owned(),
                });
            }
        },
    };
    let record = match function {
        MigrationFn::Async(function) => return Ok(StepCode::Async(function)),
        MigrationFn::Sync(record) => record,
    };
    let mut recorded = Recorded { migration, record, inverted, sets_timeouts: false };
    let operations = recorded.operations()?;
    recorded.sets_timeouts = operations.iter().any(|operation| matches!(operation, Operation::SetTimeout(_)));
    Ok(StepCode::Operations(recorded))
}

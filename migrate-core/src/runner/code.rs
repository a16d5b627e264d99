//! What each step of a plan runs: the migration's async function, or its operations, recorded
//! once per run (a downgrade written without a function runs its upgrade's operations inverted).

use crate::direction::Direction;
use crate::error::{Error, Result};
use crate::graph::Plan;
use crate::ops::{Operation, Operations};
use crate::registry::{Downgrade, Migration, MigrationFn};

/// An async migration function.
pub(super) type AsyncFunction = for<'c> fn(&'c mut crate::Connection) -> crate::registry::MigrationFuture<'c>;

/// What one step runs.
pub(super) enum StepCode {
    /// An async function given the run's connection.
    Async(AsyncFunction),
    /// Recorded operations.
    Operations(Vec<Operation>),
}

impl StepCode {
    /// The step's operations; `None` for an async function, which runs its own queries.
    pub(super) fn operations(&self) -> Option<&[Operation]> {
        match self {
            StepCode::Async(_) => None,
            StepCode::Operations(operations) => Some(operations),
        }
    }
}

/// The code of each step of `plan`, checked for every step before anything runs. `migration`
/// finds a planned revision's migration.
pub(super) fn plan_code<'m>(
    plan: &Plan,
    migration: impl Fn(&str) -> Result<&'m Migration>,
) -> Result<Vec<StepCode>> {
    plan.steps
        .iter()
        .map(|step| {
            let migration = migration(&step.revision)?;
            match (step.direction, migration.downgrade) {
                (Direction::Upgrade, _) => Ok(function_code(migration.upgrade)),
                (Direction::Downgrade, Downgrade::Function(function)) => Ok(function_code(function)),
                (Direction::Downgrade, Downgrade::Irreversible) => {
                    Err(Error::Irreversible { revision: step.revision.clone(), origin: migration.origin() })
                }
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

fn function_code(function: MigrationFn) -> StepCode {
    match function {
        MigrationFn::Sync(record) => StepCode::Operations(Operations::of(record)),
        MigrationFn::Async(function) => StepCode::Async(function),
    }
}

/// The downgrade of a migration written without one: the inverse of each operation its upgrade
/// records, last first; `Err` says why there is none.
fn derived_downgrade(migration: &Migration) -> Result<Vec<Operation>, String> {
    let Some(operations) = migration.upgrade_operations() else {
        return Err("its upgrade is an async fn, whose changes aren't recorded".to_owned());
    };
    Operation::invert_all(&operations)
}

//! A migration that commits as it goes, stopped part way: MySQL and MariaDB commit each DDL
//! statement as it runs, and a `transaction = false` migration has no transaction on any
//! database, so a failure or a killed process can leave such a migration half-applied. Each of its
//! statements is recorded in the progress table as it completes (see [`VersionTable`]); a re-run
//! resumes at the first statement not done, and [`Repair`] settles what can't be resumed.
//!
//! [`VersionTable`]: super::version_table::VersionTable

use std::fmt;

use super::version_table::{Outcome, ProgressRow};
use crate::direction::Direction;

/// A migration that stopped part way, as its progress rows tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfApplied {
    /// The revision.
    pub revision: String,
    /// Upgrading or downgrading.
    pub direction: Direction,
    /// Where the migration is declared; empty when this program doesn't have it.
    pub origin: String,
    /// The migration's code changed since it ran: its statements may not be the same any more.
    pub edited: bool,
    /// The statements that took effect, in order.
    pub done: Vec<String>,
    /// The statement that failed and the database's message; `None` when the run was
    /// interrupted (killed, or its connection lost), which leaves the statement after the last one
    /// done in doubt.
    pub failed: Option<(String, String)>,
}

impl HalfApplied {
    /// Reads the progress rows: `None` when there are none. `origin` and `checksum` find the
    /// program's migration of a revision (its origin and current checksum), when it has it.
    pub(super) fn from_rows(
        rows: &[ProgressRow],
        migration: impl Fn(&str) -> Option<(&'static str, &'static str)>,
    ) -> Option<Self> {
        let first = rows.first()?;
        let direction = if first.direction == Direction::Downgrade.as_str() {
            Direction::Downgrade
        } else {
            Direction::Upgrade
        };
        let (origin, edited) = match migration(&first.revision) {
            Some((origin, checksum)) => (origin.to_owned(), checksum != first.checksum),
            None => (String::new(), false),
        };
        Some(Self {
            revision: first.revision.clone(),
            direction,
            origin,
            edited,
            done: rows
                .iter()
                .filter(|row| row.outcome == Outcome::Done)
                .map(|row| row.statement.clone())
                .collect(),
            failed: rows
                .iter()
                .find(|row| row.outcome == Outcome::Failed)
                .map(|row| (row.statement.clone(), row.message.clone().unwrap_or_default())),
        })
    }
}

impl fmt::Display for HalfApplied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.direction {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        };
        write!(f, "the {verb} of '{}'", self.revision)?;
        if !self.origin.is_empty() {
            write!(f, " ({})", self.origin)?;
        }
        match &self.failed {
            Some(_) => write!(f, " failed part way")?,
            None => write!(f, " was interrupted part way")?,
        }
        if self.done.is_empty() {
            write!(f, "; none of its statements is recorded as done")?;
        } else {
            write!(f, "; done: ")?;
            for (position, statement) in self.done.iter().enumerate() {
                write!(f, "{}{}. `{statement}`", if position == 0 { "" } else { ", " }, position + 1)?;
            }
        }
        if let Some((statement, message)) = &self.failed {
            write!(f, "; failed: `{statement}`: {message}")?;
        }
        if self.edited {
            write!(f, "; its code changed since it ran")?;
        }
        Ok(())
    }
}

/// How `Migrator::repair` settles a half-applied migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// The migration is finished (by hand): record it as applied, as if it had run to the end.
    MarkApplied,
    /// Revert what it did, with the inverse of each of its operations that is recorded as done,
    /// last first, and forget it: the database is back where it was before the migration.
    Undo,
    /// Forget its progress (it was reverted by hand): the next run runs it from its beginning.
    Forget,
}

/// Where a resumed migration starts: the statements done, from its progress rows.
#[derive(Debug, Clone, Default)]
pub(super) struct Resume {
    /// The statements done, in order: `(operation index, statement checksum, statement)`.
    pub(super) done: Vec<(usize, String, String)>,
    /// The run that left it was interrupted (no failure recorded), so the first statement after
    /// the ones done may have taken effect without being recorded.
    pub(super) interrupted: bool,
}

impl Resume {
    pub(super) fn from_rows(rows: &[ProgressRow]) -> Self {
        Self {
            done: rows
                .iter()
                .filter(|row| row.outcome == Outcome::Done)
                .map(|row| {
                    let operation = usize::try_from(row.operation).unwrap_or(usize::MAX);
                    (operation, row.statement_checksum.clone(), row.statement.clone())
                })
                .collect(),
            interrupted: !rows.iter().any(|row| row.outcome == Outcome::Failed),
        }
    }

    /// How many statements of operation `index` are done.
    pub(super) fn done_in(&self, index: usize) -> usize {
        self.done.iter().filter(|(operation, _, _)| *operation == index).count()
    }

    /// The index of the last operation with a statement done.
    pub(super) fn last_operation(&self) -> Option<usize> {
        self.done.last().map(|(operation, _, _)| *operation)
    }
}

/// The checksum of a statement's text, as the progress table records it.
pub(super) fn statement_checksum(statement: &str) -> String {
    format!("{:032x}", super::fnv1a_128([statement.as_bytes()]))
}

//! Runtime of the `migrate` framework: the revision graph, the compile-time registry of
//! migrations and the operations a migration records.
//!
//! Users depend on the `migrate` facade crate; this crate is usable on its own by tools and tests
//! that build a [`RevisionGraph`] from plain data without the `#[migration]` attribute.

pub mod data;
pub mod dialect;
mod error;
pub mod graph;
pub mod ops;
pub mod registry;
pub mod runner;
pub mod schema;

pub use data::{BatchReport, CopyInBatches, UpdateInBatches};
pub use dialect::Database;
pub use error::{Error, MigrationFailure, Result};
pub use graph::{Direction, Plan, Revision, RevisionGraph, RevisionSpec, Step};
pub use ops::{Operation, Operations};
pub use registry::{Downgrade, Migration, MigrationFn, MigrationFuture};
pub use runner::{
    Applied, Connection, DatabasePool, MigratePool, Migrator, Report, TransactionMode, upgrade_to_head,
};
pub use schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, ReferentialAction, ServerDefault, Table, Type,
    Value,
};

/// Items the `#[migration]` attribute expands to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::{Downgrade, Migration, MigrationFn, MigrationFuture, migration_result};
    pub use inventory;
}

//! Runtime of the `migrate` framework: the revision graph, the compile-time registry of
//! migrations and the operations a migration records.
//!
//! Users depend on the `migrate` facade crate; this crate is usable on its own by tools and tests
//! that build a [`RevisionGraph`] from plain data without the `#[migration]` attribute.

mod error;
pub mod graph;
pub mod ops;
pub mod registry;

pub use error::{Error, Result};
pub use graph::{Direction, Plan, Revision, RevisionGraph, RevisionSpec, Step};
pub use ops::{Operation, Operations};
pub use registry::{Downgrade, Migration, MigrationFn};

/// Items the `#[migration]` attribute expands to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::{Downgrade, Migration, MigrationFn};
    pub use inventory;
}

//! Runtime of the `migrate` framework: the revision graph, the compile-time registry of
//! migrations, the operations a migration records and the runner that applies them.
//!
//! Users depend on the `migrate` facade crate; this crate is usable on its own by tools and tests
//! that build a [`RevisionGraph`] from plain data without the `#[migration]` attribute. Every
//! public item has one path, listed below; the modules are private. ARCHITECTURE.md at the
//! repository's root describes each module and the invariant it keeps.

/// Autogenerate: the app's models compared with a database's schema, as a migration.
pub mod autogenerate;
mod connection;
mod data;
mod database;
mod dialect;
mod direction;
mod error;
mod graph;
mod introspect;
mod lint;
mod ops;
mod registry;
mod runner;
mod schema;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;

pub use connection::{ColumnIndex, Connection, DatabasePool, FromValue, MigratePool, Query, Row};
pub use data::{BatchReport, CopyInBatches, UpdateInBatches};
pub use database::{Database, redact_url};
pub use dialect::TransactionMode;
pub use direction::Direction;
pub use error::{Error, MigrationFailure, Result};
pub use graph::{Plan, Revision, RevisionGraph, RevisionSpec, Step};
pub use introspect::{
    ColumnSchema, ColumnType, EnumSchema, FunctionSchema, Schema, SchemaChange, SchemaDiff, SchemaDifference,
    TableSchema, TriggerSchema, ViewSchema,
};
pub use lint::{Finding, LintReport, Rule, lint, lint_registered};
pub use ops::{BatchOperations, Operations};
pub use registry::{Migration, NameList};
pub use runner::{Applied, HalfApplied, Migrator, Repair, Report, upgrade_to_head, upgrade_to_heads};
pub use schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Function, Index, Model, ModelDefinition, Reference,
    ReferentialAction, SchemaObject, ServerDefault, SqlType, Table, Trigger, TriggerEvent, TriggerTiming,
    Type, Value, View,
};

/// The operations a migration records, as data: what [`Operations`] builds, for tools that read
/// or render a migration's changes.
pub mod operation {
    pub use crate::ops::{
        AddColumn, AddConstraint, AddEnumValue, AlterColumn, BatchAlterTable, BulkInsert, CreateEnum,
        CreateFunction, CreateIndex, CreateTable, CreateTrigger, CreateView, DropColumn, DropConstraint,
        DropEnum, DropFunction, DropIndex, DropTable, DropTrigger, DropView, ExecuteOn, Operation,
        RenameTable, SetTimeout, Timeout, ValidateConstraint,
    };
}

/// Items the `#[migration]` attribute and `#[derive(Model)]` expand to; not part of the public API, and exempt from
/// semver.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::{
        Downgrade, Migration, MigrationFn, MigrationFuture, ModelRegistration, SchemaObjectRegistration,
        migration_result,
    };
    pub use crate::schema::{TextColumn, varchar};
    pub use inventory;
    pub use migrate_names::Declaration;
}

//! Code-first database migrations for Rust: Alembic's workflow, with migrations written as
//! ordinary Rust functions.
//!
//! ```
//! use migrate::prelude::*;
//!
//! /// Create the users table.
//! #[migration(revision = "e1a47c12a8e9", down_revision = None, downgrade = drop_users)]
//! fn create_users(op: &mut Operations) {
//!     op.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
//! }
//!
//! fn drop_users(op: &mut Operations) {
//!     op.execute("DROP TABLE users");
//! }
//! ```
//!
//! The attribute registers each migration at compile time ([`Migration::registered`]); the
//! [`RevisionGraph`] orders them, with Alembic's branches, merges, labels and targets; a
//! [`Migrator`] moves a database through them. The user guide (the `book/` folder) teaches each,
//! task by task.
//!
//! # Cargo features
//! One per database driver: `sqlite` (on by default), `postgres` and `mysql` (MySQL and MariaDB);
//! `cli` (on by default) for [`cli`], the command line; `testing` for `migrate::testing`, the
//! stairway and graph checks an app runs in its own tests.
//! An app compiles only the drivers it names; offline SQL renders for every database whatever the
//! features. [`sqlx`] is re-exported, so an async migration can use the same sqlx as migrate
//! without matching its version by hand.

#[cfg(feature = "cli")]
pub mod cli;

pub use migrate_core::*;
pub use migrate_macros::migration;
/// `#[migrate::test]` (with the `testing` feature, whose runtime it calls): see the macro.
pub use migrate_macros::test;
pub use migrate_macros::{Enum, Model};
pub use sqlx;

/// Declares a view, function or trigger for autogenerate to compare: `$declare` names a function
/// that returns a [`View`], [`Function`] or [`Trigger`] (or a [`SchemaObject`]), registered
/// like a model and collected by [`SchemaObject::registered`].
///
/// ```
/// use migrate::prelude::*;
///
/// fn active_users() -> View {
///     View::new("active_users", "SELECT id, email FROM users WHERE active")
/// }
/// migrate::schema_object!(active_users);
///
/// assert!(migrate::SchemaObject::registered().iter().any(|object| object.name() == "active_users"));
/// ```
#[macro_export]
macro_rules! schema_object {
    ($declare:path) => {
        const _: () = {
            fn object() -> $crate::SchemaObject {
                $crate::SchemaObject::from($declare())
            }
            $crate::__private::inventory::submit! {
                $crate::__private::SchemaObjectRegistration { object }
            }
        };
    };
}

/// Everything a migration module needs: `use migrate::prelude::*;`. With `MigratePool`, so that
/// `pool.migrate_connection()` works where a pool is at hand (a `#[migrate::test]`).
pub mod prelude {
    pub use migrate_core::{
        Connection, Constraint, Database, ForeignKey, Function, MigratePool, Migration, Operations,
        ReferentialAction, ServerDefault, Trigger, TriggerEvent, TriggerTiming, Type, Value, View,
    };
    pub use migrate_macros::{Enum, Model, migration};
}

/// The user guide's chapters, compiled and run as doctests so the guide can't drift from the code.
#[cfg(doctest)]
mod book {
    #[doc = include_str!("../book/src/introduction.md")]
    struct Introduction;
    #[doc = include_str!("../book/src/tutorial.md")]
    struct Tutorial;
    #[doc = include_str!("../book/src/writing-migrations.md")]
    struct WritingMigrations;
    #[doc = include_str!("../book/src/operations.md")]
    struct Operations;
    #[doc = include_str!("../book/src/models.md")]
    struct Models;
    #[doc = include_str!("../book/src/autogenerate.md")]
    struct Autogenerate;
    #[doc = include_str!("../book/src/revisions.md")]
    struct Revisions;
    #[doc = include_str!("../book/src/running.md")]
    struct Running;
    #[doc = include_str!("../book/src/cli.md")]
    struct CommandLine;
    #[doc = include_str!("../book/src/testing.md")]
    struct Testing;
    #[doc = include_str!("../book/src/lint.md")]
    struct Lint;
    #[doc = include_str!("../migrate-macros/src/migration.md")]
    struct MigrationAttribute;
}

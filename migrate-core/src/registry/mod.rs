//! The compile-time registry: every `#[migration]` function submits one [`Migration`] through
//! `inventory`, and [`Migration::registered`] collects them at run time; every `#[derive(Model)]`
//! type submits one `ModelRegistration` (`model.rs`), which `Model::registered` collects.

mod model;
mod object;

pub use migrate_names::NameList;
pub use model::ModelRegistration;
pub use object::SchemaObjectRegistration;

use std::future::Future;
use std::pin::Pin;

use crate::connection::Connection;
use crate::graph::RevisionSpec;
use crate::ops::Operations;
use migrate_names::{DeclarationText, Fields};

/// What an async migration returns: a future borrowing the run's connection.
pub type MigrationFuture<'c> = Pin<Box<dyn Future<Output = crate::Result<()>> + Send + 'c>>;

/// How a migration's code is called.
#[derive(Clone, Copy)]
pub enum MigrationFn {
    /// A function that records operations; it can also be rendered as SQL offline.
    Sync(fn(&mut Operations)),
    /// An async function given the run's live connection, inside the migration's transaction:
    /// for data migrations that read before they write.
    Async(for<'c> fn(&'c mut Connection) -> MigrationFuture<'c>),
}

impl std::fmt::Debug for MigrationFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrationFn::Sync(_) => f.write_str("MigrationFn::Sync"),
            MigrationFn::Async(_) => f.write_str("MigrationFn::Async"),
        }
    }
}

/// An async migration's result with its error converted: the `#[migration]` shim calls this so
/// that a migration may return `Result<(), sqlx::Error>` as well as `migrate::Result<()>`.
#[doc(hidden)]
pub fn migration_result<E: Into<crate::Error>>(result: Result<(), E>) -> crate::Result<()> {
    result.map_err(Into::into)
}

/// How a migration is reverted.
#[derive(Debug, Clone, Copy)]
pub enum Downgrade {
    /// No downgrade was written.
    Missing,
    /// The migration was declared irreversible: downgrading through it is refused.
    Irreversible,
    /// This function reverts the migration.
    Function(MigrationFn),
}

/// One migration as declared with `#[migration]`: its place in the graph and its code. Read it
/// through its methods; the attribute builds it.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    // The fields are public only for the code `#[migration]` expands to; they are not part of
    // the public API and may change in any release (semver-exempt), as sqlx's `Migrator` fields.
    /// Every string the attribute declares, and where the function is, as one text (see
    /// `migrate_names::Declaration`): one pointer to relocate at start instead of a dozen, and an
    /// origin read without allocating.
    #[doc(hidden)]
    pub declaration: &'static str,
    #[doc(hidden)]
    pub upgrade: MigrationFn,
    #[doc(hidden)]
    pub downgrade: Downgrade,
    #[doc(hidden)]
    pub transactional: bool,
}

inventory::collect!(Migration);

impl Migration {
    /// Every migration registered with `#[migration]` in the linked program, sorted by revision id.
    ///
    /// Registrations live in the crates that declare them and are collected when the program
    /// starts, so a crate's migrations are found only if that crate is linked. Rust links a
    /// dependency only when the code mentions it by name; listing it in `Cargo.toml` is not enough.
    /// A `src/main.rs` or `tests/*.rs` that runs the migrations of its package's library (or of any
    /// crate holding migrations), but uses nothing else from it, must say so with one line:
    ///
    /// ```ignore
    /// use my_app as _; // links my_app, and with it every migration in it
    /// ```
    ///
    /// `extern crate my_app;` or any use of an item of `my_app` works as well. Within a linked
    /// crate nothing is lost: migrations in private modules that nothing calls are found (tested in
    /// `tests/registry-app`; checked by hand with fat LTO and one codegen unit as well).
    pub fn registered() -> Vec<&'static Migration> {
        let mut all: Vec<&'static Migration> = inventory::iter::<Migration>.into_iter().collect();
        all.sort_by_cached_key(|migration| {
            let fields = migration.fields();
            (fields.revision, fields.file)
        });
        all
    }

    /// The revision id.
    pub fn revision(&self) -> &'static str {
        DeclarationText::new(self.declaration).revision()
    }

    /// The revisions this one follows; several make it a merge point, none make it a base.
    pub fn down_revisions(&self) -> NameList<'static> {
        self.fields().down_revisions
    }

    /// Names for the branch this revision starts or belongs to.
    pub fn branch_labels(&self) -> NameList<'static> {
        self.fields().branch_labels
    }

    /// The operations its upgrade records; `None` for an async function, which records none.
    pub(crate) fn upgrade_operations(&self) -> Option<Vec<crate::ops::Operation>> {
        match self.upgrade {
            MigrationFn::Sync(record) => Some(Operations::of(record)),
            MigrationFn::Async(_) => None,
        }
    }

    /// Whether a function was written for its downgrade (`downgrade = function`); without one,
    /// the downgrade is its upgrade's inverse, or refused if it is `irreversible`.
    pub fn has_downgrade_function(&self) -> bool {
        matches!(self.downgrade, Downgrade::Function(_))
    }

    /// The revisions it squashes, oldest first (`replaces = [...]`); empty unless it is a squash.
    pub fn replaces(&self) -> NameList<'static> {
        self.fields().replaces
    }

    /// Revisions (ids or branch labels) on other branches that must be applied first.
    pub fn depends_on(&self) -> NameList<'static> {
        self.fields().depends_on
    }

    /// The human description: `message = "..."`, or the function's doc comment.
    pub fn message(&self) -> &'static str {
        self.fields().message
    }

    /// Whether the migration runs inside a transaction (`transaction = false` opts out).
    pub fn is_transactional(&self) -> bool {
        self.transactional
    }

    /// The safety-lint rules the migration acknowledges breaking on purpose (`allow = [...]`).
    pub fn allowed_lints(&self) -> NameList<'static> {
        self.fields().allow
    }

    /// Whether the upgrade is an async function given the live connection.
    pub fn is_async(&self) -> bool {
        matches!(self.upgrade, MigrationFn::Async(_))
    }

    /// Whether the migration was declared `irreversible`.
    pub fn is_irreversible(&self) -> bool {
        matches!(self.downgrade, Downgrade::Irreversible)
    }

    /// SHA-256 (hex) of the upgrade function's normalised tokens: formatting-insensitive.
    pub fn checksum(&self) -> &'static str {
        self.fields().checksum
    }

    /// The upgrade function's name.
    pub fn function(&self) -> &'static str {
        self.fields().function
    }

    /// The source file the function is declared in, and its line.
    pub fn location(&self) -> (&'static str, u32) {
        let fields = self.fields();
        (fields.file, fields.line)
    }

    /// Where the migration is declared, for messages: `path::to::function (src/file.rs:12)`.
    pub fn origin(&self) -> &'static str {
        self.fields().origin
    }

    /// The migration's place in the revision graph.
    pub fn spec(&self) -> RevisionSpec {
        let fields = self.fields();
        RevisionSpec::new(fields.revision)
            .down_revisions(fields.down_revisions)
            .branch_labels(fields.branch_labels)
            .depends_on(fields.depends_on)
            .replaces(fields.replaces)
            .message(fields.message)
            .origin(fields.origin)
    }

    /// Every string it declares, read in one pass.
    pub(crate) fn fields(&self) -> Fields<'static> {
        DeclarationText::new(self.declaration).fields()
    }
}

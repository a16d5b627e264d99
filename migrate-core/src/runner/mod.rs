//! The runner: moves a database to a target with a [`Migrator`], recording applied heads in the
//! version table.
//!
//! A run ([`run::Run`]) holds one connection and the database's run lock, creates the version
//! tables on first use, reconciles the database with the program (unknown revisions, edited
//! migrations) and only then runs the plan, each migration wrapped as its
//! [`StepTransaction`](crate::dialect::StepTransaction) says. Offline SQL ([`offline`]) renders the
//! same statements without connecting.

mod apply;
mod code;
mod offline;
mod progress;
mod run;
mod version_table;

use std::collections::HashMap;
use std::time::Duration;

use crate::connection::MigratePool;
use crate::dialect::{DEFAULT_VERSION_TABLE, TransactionMode};
use crate::direction::Direction;
use crate::error::{Error, Result};
use crate::graph::{Plan, Revision, RevisionGraph};
use crate::introspect::Schema;
use crate::registry::Migration;

pub use progress::{HalfApplied, Repair};
use run::{Action, Run};

/// One migration run by a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The revision id.
    pub revision: String,
    /// Applied or reverted.
    pub direction: Direction,
    /// How long it took.
    pub duration: Duration,
}

/// What a call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The migrations run, in order; empty when the database was already at the target, and
    /// after a stamp, which runs nothing.
    pub applied: Vec<Applied>,
    /// The heads the version table holds afterwards.
    pub heads: Vec<String>,
    /// The applied migrations whose edited code the run accepted, recording their new checksums
    /// ([`Migrator::repair_checksums`]); empty otherwise.
    pub accepted_edits: Vec<String>,
}

/// Moves databases through the revision graph of a set of migrations.
#[derive(Debug)]
pub struct Migrator {
    graph: RevisionGraph,
    migrations: HashMap<&'static str, &'static Migration>,
    settings: Settings,
}

/// How a migrator runs: what the builder methods set.
#[derive(Debug, Clone)]
struct Settings {
    version_table: String,
    schema: Option<String>,
    lock_timeout: Duration,
    transaction_mode: TransactionMode,
    repair_checksums: bool,
    allow_unknown_revisions: bool,
    on_planned: Option<Hook<Plan>>,
    on_applied: Option<Hook<Applied>>,
}

/// What a run calls as it goes: with its plan before the first step, or after each step.
struct Hook<T>(std::sync::Arc<dyn Fn(&T) + Send + Sync>);

impl<T> Clone for Hook<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> std::fmt::Debug for Hook<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hook")
    }
}

impl Migrator {
    /// A migrator over every migration registered with `#[migration]` in the program.
    pub fn from_registry() -> Result<Self> {
        Self::new(Migration::registered())
    }

    /// A migrator over the given migrations (for tests and tools). Where several orders are
    /// valid, steps follow the order the migrations are given in.
    pub fn new(migrations: impl IntoIterator<Item = &'static Migration>) -> Result<Self> {
        let migrations: Vec<&'static Migration> = migrations.into_iter().collect();
        let graph = RevisionGraph::new(migrations.iter().map(|migration| migration.spec()))?;
        Ok(Self {
            graph,
            migrations: migrations.into_iter().map(|migration| (migration.revision(), migration)).collect(),
            settings: Settings {
                version_table: DEFAULT_VERSION_TABLE.to_owned(),
                schema: None,
                lock_timeout: Duration::from_secs(60),
                transaction_mode: TransactionMode::default(),
                repair_checksums: false,
                allow_unknown_revisions: false,
                on_planned: None,
                on_applied: None,
            },
        })
    }

    /// The revision graph of the migrations.
    pub fn graph(&self) -> &RevisionGraph {
        &self.graph
    }

    /// Names the version table (default `migrate_version`); the log and state tables take it
    /// as a prefix.
    pub fn version_table(mut self, name: impl Into<String>) -> Self {
        self.settings.version_table = name.into();
        self
    }

    /// Puts the version tables in this schema (PostgreSQL) or database (MySQL).
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.settings.schema = Some(schema.into());
        self
    }

    /// How long a run waits for another run's lock before failing (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.settings.lock_timeout = timeout;
        self
    }

    /// One transaction per migration (default) or one for the whole run.
    pub fn transaction_mode(mut self, mode: TransactionMode) -> Self {
        self.settings.transaction_mode = mode;
        self
    }

    /// Accepts applied migrations whose code changed since, recording their new checksums,
    /// instead of refusing to run; [`Report::accepted_edits`] names them.
    pub fn repair_checksums(mut self, repair: bool) -> Self {
        self.settings.repair_checksums = repair;
        self
    }

    /// When the database is at a revision this program doesn't know (a newer build migrated it),
    /// log a warning and leave the database alone instead of failing: for rolling deploys.
    pub fn allow_unknown_revisions(mut self, allow: bool) -> Self {
        self.settings.allow_unknown_revisions = allow;
        self
    }

    /// Calls `report` after each migration a run applies or reverts, as it happens: for progress
    /// lines during a long run (the returned [`Report`] lists them all at the end).
    pub fn on_applied(mut self, report: impl Fn(&Applied) + Send + Sync + 'static) -> Self {
        self.settings.on_applied = Some(Hook(std::sync::Arc::new(report)));
        self
    }

    /// Calls `report` with a run's plan once the lock is held, before its first step (not when
    /// there is nothing to run): for a progress bar that knows how many steps are coming.
    pub fn on_planned(mut self, report: impl Fn(&Plan) + Send + Sync + 'static) -> Self {
        self.settings.on_planned = Some(Hook(std::sync::Arc::new(report)));
        self
    }

    /// Applies what `target` needs (`head`, `heads`, a revision, `+1`, `label@head`, ...).
    pub async fn upgrade(&self, pool: &impl MigratePool, target: &str) -> Result<Report> {
        self.run(pool, Action::Upgrade(target)).await
    }

    /// Reverts down to `target` (`base`, a revision, `-1`, `label@base`, ...).
    pub async fn downgrade(&self, pool: &impl MigratePool, target: &str) -> Result<Report> {
        self.run(pool, Action::Downgrade(target)).await
    }

    /// Records `target` in the version table without running anything; with `purge`, replaces
    /// whatever the table held, even revisions this program doesn't know.
    pub async fn stamp(&self, pool: &impl MigratePool, target: &str, purge: bool) -> Result<Report> {
        self.run(pool, Action::Stamp { target, purge }).await
    }

    /// The heads the database is at. A read: it doesn't wait for a run in progress.
    pub async fn current(&self, pool: &impl MigratePool) -> Result<Vec<String>> {
        let mut run = Run::new(self, pool.migrate_connection().await?)?;
        let Ok(heads) = run.read_heads().await else {
            // No version table yet (or a read error): the locked path creates it or says why.
            return Ok(run.carry_out(Action::Current).await?.heads);
        };
        match self.unknown_head(&heads) {
            Some(unknown) if !self.settings.allow_unknown_revisions => {
                Err(Error::UnknownRevision { revision: unknown.clone() })
            }
            _ => Ok(heads),
        }
    }

    /// The migration that stopped part way in this database, if one did: one that commits as
    /// it goes (MySQL's DDL, or `transaction = false`) and failed or was interrupted after some
    /// of its statements took effect. A run resumes it; [`Migrator::repair`] settles it instead.
    /// Read under the run lock, so it waits for a run in progress.
    pub async fn half_applied(&self, pool: &impl MigratePool) -> Result<Option<HalfApplied>> {
        Run::new(self, pool.migrate_connection().await?)?.settle(None).await
    }

    /// Settles the migration that stopped part way as `repair` says, and returns it; `None` when
    /// there was none. Like `migrate repair`.
    pub async fn repair(&self, pool: &impl MigratePool, repair: Repair) -> Result<Option<HalfApplied>> {
        Run::new(self, pool.migrate_connection().await?)?.settle(Some(repair)).await
    }

    /// The database's schema, this migrator's version tables left out: what its migrations made.
    pub async fn read_schema(&self, pool: &impl MigratePool) -> Result<Schema> {
        let mut connection = pool.migrate_connection().await?;
        Schema::read_without_version_tables(&mut connection, &self.settings.version_table).await
    }

    /// The revisions in a range (`base:head`, `-3:current`, `ae10:`), newest first, resolved
    /// against the database's current heads, as `alembic history -r` lists them.
    pub async fn history(&self, pool: &impl MigratePool, range: &str) -> Result<Vec<&Revision>> {
        let current = self.current(pool).await?;
        self.graph.history(range, &current)
    }

    #[cfg(feature = "testing")]
    /// Runs exactly `plan`'s steps on a database at `from` (a step planned by hand, such as one
    /// revision reverted alone): for the testing helpers.
    pub(crate) async fn run_steps(
        &self,
        pool: &impl MigratePool,
        from: &[String],
        plan: &Plan,
    ) -> Result<Report> {
        self.run(pool, Action::Steps { from, plan }).await
    }

    async fn run(&self, pool: &impl MigratePool, action: Action<'_>) -> Result<Report> {
        Run::new(self, pool.migrate_connection().await?)?.carry_out(action).await
    }

    /// The operations `revision` runs in `direction` (a downgrade written without a function is
    /// its upgrade's inverse); `None` for an async function, whose changes aren't recorded. For
    /// tools that read or rewrite migrations, as `squash` does.
    pub fn operations(
        &self,
        revision: &str,
        direction: Direction,
    ) -> Result<Option<Vec<crate::ops::Operation>>> {
        let step = crate::graph::Step { revision: revision.to_owned(), direction, heads_after: Vec::new() };
        let plan = Plan { steps: vec![step] };
        let mut code = code::plan_code(&plan, |revision| self.migration(revision), None)?;
        Ok(code.pop().map(|code| code.operations()).transpose()?.flatten())
    }

    /// The migration of a planned revision.
    fn migration(&self, revision: &str) -> Result<&'static Migration> {
        // The graph is built from exactly these migrations, so every planned revision is here.
        self.migrations
            .get(revision)
            .copied()
            .ok_or_else(|| Error::UnknownRevision { revision: revision.to_owned() })
    }

    /// Whether a revision's migration was declared irreversible.
    #[cfg(feature = "testing")]
    pub(crate) fn is_irreversible(&self, revision: &str) -> bool {
        self.migrations.get(revision).is_some_and(|migration| migration.is_irreversible())
    }

    /// A head the database holds that this program doesn't know, if there is one.
    fn unknown_head<'h>(&self, heads: &'h [String]) -> Option<&'h String> {
        heads.iter().find(|head| self.graph.revision(head).is_none() && self.graph.squash_of(head).is_none())
    }

    /// The digest of the checksums this program has for the revisions applied at `heads`; `None`
    /// when a head is unknown. Order-independent, so it is the same however the revisions were
    /// applied: an XOR of a 128-bit FNV-1a hash of each revision id and checksum.
    fn applied_digest(&self, heads: &[String]) -> Option<String> {
        let mut digest = 0_u128;
        for revision in self.graph.history(":current", heads).ok()? {
            let migration = self.migrations.get(revision.id())?;
            digest ^= fnv1a_128([migration.revision().as_bytes(), &[0], migration.checksum().as_bytes()]);
        }
        Some(format!("{digest:032x}"))
    }

    /// A digest of what a database migrated to `target` by this migrator holds: every migration's
    /// revision, links and checksum, the target, the version table's name and schema, and
    /// migrate's version (which renders the operations), and `owner`, whose it is. The name of
    /// `#[migrate::test]`'s template databases, so that a template is never used for other
    /// migrations than its own, nor shared with another checkout's tests (each cleans up its own).
    #[cfg(feature = "testing")]
    pub(crate) fn template_digest(&self, target: &str, owner: &str) -> String {
        let mut migrations: Vec<&Migration> = self.migrations.values().copied().collect();
        migrations.sort_unstable_by_key(|migration| migration.revision());
        let mut digest = fnv1a_128([
            env!("CARGO_PKG_VERSION").as_bytes(),
            &[0],
            target.as_bytes(),
            &[0],
            self.settings.version_table.as_bytes(),
            &[0],
            self.settings.schema.as_deref().unwrap_or_default().as_bytes(),
            &[0],
            owner.as_bytes(),
        ]);
        for migration in migrations {
            let fields = migration.fields();
            let links = [fields.down_revisions, fields.depends_on, fields.branch_labels]
                .map(|names| names.collect::<Vec<_>>().join(","))
                .join(";");
            let part = fnv1a_128([
                fields.revision.as_bytes(),
                &[0],
                links.as_bytes(),
                &[0],
                fields.checksum.as_bytes(),
                &[u8::from(migration.transactional)],
            ]);
            // Chained, not XORed: the order is fixed by the sort, and a pair of changes can't cancel.
            digest = fnv1a_128([&digest.to_le_bytes(), &part.to_le_bytes()]);
        }
        format!("{digest:032x}")
    }

    /// The applied migrations whose code differs from what the log recorded.
    fn edited(
        &self,
        heads: &[String],
        recorded: &HashMap<String, String>,
    ) -> Result<Vec<&'static Migration>> {
        let mut edited = Vec::new();
        for revision in self.graph.history(":current", heads)? {
            let migration = self.migration(revision.id())?;
            if recorded.get(revision.id()).is_some_and(|checksum| checksum != migration.checksum()) {
                edited.push(migration);
            }
        }
        Ok(edited)
    }
}

/// Moves the database to `head` with every registered migration: the one line for startup. An
/// app whose graph has several heads on purpose (a plug-in with its own base) uses
/// [`upgrade_to_heads`].
pub async fn upgrade_to_head(pool: &impl MigratePool) -> Result<Report> {
    startup_migrator()?.upgrade(pool, "head").await
}

/// Moves the database to every head of the registered migrations: startup for an app with
/// several heads on purpose.
pub async fn upgrade_to_heads(pool: &impl MigratePool) -> Result<Report> {
    startup_migrator()?.upgrade(pool, "heads").await
}

/// Every registered migration, for a startup upgrade; none is logged as a warning, since an app
/// that has migrations and registers none (a library of migrations that the binary doesn't link)
/// would start on a database they never touched.
fn startup_migrator() -> Result<Migrator> {
    let migrator = Migrator::from_registry()?;
    if migrator.graph.is_empty() {
        tracing::warn!(
            "no migration is registered: a library that holds them must be linked into the program (`use my_app as _;`)"
        );
    }
    Ok(migrator)
}

/// FNV-1a, 128 bits, over the parts in order: a stable hash (the digest outlives the binary).
fn fnv1a_128<const N: usize>(parts: [&[u8]; N]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    parts
        .iter()
        .flat_map(|part| part.iter())
        .fold(OFFSET, |hash, &byte| (hash ^ u128::from(byte)).wrapping_mul(PRIME))
}

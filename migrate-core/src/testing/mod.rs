//! Checks an app runs on its own migrations in `cargo test` (the `testing` feature of `migrate`):
//! the graph's shape, and the stairway, every revision upgraded, downgraded and upgraded again
//! with the schema read back and compared after each step; and `#[migrate::test]`'s database per
//! test (`fresh.rs`), made from a template migrated once (`template.rs`).
//!
//! ```no_run
//! # async fn example(pool: &migrate_core::DatabasePool) -> Result<(), migrate_core::testing::Failure> {
//! use migrate_core::{Migrator, testing};
//!
//! let migrator = Migrator::from_registry()?;
//! testing::check_graph(&migrator, &["53fffde5ad5a"])?;
//! let walked = testing::Stairway::new(&migrator).run(pool).await?;
//! assert!(walked.irreversible.is_empty());
//! # Ok(())
//! # }
//! ```

mod fresh;
mod template;

pub use fresh::{Skipped, TestDatabase, TestTransaction, run_test, run_transaction_test};
pub use template::remove_templates;

use crate::connection::MigratePool;
use crate::direction::Direction;
use crate::error::Error;
use crate::graph::{Plan, Step};
use crate::introspect::{Schema, SchemaDiff};
use crate::runner::Migrator;

/// Why a check failed: the revision, where it is declared, and what was wrong (a schema diff); or
/// why a test's database couldn't be made.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The graph isn't what the app expects.
    #[error("the revision graph: {0}")]
    Graph(String),
    /// A round trip left a schema other than the one before it.
    #[error("{what} revision '{revision}' ({origin}) left the schema other than expected:\n{diff}")]
    Schema { what: &'static str, revision: String, origin: String, diff: SchemaDiff },
    /// Rows seeded into a table were gone after a later revision's round trip.
    #[error(
        "after revision '{revision}' ({origin}) was upgraded, downgraded and upgraded again, table '{table}' holds {after} of the {before} rows seeded into it"
    )]
    RowsLost { revision: String, origin: String, table: String, before: i64, after: i64 },
    /// A test's database, or its template, couldn't be made or removed.
    #[error("can't {doing}: {reason}")]
    TestDatabase { doing: String, reason: String },
    /// Migrating, or reading the schema, failed.
    #[error("{0}")]
    Migration(#[from] Error),
    /// The schema the migrations build isn't what the models declare.
    #[error(
        "the schema at the heads differs from the models; a migration (`revision --autogenerate`) would:\n{changes}"
    )]
    ModelsDiffer { changes: String },
}

/// Checks the shape of the graph: its heads are `expected_heads` (in any order), and every revision
/// is reachable from a base (the graph already refuses cycles and unknown links when built).
pub fn check_graph(migrator: &Migrator, expected_heads: &[&str]) -> Result<(), Failure> {
    let graph = migrator.graph();
    let mut heads = graph.heads();
    let mut expected = expected_heads.to_vec();
    heads.sort_unstable();
    expected.sort_unstable();
    if heads != expected {
        return Err(Failure::Graph(format!(
            "the heads are {}, not {}; merge the branches (`cargo migrate merge`) or expect them",
            heads.join(", "),
            expected.join(", ")
        )));
    }
    let plan = graph.upgrade_plan(&[] as &[&str], "heads")?;
    if plan.len() != graph.len() {
        let planned: Vec<&str> = plan.steps.iter().map(|step| step.revision.as_str()).collect();
        let unreachable: Vec<&str> =
            graph.revisions().map(|revision| revision.id()).filter(|id| !planned.contains(id)).collect();
        return Err(Failure::Graph(format!(
            "an upgrade to every head leaves out {}: nothing leads to them",
            unreachable.join(", ")
        )));
    }
    Ok(())
}

/// Checks that the migrations build what the models declare: upgrades the database to the heads,
/// reads it, and compares it with every registered model (`#[derive(Model)]`) and view, function
/// and trigger (`schema_object!`), as the `check` command does; the failure lists what a
/// migration would still have to do.
pub async fn check_models(migrator: &Migrator, pool: &impl MigratePool) -> Result<(), Failure> {
    migrator.upgrade(pool, "heads").await?;
    let database = pool.migrate_connection().await?.database();
    let schema = migrator.read_schema(pool).await?;
    let (models, objects) = (crate::Model::registered(), crate::SchemaObject::registered());
    let migration =
        crate::autogenerate::compare_with_objects(&models, &objects, &schema, database)?.migration(&[]);
    if migration.is_empty() { Ok(()) } else { Err(Failure::ModelsDiffer { changes: migration.to_string() }) }
}

/// The rows `table` holds; `None` when there is no such table.
async fn count_rows(pool: &impl MigratePool, table: &str) -> Result<Option<i64>, Failure> {
    let mut connection = pool.migrate_connection().await?;
    let sql = format!("SELECT COUNT(*) FROM {}", connection.quote_identifier(table));
    Ok(match connection.query(&sql).fetch_one().await {
        Ok(row) => Some(row.get::<i64>(0)?),
        Err(_) => None,
    })
}

/// The stairway: every revision, in upgrade order over the whole graph (branches and merges
/// included, each merge after all its parents), upgraded, downgraded and upgraded again on a
/// database, the schema read back after each step. Downgrading must give back the schema before
/// the upgrade, and upgrading again the schema of the first upgrade. Then the whole way down to
/// base must leave the schema the database started with.
#[derive(Debug)]
pub struct Stairway<'m> {
    migrator: &'m Migrator,
    start: Option<String>,
    seeds: Vec<Seed>,
}

/// Rows written into a table once a revision is applied, counted after every later step.
#[derive(Debug, Clone)]
struct Seed {
    revision: String,
    table: String,
    sql: String,
}

/// What a stairway walked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walked {
    /// The revisions upgraded, downgraded and upgraded again.
    pub round_trips: Vec<String>,
    /// The irreversible revisions, upgraded only; the way down to base stops above the last one.
    pub irreversible: Vec<String>,
}

impl<'m> Stairway<'m> {
    /// A stairway over the migrator's whole graph.
    pub fn new(migrator: &'m Migrator) -> Self {
        Self { migrator, start: None, seeds: Vec::new() }
    }

    /// Once `revision` is applied, runs `sql` (rows for `table`); after each later revision's
    /// round trip, `table` must still hold as many rows, or the walk fails: data migrations that
    /// lose rows are caught. The count stops once a migration drops or renames the table.
    pub fn seed(
        mut self,
        revision: impl Into<String>,
        table: impl Into<String>,
        sql: impl Into<String>,
    ) -> Self {
        self.seeds.push(Seed { revision: revision.into(), table: table.into(), sql: sql.into() });
        self
    }

    /// Upgrades to `revision` without checking, and starts the stairway above it: to skip
    /// history that predates the tests.
    pub fn starting_at(mut self, revision: impl Into<String>) -> Self {
        self.start = Some(revision.into());
        self
    }

    /// Walks the stairway on `pool`'s database, which should be empty.
    pub async fn run(&self, pool: &impl MigratePool) -> Result<Walked, Failure> {
        let migrator = self.migrator;
        let graph = migrator.graph();
        let mut heads: Vec<String> = match &self.start {
            Some(start) => migrator.upgrade(pool, start).await?.heads,
            None => migrator.current(pool).await?,
        };
        let started_with = migrator.read_schema(pool).await?;
        let plan = graph.upgrade_plan(&heads, "heads")?;
        let mut walked = Walked::default();
        let mut before = started_with.clone();
        // The seeded tables and the rows each holds.
        let mut seeded: Vec<(String, i64)> = Vec::new();
        for step in &plan.steps {
            let origin = graph
                .revision(&step.revision)
                .map(|revision| revision.origin().to_owned())
                .unwrap_or_default();
            let failed = |what, diff| Failure::Schema {
                what,
                revision: step.revision.clone(),
                origin: origin.clone(),
                diff,
            };
            let up = Plan { steps: vec![step.clone()] };
            migrator.run_steps(pool, &heads, &up).await?;
            let upgraded = migrator.read_schema(pool).await?;
            if migrator.is_irreversible(&step.revision) {
                walked.irreversible.push(step.revision.clone());
            } else {
                let down = Plan {
                    steps: vec![Step {
                        revision: step.revision.clone(),
                        direction: Direction::Downgrade,
                        heads_after: heads.clone(),
                    }],
                };
                migrator.run_steps(pool, &step.heads_after, &down).await?;
                let diff = before.diff(&migrator.read_schema(pool).await?);
                if !diff.is_empty() {
                    return Err(failed("downgrading", diff));
                }
                migrator.run_steps(pool, &heads, &up).await?;
                let diff = upgraded.diff(&migrator.read_schema(pool).await?);
                if !diff.is_empty() {
                    return Err(failed("upgrading again", diff));
                }
                walked.round_trips.push(step.revision.clone());
            }
            for (table, rows) in &seeded {
                match count_rows(pool, table).await? {
                    Some(now) if now < *rows => {
                        return Err(Failure::RowsLost {
                            revision: step.revision.clone(),
                            origin,
                            table: table.clone(),
                            before: *rows,
                            after: now,
                        });
                    }
                    _ => {}
                }
            }
            for seed in self.seeds.iter().filter(|seed| seed.revision == step.revision) {
                let mut connection = pool.migrate_connection().await?;
                connection.execute(&seed.sql).await?;
                drop(connection);
                if let Some(rows) = count_rows(pool, &seed.table).await? {
                    seeded.push((seed.table.clone(), rows));
                }
            }
            // A table no longer there (dropped or renamed) isn't counted any more.
            let mut still_there = Vec::new();
            for (table, rows) in seeded.drain(..) {
                if count_rows(pool, &table).await?.is_some() {
                    still_there.push((table, rows));
                }
            }
            seeded = still_there;
            heads.clone_from(&step.heads_after);
            before = upgraded;
        }
        if walked.irreversible.is_empty() {
            self.all_the_way_down(pool, &started_with, &before).await?;
        }
        Ok(walked)
    }

    /// Head to base, then base to head and down again: the schema the database started with
    /// each time at the bottom, and the stairway's last schema at the top.
    async fn all_the_way_down(
        &self,
        pool: &impl MigratePool,
        started_with: &Schema,
        at_heads: &Schema,
    ) -> Result<(), Failure> {
        let migrator = self.migrator;
        let bottom = self.start.clone().unwrap_or_else(|| "base".to_owned());
        for what in ["downgrading to the start", "downgrading to the start a second time"] {
            let report = migrator.downgrade(pool, &bottom).await?;
            let diff = started_with.diff(&migrator.read_schema(pool).await?);
            if !diff.is_empty() {
                let revision =
                    report.applied.last().map(|applied| applied.revision.clone()).unwrap_or_default();
                let origin =
                    migrator.graph().revision(&revision).map(|r| r.origin().to_owned()).unwrap_or_default();
                return Err(Failure::Schema { what, revision, origin, diff });
            }
            let report = migrator.upgrade(pool, "heads").await?;
            let diff = at_heads.diff(&migrator.read_schema(pool).await?);
            if !diff.is_empty() {
                let revision =
                    report.applied.last().map(|applied| applied.revision.clone()).unwrap_or_default();
                let origin =
                    migrator.graph().revision(&revision).map(|r| r.origin().to_owned()).unwrap_or_default();
                return Err(Failure::Schema {
                    what: "upgrading from the start again",
                    revision,
                    origin,
                    diff,
                });
            }
        }
        Ok(())
    }
}

/// Lints every registered migration (newer than `since`, when given) for each of `databases`,
/// and panics with the report when anything is found: the safety lint as a test.
///
/// ```no_run
/// use migrate_core::{Database, testing};
///
/// testing::lint(&[Database::Postgres, Database::Sqlite], None);
/// ```
#[track_caller]
pub fn lint(databases: &[crate::Database], since: Option<&str>) {
    match crate::lint::lint_registered(databases, since) {
        Ok(report) if report.is_clean() => {}
        Ok(report) => panic!("the safety lint found dangerous migrations:\n{report}"),
        Err(error) => panic!("the safety lint could not run: {error}"),
    }
}

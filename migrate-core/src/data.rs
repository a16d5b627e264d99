//! Data migrations over large tables: updates and copies in batches of rows, walked by ranges of
//! an integer key, each batch reported as a `tracing` event, committed one by one when asked.
//!
//! A single `UPDATE` of millions of rows holds its locks and its undo log until it ends, and says
//! nothing while it runs. A batched one touches `batch_size` rows per statement; in a migration
//! declared `transaction = false`, each batch commits as it ends, so a long backfill neither
//! holds one giant transaction nor runs unobserved, and an interrupted one keeps what it did (write
//! it so that running it again is harmless, e.g. with a `filter` that skips finished rows).

use std::time::Instant;

use crate::connection::{Connection, Wrapping};
use crate::dialect;
use crate::error::{Error, Result};

/// What a batched update or copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Statements run, one per batch.
    pub batches: u64,
    /// Rows updated or copied.
    pub rows: u64,
}

/// The walk shared by updates and copies: the table walked, its key and the batching options.
#[derive(Debug, Clone)]
struct Walk {
    table: String,
    key: String,
    filter: Option<String>,
    batch_size: u64,
    commit_each_batch: bool,
}

impl Walk {
    fn new(table: &str) -> Self {
        Self {
            table: table.to_owned(),
            key: "id".to_owned(),
            filter: None,
            batch_size: 10_000,
            commit_each_batch: false,
        }
    }

    /// Runs `statement(range condition)` for each range of at most `batch_size` keys, in key
    /// order, until the table's end.
    async fn run(
        &self,
        db: &mut Connection,
        what: &'static str,
        statement: impl Fn(&str) -> String,
    ) -> Result<BatchReport> {
        let invalid =
            |reason: &str| Error::InvalidBatch { table: self.table.clone(), reason: reason.to_owned() };
        if self.batch_size == 0 {
            return Err(invalid("the batch size is 0; give at least 1 row per batch"));
        }
        if self.commit_each_batch {
            match db.wrapping {
                Wrapping::Nothing => {}
                Wrapping::Transaction => {
                    return Err(invalid(
                        "it should commit each batch, but the migration runs in a transaction; declare it with `transaction = false`",
                    ));
                }
                Wrapping::RunWriteLock => tracing::warn!(
                    table = %self.table,
                    "SQLite holds a migration run in one write transaction: the batches commit with the run"
                ),
            }
        }
        let dialect = dialect::of(db.database());
        let (table, key) = (dialect.quote_identifier(&self.table), dialect.quote_identifier(&self.key));
        let filter = self.filter.as_ref().map(|filter| format!(" AND ({filter})")).unwrap_or_default();
        let started = Instant::now();
        let mut report = BatchReport::default();
        let mut lower: Option<i64> = None;
        loop {
            let above = lower.map(|lower| format!(" WHERE {key} > {lower}")).unwrap_or_default();
            // The key `batch_size` rows on: the end of this batch; none when fewer rows are left.
            let upper = db
                .fetch_optional_integer(&format!(
                    "SELECT CAST({key} AS {}) FROM {table}{above} ORDER BY {key} LIMIT 1 OFFSET {}",
                    dialect.integer_type(),
                    self.batch_size - 1
                ))
                .await
                .map_err(|source| batch_error(&self.table, "finding the next batch", source))?;
            let range = match (lower, upper) {
                (Some(lower), Some(upper)) => format!("{key} > {lower} AND {key} <= {upper}"),
                (None, Some(upper)) => format!("{key} <= {upper}"),
                (Some(lower), None) => format!("{key} > {lower}"),
                (None, None) => format!("{key} IS NOT NULL"),
            };
            let sql = statement(&format!("{range}{filter}"));
            let rows = db
                .execute_counting(&sql)
                .await
                .map_err(|source| batch_error(&self.table, &format!("running `{sql}`"), source))?;
            report.batches += 1;
            report.rows += rows;
            tracing::info!(
                table = %self.table,
                what,
                batch = report.batches,
                rows = report.rows,
                up_to_key = ?upper,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "batch done"
            );
            match upper {
                Some(upper) => lower = Some(upper),
                None => break,
            }
        }
        Ok(report)
    }
}

fn batch_error(table: &str, doing: &str, source: sqlx::Error) -> Error {
    Error::Database { doing: format!("{doing} (batched over table '{table}')"), cause: source }
}

/// Options every batched statement has.
macro_rules! walk_options {
    () => {
        /// The integer key column the batches are ranges of (default `id`); it should be indexed.
        pub fn key(mut self, column: &str) -> Self {
            self.walk.key = column.to_owned();
            self
        }

        /// Only rows matching this SQL condition (e.g. `domain IS NULL`, so that a rerun skips
        /// what is done).
        pub fn filter(mut self, condition: &str) -> Self {
            self.walk.filter = Some(condition.to_owned());
            self
        }

        /// Rows per batch (default 10,000).
        pub fn batch_size(mut self, rows: u64) -> Self {
            self.walk.batch_size = rows;
            self
        }

        /// Commits each batch as it ends. The migration must be declared `transaction = false`
        /// (an error says so otherwise); on SQLite, whose runs hold one write transaction, the
        /// batches commit with the run and a warning says so.
        pub fn commit_each_batch(mut self) -> Self {
            self.walk.commit_each_batch = true;
            self
        }
    };
}

/// `UPDATE table SET ...` in batches: `UpdateInBatches::new("users", "email = lower(email)")`.
#[derive(Debug, Clone)]
pub struct UpdateInBatches {
    walk: Walk,
    set: String,
}

impl UpdateInBatches {
    /// Sets `set` (the SQL after `SET`) on every row of `table`.
    pub fn new(table: &str, set: &str) -> Self {
        Self { walk: Walk::new(table), set: set.to_owned() }
    }

    walk_options!();

    /// Runs the batches on the migration's connection.
    pub async fn run(&self, db: &mut Connection) -> Result<BatchReport> {
        let table = db.quote_identifier(&self.walk.table);
        self.walk.run(db, "update", |range| format!("UPDATE {table} SET {} WHERE {range}", self.set)).await
    }
}

/// `INSERT INTO target SELECT ... FROM source` in batches of the source's rows.
#[derive(Debug, Clone)]
pub struct CopyInBatches {
    walk: Walk,
    target: String,
    columns: Vec<String>,
}

impl CopyInBatches {
    /// Copies the rows of `source` into `target`, column for column (see [`Self::columns`]).
    pub fn new(source: &str, target: &str) -> Self {
        Self { walk: Walk::new(source), target: target.to_owned(), columns: Vec::new() }
    }

    /// The columns to copy, named the same in both tables.
    pub fn columns<S: AsRef<str>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.columns = columns.into_iter().map(|column| column.as_ref().to_owned()).collect();
        self
    }

    walk_options!();

    /// Runs the batches on the migration's connection.
    pub async fn run(&self, db: &mut Connection) -> Result<BatchReport> {
        if self.columns.is_empty() {
            return Err(Error::InvalidBatch {
                table: self.walk.table.clone(),
                reason: format!(
                    "no columns to copy into '{}'; name them with `.columns([...])`",
                    self.target
                ),
            });
        }
        let dialect = dialect::of(db.database());
        let (source, target) =
            (dialect.quote_identifier(&self.walk.table), dialect.quote_identifier(&self.target));
        let columns: Vec<String> =
            self.columns.iter().map(|column| dialect.quote_identifier(column)).collect();
        let columns = columns.join(", ");
        self.walk
            .run(db, "copy", |range| {
                format!("INSERT INTO {target} ({columns}) SELECT {columns} FROM {source} WHERE {range}")
            })
            .await
    }
}

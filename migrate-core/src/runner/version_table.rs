//! The tables migrate keeps in a database, and every statement on them, each written once as a
//! [`Statement`]: a run binds its arguments, offline SQL writes them as literals, so both execute
//! the same statements.

use std::collections::HashMap;

use crate::connection::Connection;
use crate::dialect::Dialect;
use crate::direction::Direction;
use crate::error::{Error, Result};
use crate::sql::Statement;

/// The layout of the version tables this release writes: "2" added the progress table.
pub(super) const LAYOUT: &str = "2";

/// The layout before the progress table, which a locked run brings to [`LAYOUT`].
pub(super) const LAYOUT_WITHOUT_PROGRESS: &str = "1";

/// The version table (the applied heads, like `alembic_version`), its log (a row per step run,
/// stamped or repaired), its state (the layout, and a digest of the applied checksums so that a
/// start at head needn't read the log) and its progress (the statements done of a migration that
/// commits as it goes, until it is recorded), named from the version table's name and schema.
#[derive(Debug, Clone)]
pub(crate) struct VersionTable {
    heads: String,
    log: String,
    state: String,
    progress: String,
}

/// The longest suffix of the tables named after the version table.
const LONGEST_SUFFIX: &str = "_progress";

/// The longest name every database keeps whole: PostgreSQL cuts longer ones short, which would
/// give the version table and its log and state tables one name; MySQL refuses them.
const LONGEST_NAME: usize = 63;

/// Refuses a name no database can hold as given: empty, with a NUL (which PostgreSQL refuses in
/// any text), or longer than [`LONGEST_NAME`] bytes once suffixed (`longest` is that length).
/// Quotes of any kind are fine: names are always quoted.
fn check_name(what: &'static str, name: &str, longest: usize) -> Result<()> {
    let reason = if name.is_empty() {
        "it is empty".to_owned()
    } else if name.contains('\0') {
        "it contains a NUL character".to_owned()
    } else if longest > LONGEST_NAME {
        format!("it makes a {longest}-byte table name, and PostgreSQL keeps only {LONGEST_NAME} bytes")
    } else {
        return Ok(());
    };
    Err(Error::InvalidVersionTable { what, name: name.to_owned(), reason })
}

/// What the version tables hold, read in one query.
pub(super) struct State {
    pub(super) layout: String,
    pub(super) digest: Option<String>,
    pub(super) heads: Vec<String>,
}

impl VersionTable {
    /// The tables of the version table `name`, in `schema` when one is given; names a database
    /// can't hold as given are refused.
    pub(crate) fn new(dialect: &dyn Dialect, schema: Option<&str>, name: &str) -> Result<Self> {
        check_name("version table", name, name.len() + LONGEST_SUFFIX.len())?;
        if let Some(schema) = schema {
            check_name("version tables' schema", schema, schema.len())?;
        }
        Ok(Self {
            heads: dialect.qualified(schema, name),
            log: dialect.qualified(schema, &format!("{name}_log")),
            state: dialect.qualified(schema, &format!("{name}_state")),
            progress: dialect.qualified(schema, &format!("{name}_progress")),
        })
    }

    /// Creates the tables where they are missing; the state table last, so that where DDL commits
    /// as it runs (MySQL), a run stopped part way through leaves the state table missing, and the
    /// next run creates the others again.
    pub(super) fn create(&self, dialect: &dyn Dialect) -> Vec<Statement> {
        let Self { heads, log, state, .. } = self;
        vec![
            Statement::new(format!(
                "CREATE TABLE IF NOT EXISTS {heads} (version_num VARCHAR(255) NOT NULL PRIMARY KEY)"
            )),
            Statement::new(format!(
                "CREATE TABLE IF NOT EXISTS {log} (id {}, revision VARCHAR(255) NOT NULL, \
                 direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, applied_at {}, \
                 duration_ms BIGINT NOT NULL)",
                dialect.identity_primary_key(),
                dialect.written_at_column()
            )),
            self.create_progress(),
            Statement::new(format!(
                "CREATE TABLE IF NOT EXISTS {state} (layout VARCHAR(16) NOT NULL, applied_digest VARCHAR(32))"
            )),
        ]
    }

    /// Creates the progress table: a row when a migration that commits as it goes begins
    /// (`position` 0, with the heads it leads to as its `statement`), one per statement done
    /// (its position in the migration, and the index of the operation it belongs to), and one for
    /// a statement that failed; emptied when the migration is recorded.
    pub(super) fn create_progress(&self) -> Statement {
        Statement::new(format!(
            "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, \
             checksum VARCHAR(64) NOT NULL, position INTEGER NOT NULL, operation INTEGER NOT NULL, \
             outcome VARCHAR(16) NOT NULL, statement_checksum VARCHAR(32) NOT NULL, statement TEXT NOT NULL, \
             message TEXT)",
            self.progress
        ))
    }

    /// Brings tables of [`LAYOUT_WITHOUT_PROGRESS`] to [`LAYOUT`].
    pub(super) fn add_progress(&self) -> Vec<Statement> {
        vec![
            self.create_progress(),
            Statement::new(format!("UPDATE {} SET layout = ", self.state)).argument(LAYOUT),
        ]
    }

    /// Records a row of a migration's progress.
    pub(super) fn record_progress(&self, row: &ProgressRow) -> Statement {
        Statement::new(format!(
            "INSERT INTO {} (revision, direction, checksum, position, operation, outcome, statement_checksum, statement, message) VALUES (",
            self.progress
        ))
        .argument(row.revision.as_str())
        .sql(", ")
        .argument(row.direction.as_str())
        .sql(", ")
        .argument(row.checksum.as_str())
        .sql(", ")
        .argument(row.position)
        .sql(", ")
        .argument(row.operation)
        .sql(", ")
        .argument(row.outcome.as_str())
        .sql(", ")
        .argument(row.statement_checksum.as_str())
        .sql(", ")
        .argument(row.statement.as_str())
        .sql(", ")
        .argument(row.message.as_deref())
        .sql(")")
    }

    /// Forgets a failure recorded in the progress table, as the migration is resumed.
    pub(super) fn clear_failures(&self) -> Statement {
        Statement::new(format!("DELETE FROM {} WHERE outcome = ", self.progress))
            .argument(Outcome::Failed.as_str())
    }

    /// Empties the progress table: the migration it followed is recorded, or given up.
    pub(super) fn clear_progress(&self) -> Statement {
        Statement::new(format!("DELETE FROM {}", self.progress))
    }

    /// The progress rows, in the order they were written.
    pub(super) async fn read_progress(&self, connection: &mut Connection) -> Result<Vec<ProgressRow>> {
        let rows = connection
            .fetch_texts(&format!(
                "SELECT revision, direction, checksum, CAST(position AS CHAR(12)), CAST(operation AS CHAR(12)), \
                 outcome, statement_checksum, statement, message FROM {} ORDER BY position, outcome",
                self.progress
            ))
            .await
            .map_err(|cause| Error::Database { doing: "reading the progress table".to_owned(), cause })?;
        Ok(rows.into_iter().filter_map(ProgressRow::from_texts).collect())
    }

    /// Records the layout of new tables.
    pub(super) fn record_layout(&self) -> Statement {
        Statement::new(format!("INSERT INTO {} (layout) VALUES (", self.state)).argument(LAYOUT).sql(")")
    }

    /// Moves the heads from `before` to `after`: one UPDATE for a step along a line, as Alembic
    /// does, deletes and inserts where branches split or merge.
    pub(super) fn move_heads(&self, before: &[String], after: &[String]) -> Vec<Statement> {
        let removed: Vec<&str> =
            before.iter().filter(|head| !after.contains(head)).map(String::as_str).collect();
        let added: Vec<&str> =
            after.iter().filter(|head| !before.contains(head)).map(String::as_str).collect();
        if let ([old], [new]) = (removed.as_slice(), added.as_slice()) {
            return vec![
                Statement::new(format!("UPDATE {} SET version_num = ", self.heads))
                    .argument(*new)
                    .sql(" WHERE version_num = ")
                    .argument(*old),
            ];
        }
        let deletes = removed.into_iter().map(|head| {
            Statement::new(format!("DELETE FROM {} WHERE version_num = ", self.heads)).argument(head)
        });
        let inserts = added.into_iter().map(|head| {
            Statement::new(format!("INSERT INTO {} (version_num) VALUES (", self.heads))
                .argument(head)
                .sql(")")
        });
        deletes.chain(inserts).collect()
    }

    /// Records a step (or a repair) in the log.
    pub(super) fn log(&self, entry: LogEntry<'_>) -> Statement {
        self.log_rows(&[entry])
    }

    /// Records steps in the log, in one statement of four arguments per step.
    pub(super) fn log_rows(&self, entries: &[LogEntry<'_>]) -> Statement {
        let mut statement = Statement::new(format!(
            "INSERT INTO {} (revision, direction, checksum, duration_ms) VALUES ",
            self.log
        ));
        for (index, entry) in entries.iter().enumerate() {
            statement = statement
                .sql(if index == 0 { "(" } else { ", (" })
                .argument(entry.revision)
                .sql(", ")
                .argument(entry.direction)
                .sql(", ")
                .argument(entry.checksum)
                .sql(", ")
                .argument(entry.duration_ms)
                .sql(")");
        }
        statement
    }

    /// Sets the digest of the applied checksums; `None` until a run has checked them all again.
    pub(super) fn set_digest(&self, digest: Option<&str>) -> Statement {
        Statement::new(format!("UPDATE {} SET applied_digest = ", self.state)).argument(digest)
    }

    /// The state and the heads, in one read; `None` before the layout is recorded, an error where
    /// the tables are missing.
    pub(super) async fn read_state(&self, connection: &mut Connection) -> Result<Option<State>, sqlx::Error> {
        // Unprepared: one round trip, where a prepared statement takes two the first time, and
        // this is all a run at its target reads.
        let rows = connection
            .fetch_texts(&format!(
                "SELECT s.layout, s.applied_digest, h.version_num FROM {} s LEFT JOIN {} h ON 1 = 1",
                self.state, self.heads
            ))
            .await?;
        let mut state: Option<State> = None;
        for row in rows {
            let Ok([layout, digest, head]) = <[Option<String>; 3]>::try_from(row) else {
                return Err(sqlx::Error::Protocol(
                    "the version tables' state read other than 3 columns".to_owned(),
                ));
            };
            let state = state.get_or_insert_with(|| State {
                layout: layout.unwrap_or_default(),
                digest,
                heads: Vec::new(),
            });
            state.heads.extend(head);
        }
        Ok(state)
    }

    /// The heads alone.
    pub(super) async fn read_heads(&self, connection: &mut Connection) -> Result<Vec<String>, sqlx::Error> {
        connection.fetch_strings(&format!("SELECT version_num FROM {}", self.heads)).await
    }

    /// The checksum each revision was last applied (or repaired) with.
    pub(super) async fn read_checksums(
        &self,
        connection: &mut Connection,
    ) -> Result<HashMap<String, String>> {
        let rows = connection
            .fetch_pairs(&format!(
                "SELECT revision, checksum FROM {} WHERE direction IN ('upgrade', 'repair') ORDER BY id",
                self.log
            ))
            .await
            .map_err(|source| Error::Database {
                doing: "reading the migration log".to_owned(),
                cause: source,
            })?;
        Ok(rows.into_iter().collect())
    }

    /// The state table's name, for messages.
    pub(super) fn state_table(&self) -> &str {
        &self.state
    }
}

/// One row of the progress table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ProgressRow {
    pub(super) revision: String,
    pub(super) direction: String,
    /// The migration's checksum when it ran.
    pub(super) checksum: String,
    /// 0 for the migration's beginning, then the statement's 1-based position in the migration.
    pub(super) position: i64,
    /// The 0-based index of the operation the statement belongs to (0 for the beginning).
    pub(super) operation: i64,
    pub(super) outcome: Outcome,
    pub(super) statement_checksum: String,
    pub(super) statement: String,
    /// The database's message, for a statement that failed.
    pub(super) message: Option<String>,
}

impl ProgressRow {
    fn from_texts(row: Vec<Option<String>>) -> Option<Self> {
        let mut row = row.into_iter();
        let mut next = || row.next().flatten();
        Some(Self {
            revision: next()?,
            direction: next()?,
            checksum: next()?,
            position: next()?.trim().parse().ok()?,
            operation: next()?.trim().parse().ok()?,
            outcome: Outcome::parse(&next()?)?,
            statement_checksum: next()?,
            statement: next()?,
            message: next(),
        })
    }
}

/// What a progress row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The migration began.
    Begun,
    /// The statement took effect.
    Done,
    /// The statement failed, with the message.
    Failed,
}

impl Outcome {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Outcome::Begun => "begun",
            Outcome::Done => "done",
            Outcome::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "begun" => Some(Outcome::Begun),
            "done" => Some(Outcome::Done),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// One row of the migration log.
pub(super) struct LogEntry<'a> {
    pub(super) revision: &'a str,
    pub(super) direction: &'a str,
    pub(super) checksum: &'a str,
    pub(super) duration_ms: i64,
}

impl<'a> LogEntry<'a> {
    /// A step run (or rendered offline, with no duration).
    pub(super) fn step(revision: &'a str, direction: Direction, checksum: &'a str, duration_ms: i64) -> Self {
        Self { revision, direction: direction.as_str(), checksum, duration_ms }
    }
}

//! A migration's recorded operations on the run's connection: each is rendered by the
//! connection's dialect, after reading the live table where the dialect needs it (SQLite's batch
//! mode, MariaDB's `MODIFY COLUMN`), for the run to execute statement by statement; and SQLite's
//! foreign-key enforcement, suspended around table rebuilds.

use crate::connection::Connection;
use crate::dialect::{Dialect, ForeignKeySwitch, LivePart, LiveTable};
use crate::error::{Error, describe};
use crate::ops::Operation;

/// What failed: the statement (or, when rendering failed, the operation) and why.
pub(super) struct Failed {
    pub statement: String,
    pub message: String,
}

/// The statements of one operation, rendered by the dialect after reading the live table where
/// it needs one.
pub(super) async fn render(
    connection: &mut Connection,
    dialect: &dyn Dialect,
    operation: &Operation,
) -> Result<Vec<String>, Failed> {
    let live = match dialect.live_table_needed(operation) {
        Some(table) => {
            refuse_rebuild_with_foreign_keys_enforced(connection, dialect, operation).await?;
            Some(read_live_table(connection, dialect, table).await?)
        }
        None => None,
    };
    dialect.render(operation, live.as_ref()).map_err(|error| Failed {
        statement: operation.describe(),
        message: match error {
            Error::InvalidOperation { reason, .. } => reason,
            Error::UnsupportedOperation { database, reason, .. } => format!("not on {database}: {reason}"),
            other => other.to_string(),
        },
    })
}

/// A table rebuilt (SQLite's batch mode) while foreign keys are enforced would delete or orphan
/// the rows that refer to it: refused. A run suspends enforcement when, read before its lock, its
/// plan rebuilds a table; this catches a plan that changed while the run waited.
async fn refuse_rebuild_with_foreign_keys_enforced(
    connection: &mut Connection,
    dialect: &dyn Dialect,
    operation: &Operation,
) -> Result<(), Failed> {
    let Some(switch) = dialect.foreign_key_switch() else { return Ok(()) };
    match connection.fetch_integer(switch.read).await {
        Ok(0) => Ok(()),
        Ok(_) => Err(Failed {
            statement: operation.describe(),
            message:
                "rebuilding the table with foreign keys enforced would delete or orphan the rows that refer \
                      to it; the database changed while this run waited for the lock: run it again"
                    .to_owned(),
        }),
        Err(source) => Err(Failed { statement: switch.read.to_owned(), message: describe(&source) }),
    }
}

/// The live definition of `table`, read with the dialect's queries.
async fn read_live_table(
    connection: &mut Connection,
    dialect: &dyn Dialect,
    table: &str,
) -> Result<LiveTable, Failed> {
    let mut live = LiveTable { name: table.to_owned(), ..LiveTable::default() };
    for (part, query) in dialect.live_table_queries(table) {
        let rows = match connection.fetch_pairs(&query).await {
            Ok(rows) => rows,
            Err(source) => return Err(Failed { statement: query, message: describe(&source) }),
        };
        match part {
            LivePart::Definition => {
                live.definition = rows.into_iter().next().map(|(_, sql)| sql).unwrap_or_default()
            }
            LivePart::Indexes => live.indexes = rows,
            LivePart::IndexColumns => live.index_columns = rows,
            LivePart::Triggers => live.triggers = rows,
        }
    }
    Ok(live)
}

/// Turns foreign-key enforcement off with `switch` where it was on; the switch to turn it on
/// again, when it was turned off.
pub(super) async fn suspend_foreign_keys(
    connection: &mut Connection,
    switch: ForeignKeySwitch,
) -> Result<Option<ForeignKeySwitch>, Error> {
    let switching =
        |source| Error::Database { doing: "suspending foreign-key enforcement".to_owned(), cause: source };
    if connection.fetch_integer(switch.read).await.map_err(switching)? == 0 {
        return Ok(None);
    }
    connection.run_sql(switch.off).await.map_err(switching)?;
    Ok(Some(switch))
}

/// Turns foreign-key enforcement on again after a run that suspended it. A connection that
/// can't be switched back is closed instead of going back to the pool without enforcement.
pub(super) async fn restore_foreign_keys(connection: &mut Connection, suspended: Option<ForeignKeySwitch>) {
    let Some(switch) = suspended else { return };
    // Inside a transaction left open by a failure the switch does nothing, silently: read back.
    let switched = match connection.run_sql(switch.on).await {
        Ok(()) => connection.fetch_integer(switch.read).await.map(|on| on == 1),
        Err(error) => Err(error),
    };
    if !matches!(switched, Ok(true)) {
        tracing::error!(?switched, "turning foreign-key enforcement on again failed; closing the connection");
        connection.close_on_drop();
    }
}

/// Refuses a migration that left rows breaking a foreign key, while enforcement was suspended.
pub(super) async fn check_foreign_keys(
    connection: &mut Connection,
    switch: &ForeignKeySwitch,
) -> Result<(), Failed> {
    let failed = |message: String| Failed { statement: switch.violations.to_owned(), message };
    let violations =
        connection.fetch_strings(switch.violations).await.map_err(|source| failed(describe(&source)))?;
    if violations.is_empty() {
        return Ok(());
    }
    Err(failed(format!(
        "the migration leaves rows that break a foreign key: {}; fix them in the migration (or drop the foreign key first)",
        violations.join(", ")
    )))
}

//! The run lock: what keeps two runs on one database from migrating at once. Each dialect says
//! which kind it holds; how each kind is taken, waited for and let go is written here once.

use std::time::{Duration, Instant};

use crate::connection::Connection;
use crate::database::Database;
use crate::error::{Error, Result};

/// How a database serialises concurrent runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunLock {
    /// A lock held by the session, outside any transaction (PostgreSQL's advisory lock, MySQL's
    /// `GET_LOCK`): `try_acquire` returns 1 when taken and is tried until the timeout.
    Session { try_acquire: String, release: String },
    /// The database's write lock (SQLite), held by one transaction around the whole run: each
    /// migration is a savepoint in it.
    WriteTransaction,
}

impl RunLock {
    /// Whether the lock is a transaction around the run, inside which every step runs.
    pub(crate) fn holds_transaction(&self) -> bool {
        matches!(self, RunLock::WriteTransaction)
    }

    /// Takes the lock, waiting up to `timeout` for another run to let it go.
    pub(crate) async fn acquire(&self, connection: &mut Connection, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        let database = connection.database();
        match self {
            RunLock::WriteTransaction => super::sqlite::begin_write_transaction(connection, timeout).await?,
            RunLock::Session { try_acquire, .. } => {
                poll_session_lock(connection, try_acquire, timeout, database).await?
            }
        }
        tracing::debug!(
            database = database.name(),
            waited_ms = started.elapsed().as_millis() as u64,
            "run lock taken"
        );
        Ok(())
    }

    /// Lets the lock go. A write transaction commits what the run did when `keep`, and rolls
    /// it back otherwise.
    pub(crate) async fn release(&self, connection: &mut Connection, keep: bool) -> Result<()> {
        let sql = match self {
            RunLock::Session { release, .. } => release.as_str(),
            RunLock::WriteTransaction if keep => "COMMIT",
            RunLock::WriteTransaction => "ROLLBACK",
        };
        connection
            .run_sql(sql)
            .await
            .map_err(|source| Error::Database { doing: "releasing the run lock".to_owned(), cause: source })
    }
}

/// Tries a session lock until it is taken, pausing a little longer each time, logging a wait once.
async fn poll_session_lock(
    connection: &mut Connection,
    try_acquire: &str,
    timeout: Duration,
    database: Database,
) -> Result<()> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(5);
    let mut logged = false;
    while connection
        .fetch_integer(try_acquire)
        .await
        .map_err(|source| Error::Database { doing: "taking the run lock".to_owned(), cause: source })?
        != 1
    {
        if started.elapsed() >= timeout {
            return Err(Error::LockTimeout { database: database.name(), waited: timeout });
        }
        if !logged {
            tracing::info!(database = database.name(), "another migration run holds the lock; waiting");
            logged = true;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
    Ok(())
}

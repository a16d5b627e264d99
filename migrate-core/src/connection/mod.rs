//! The database a migrator works on: a pool of one of the supported databases, and the one
//! connection a run holds. The drivers (each behind its cargo feature) are told apart here and
//! nowhere else.

#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(
        unused_variables,
        unreachable_code,
        unused_macros,
        unused_imports,
        dead_code,
        reason = "with no driver, no connection can exist"
    )
)]

use std::future::Future;
use std::pin::Pin;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
use sqlx::AssertSqlSafe;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
use sqlx::pool::PoolConnection;

use std::time::Duration;

use crate::database::{Database, redact_url, scrub, url_passwords};
use crate::error::{Error, Result, describe};
use crate::schema::Value;
use crate::sql::Argument;

mod decoding;
mod query;

pub use query::{ColumnIndex, FromValue, Query, Row};

/// A future boxed where it is made. The entry points of a run and of connecting return one: the
/// body of an `async` block is compiled into every codegen unit that polls it, so a run's large
/// state machines, awaited straight from the caller's generic code, would be compiled into each
/// caller's crate again (and into the binary several times). Behind a box they are compiled once,
/// here, and a run pays one allocation.
pub(crate) type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A pool of any supported database: built from a URL, or from a pool the application has.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DatabasePool {
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
}

impl DatabasePool {
    /// Connects to a `sqlite:`, `postgres:`/`postgresql:` or `mysql:`/`mariadb:` URL (see
    /// [`Database::from_url`]), waiting at most 10 s for the server; a database whose cargo
    /// feature is off is refused.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_within(url, DEFAULT_CONNECT_TIMEOUT).await
    }

    /// Connects as [`DatabasePool::connect`] does, waiting at most `timeout` for the server. The
    /// first connection is opened at once, so that a refused connection, an unknown host, a
    /// failed login or a missing database is reported as such (not as a pool timeout), and kept
    /// in the pool for the first run.
    pub async fn connect_within(url: &str, timeout: Duration) -> Result<Self> {
        Self::connecting(url, timeout).await
    }

    fn connecting(url: &str, timeout: Duration) -> Boxed<'_, Result<Self>> {
        Box::pin(async move {
            let database = Database::from_url(url)?;
            match database {
                #[cfg(feature = "sqlite")]
                Database::Sqlite => open::<sqlx::Sqlite>(url, url, timeout).await.map(Self::Sqlite),
                #[cfg(feature = "postgres")]
                Database::Postgres => open::<sqlx::Postgres>(url, url, timeout).await.map(Self::Postgres),
                #[cfg(feature = "mysql")]
                Database::MySql => {
                    let driver_url = url.replacen("mariadb:", "mysql:", 1);
                    open::<sqlx::MySql>(url, &driver_url, timeout).await.map(Self::MySql)
                }
                #[allow(unreachable_patterns, reason = "one arm per database whose feature is off")]
                _ => {
                    Err(Error::DatabaseNotEnabled { database: database.name(), feature: database.feature() })
                }
            }
        })
    }

    /// Which database the pool connects to.
    pub fn database(&self) -> Database {
        match *self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => Database::Sqlite,
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => Database::Postgres,
            #[cfg(feature = "mysql")]
            Self::MySql(_) => Database::MySql,
        }
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        match *self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(ref pool) => pool.close().await,
            #[cfg(feature = "postgres")]
            Self::Postgres(ref pool) => pool.close().await,
            #[cfg(feature = "mysql")]
            Self::MySql(ref pool) => pool.close().await,
        }
    }
}

mod sealed {
    /// Only this crate's pools are [`super::MigratePool`]s: a run needs a driver it knows.
    pub trait Sealed {}
}

/// Anything a migrator can run on: the sqlx pools of the supported databases, or a
/// [`DatabasePool`]. Sealed: the runner knows each driver's locking and transactions.
pub trait MigratePool: sealed::Sealed + Sync {
    /// One connection from the pool, held for a whole run.
    fn migrate_connection(&self) -> impl Future<Output = Result<Connection>> + Send;
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for sqlx::SqlitePool {}
#[cfg(feature = "postgres")]
impl sealed::Sealed for sqlx::PgPool {}
#[cfg(feature = "mysql")]
impl sealed::Sealed for sqlx::MySqlPool {}
impl sealed::Sealed for DatabasePool {}

#[cfg(feature = "sqlite")]
impl MigratePool for sqlx::SqlitePool {
    fn migrate_connection(&self) -> impl Future<Output = Result<Connection>> + Send {
        acquire(self, Driver::Sqlite)
    }
}

#[cfg(feature = "postgres")]
impl MigratePool for sqlx::PgPool {
    fn migrate_connection(&self) -> impl Future<Output = Result<Connection>> + Send {
        acquire(self, Driver::Postgres)
    }
}

#[cfg(feature = "mysql")]
impl MigratePool for sqlx::MySqlPool {
    fn migrate_connection(&self) -> impl Future<Output = Result<Connection>> + Send {
        acquire(self, Driver::MySql)
    }
}

impl MigratePool for DatabasePool {
    fn migrate_connection(&self) -> impl Future<Output = Result<Connection>> + Send {
        let acquiring: Boxed<'_, Result<Connection>> = match *self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(ref pool) => acquire(pool, Driver::Sqlite),
            #[cfg(feature = "postgres")]
            Self::Postgres(ref pool) => acquire(pool, Driver::Postgres),
            #[cfg(feature = "mysql")]
            Self::MySql(ref pool) => acquire(pool, Driver::MySql),
        };
        acquiring
    }
}

/// A connection from `pool`, for a run, as `driver` wraps it.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn acquire<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    driver: fn(PoolConnection<DB>) -> Driver,
) -> Boxed<'_, Result<Connection>> {
    Box::pin(async move { Ok(Connection::new(driver(pool.acquire().await.map_err(acquiring)?))) })
}

/// How long [`DatabasePool::connect`] waits for the server.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a pooled connection may sit idle and still be taken for a run without a ping.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// How long the pool's first connection may take before it is also tried directly, for its
/// error: sqlx's pool retries a refused connection until its timeout, taking the server for one
/// that is starting, where a user needs to hear at once that nothing listens there.
const DIRECT_TRY_AFTER: Duration = Duration::from_millis(50);

/// A pool for `driver_url`, its first connection opened within `timeout` and kept in the pool,
/// its failure reported with its cause; `url` (as the user wrote it) names the database in
/// errors, without its passwords.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
async fn open<DB: sqlx::Database>(url: &str, driver_url: &str, timeout: Duration) -> Result<sqlx::Pool<DB>> {
    use sqlx::ConnectOptions as _;
    let failed =
        |source| Error::Database { doing: format!("connecting to {}", redact_url(url)), cause: source };
    let options: <DB::Connection as sqlx::Connection>::Options =
        driver_url.parse().map_err(|error: sqlx::Error| {
            failed(sqlx::Error::Configuration(scrub(&error.to_string(), url).into()))
        })?;
    // A connection idle for a moment goes to its run without the ping sqlx sends by default
    // before every acquire: a round trip on the path of every replica's startup, which connects
    // and runs at once. One idle for longer is still pinged, and replaced when it is dead.
    let pool = sqlx::pool::PoolOptions::<DB>::new().test_before_acquire(false).before_acquire(
        |connection, metadata| {
            Box::pin(async move {
                if metadata.idle_for >= PING_AFTER_IDLE {
                    sqlx::Connection::ping(connection).await?;
                }
                Ok(true)
            })
        },
    );
    // sqlx's own `connect_with` puts the connection that proves the URL straight back among the
    // pool's idle ones, so the run's first acquire finds it there; a connection dropped by its
    // user goes back on a task of its own, after a ping, and an acquire meanwhile would open a
    // second one.
    let first = async {
        let connecting = pool.connect_with(options.clone());
        tokio::pin!(connecting);
        if let Ok(connected) = tokio::time::timeout(DIRECT_TRY_AFTER, &mut connecting).await {
            return connected;
        }
        tokio::select! {
            connected = &mut connecting => connected,
            tried = options.connect() => match tried {
                // The server answers: the pool's own connection is on its way.
                Ok(connection) => {
                    let _ = sqlx::Connection::close(connection).await;
                    connecting.await
                }
                Err(error) => Err(error),
            },
        }
    };
    match tokio::time::timeout(timeout, first).await {
        Err(_) | Ok(Err(sqlx::Error::PoolTimedOut)) => {
            Err(Error::ConnectTimeout { url: redact_url(url), waited: timeout })
        }
        Ok(Err(error)) => Err(scrubbed(failed(error), url)),
        Ok(Ok(pool)) => Ok(pool),
    }
}

/// An error whose message might quote the URL's passwords, with them replaced.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn scrubbed(error: Error, url: &str) -> Error {
    if url_passwords(url).iter().any(|password| error.to_string().contains(password.as_str())) {
        let Error::Database { doing, cause } = error else { return error };
        let words = scrub(&describe(&cause), url);
        return Error::Database { doing, cause: sqlx::Error::Configuration(words.into()) };
    }
    error
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn acquiring(source: sqlx::Error) -> Error {
    Error::Database { doing: "taking a connection from the pool".to_owned(), cause: source }
}

/// The one connection a run holds (and its lock); async migrations get it, inside their
/// transaction, to run queries with sqlx.
#[derive(Debug)]
pub struct Connection {
    driver: Driver,
    /// What wraps the migration running now; the runner sets it around each step.
    pub(crate) wrapping: Wrapping,
}

/// The driver's own connection.
#[derive(Debug)]
enum Driver {
    #[cfg(feature = "sqlite")]
    Sqlite(PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(PoolConnection<sqlx::MySql>),
}

/// What a statement run on the connection is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Wrapping {
    /// No transaction: each statement commits on its own (outside a run, or a `transaction =
    /// false` migration).
    #[default]
    Nothing,
    /// The migration's transaction (or the whole run's, or a savepoint in SQLite's).
    Transaction,
    /// SQLite's run-long write transaction, around a `transaction = false` migration.
    RunWriteLock,
}

/// Runs `$body` with `$connection` bound to the driver's own connection.
macro_rules! on_driver {
    ($self:expr, $connection:ident => $body:expr) => {
        match $self.driver {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(ref mut $connection) => $body,
            #[cfg(feature = "postgres")]
            Driver::Postgres(ref mut $connection) => $body,
            #[cfg(feature = "mysql")]
            Driver::MySql(ref mut $connection) => $body,
        }
    };
}

/// Returns the driver's connection from `$self` when it is the `$variant` one.
macro_rules! driver_connection {
    ($self:expr, $variant:ident, $wanted:literal) => {{
        let database = $self.database().name();
        #[allow(unreachable_patterns, reason = "one arm per enabled database")]
        match &mut $self.driver {
            Driver::$variant(connection) => Ok(&mut **connection),
            _ => Err(Error::WrongDatabase { wanted: $wanted, database }),
        }
    }};
}

impl Connection {
    fn new(driver: Driver) -> Self {
        Self { driver, wrapping: Wrapping::Nothing }
    }

    /// The SQLite connection, to run sqlx queries on: `sqlx::query(..).execute(db.sqlite()?)`.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(&mut self) -> Result<&mut sqlx::SqliteConnection> {
        driver_connection!(self, Sqlite, "SQLite")
    }

    /// The PostgreSQL connection, to run sqlx queries on: `sqlx::query(..).execute(db.postgres()?)`.
    #[cfg(feature = "postgres")]
    pub fn postgres(&mut self) -> Result<&mut sqlx::PgConnection> {
        driver_connection!(self, Postgres, "PostgreSQL")
    }

    /// The MySQL or MariaDB connection, to run sqlx queries on: `sqlx::query(..).execute(db.mysql()?)`.
    #[cfg(feature = "mysql")]
    pub fn mysql(&mut self) -> Result<&mut sqlx::MySqlConnection> {
        driver_connection!(self, MySql, "MySQL")
    }

    /// Which database this connection is to.
    pub fn database(&self) -> Database {
        match self.driver {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(_) => Database::Sqlite,
            #[cfg(feature = "postgres")]
            Driver::Postgres(_) => Database::Postgres,
            #[cfg(feature = "mysql")]
            Driver::MySql(_) => Database::MySql,
        }
    }

    /// An identifier quoted for this database, so that any name works in SQL you write:
    /// `"order"` on SQLite and PostgreSQL, `` `order` `` on MySQL.
    pub fn quote_identifier(&self, identifier: &str) -> String {
        crate::dialect::of(self.database()).quote_identifier(identifier)
    }

    /// Closes the connection when dropped instead of returning it to the pool.
    pub(crate) fn close_on_drop(&mut self) {
        on_driver!(self, connection => connection.close_on_drop())
    }

    /// Runs SQL as given (several statements allowed), without binds; the error names the SQL.
    pub async fn execute(&mut self, sql: &str) -> Result<()> {
        self.run_sql(sql)
            .await
            .map_err(|source| Error::Database { doing: format!("running `{sql}`"), cause: source })
    }

    /// Runs SQL as given, with the driver's own error.
    pub(crate) async fn run_sql(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        on_driver!(self, connection => sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).execute(&mut **connection).await.map(drop))
    }

    /// Runs one statement with its arguments bound.
    pub(crate) async fn execute_statement(
        &mut self,
        sql: &str,
        arguments: &[Argument],
    ) -> Result<(), sqlx::Error> {
        on_driver!(self, connection => {
            let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
            for argument in arguments {
                query = match argument {
                    Argument::Text(text) => query.bind(text.clone()),
                    Argument::Integer(number) => query.bind(*number),
                    Argument::Null => query.bind(None::<String>),
                };
            }
            query.execute(&mut **connection).await.map(drop)
        })
    }

    /// The first column of every row, as strings.
    pub(crate) async fn fetch_strings(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        on_driver!(self, connection => sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.to_owned())).fetch_all(&mut **connection).await)
    }

    /// The first two columns of every row, as strings.
    pub(crate) async fn fetch_pairs(&mut self, sql: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        on_driver!(self, connection => sqlx::query_as::<_, (String, String)>(AssertSqlSafe(sql.to_owned())).fetch_all(&mut **connection).await)
    }

    /// Runs one statement without binds, unprepared (statements whose literals change each time,
    /// as batches' do, cost MySQL a server-side prepare each); the number of rows it changed.
    pub(crate) async fn execute_counting(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        on_driver!(self, connection => sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).execute(&mut **connection).await.map(|done| done.rows_affected()))
    }

    /// The first column of the first row, as an integer, if there is a row; unprepared, as above.
    pub(crate) async fn fetch_optional_integer(&mut self, sql: &str) -> Result<Option<i64>, sqlx::Error> {
        on_driver!(self, connection => {
            let row = sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).fetch_optional(&mut **connection).await?;
            row.map(|row| sqlx::Row::try_get::<i64, _>(&row, 0)).transpose()
        })
    }

    /// Every row, each column as optional text (the query casts what isn't text), unprepared:
    /// schema reads run while migrations change the tables they read, so a statement prepared
    /// once couldn't be kept, and closing one after use costs MySQL's protocol a message with no
    /// reply, which holds the next query back by the peer's delayed acknowledgement (40 ms).
    pub(crate) async fn fetch_texts(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        on_driver!(self, connection => {
            let rows = sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).fetch_all(&mut **connection).await?;
            rows.iter().map(row_texts).collect()
        })
    }

    /// The first column of the first row, as an integer.
    pub(crate) async fn fetch_integer(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        on_driver!(self, connection => sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql.to_owned())).fetch_one(&mut **connection).await)
    }
}

/// Binds each of `values` to `$query` for the driver's own query type.
macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Boolean(flag) => query.bind(*flag),
                Value::Integer(number) => query.bind(*number),
                Value::Float(number) => query.bind(*number),
                Value::Binary(bytes) => query.bind(bytes.clone()),
                other => query.bind(other.as_text().map(str::to_owned)),
            };
        }
        query
    }};
}

impl Connection {
    /// Runs one statement with `values` bound; the number of rows it changed.
    pub(crate) async fn execute_values(&mut self, sql: &str, values: &[Value]) -> Result<u64, sqlx::Error> {
        on_driver!(self, connection => {
            let query = bind_values!(sqlx::query(AssertSqlSafe(sql.to_owned())), values);
            query.execute(&mut **connection).await.map(|done| done.rows_affected())
        })
    }

    /// Runs one query with `values` bound: its column names and each row's values.
    pub(crate) async fn fetch_values(
        &mut self,
        sql: &str,
        values: &[Value],
    ) -> Result<(Vec<String>, Vec<Vec<Value>>), sqlx::Error> {
        on_driver!(self, connection => {
            let query = bind_values!(sqlx::query(AssertSqlSafe(sql.to_owned())), values);
            let rows = query.fetch_all(&mut **connection).await?;
            let columns = rows.first().map(|row| {
                sqlx::Row::columns(row).iter().map(|column| sqlx::Column::name(column).to_owned()).collect()
            });
            let values = rows.iter().map(decoding::row_values).collect::<Result<_, _>>()?;
            Ok((columns.unwrap_or_default(), values))
        })
    }
}

/// Each column of a row as optional text; bytes (MariaDB's binary-collated catalog columns) are
/// read as UTF-8.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
fn row_texts<R: sqlx::Row>(row: &R) -> Result<Vec<Option<String>>, sqlx::Error>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..row.len())
        .map(|index| match row.try_get::<Option<String>, _>(index) {
            Ok(text) => Ok(text),
            Err(error) => match row.try_get::<Option<Vec<u8>>, _>(index) {
                Ok(bytes) => Ok(bytes.map(|bytes| String::from_utf8_lossy(&bytes).into_owned())),
                Err(_) => Err(error),
            },
        })
        .collect()
}

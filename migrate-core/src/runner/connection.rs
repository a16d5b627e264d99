//! The database a migrator works on: a pool of one of the supported databases, and the one
//! connection a run holds. The three drivers are told apart here and nowhere else.

use std::future::Future;

use sqlx::AssertSqlSafe;
use sqlx::pool::PoolConnection;

use crate::dialect::Dialect;
use crate::error::{Error, Result};

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
    /// Connects to `sqlite:`, `postgres:`/`postgresql:` or `mysql:`/`mariadb:` URLs.
    pub async fn connect(url: &str) -> Result<Self> {
        let scheme = url.split(':').next().unwrap_or_default();
        let connected = match scheme {
            #[cfg(feature = "sqlite")]
            "sqlite" => sqlx::SqlitePool::connect(url).await.map(Self::Sqlite),
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => sqlx::PgPool::connect(url).await.map(Self::Postgres),
            #[cfg(feature = "mysql")]
            "mysql" | "mariadb" => {
                let url = url.replacen("mariadb:", "mysql:", 1);
                sqlx::MySqlPool::connect(&url).await.map(Self::MySql)
            }
            _ => return Err(Error::UnsupportedUrl { url: redact(url) }),
        };
        connected
            .map_err(|source| Error::Database { doing: format!("connecting to {}", redact(url)), source })
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(pool) => pool.close().await,
            #[cfg(feature = "postgres")]
            Self::Postgres(pool) => pool.close().await,
            #[cfg(feature = "mysql")]
            Self::MySql(pool) => pool.close().await,
        }
    }
}

/// A URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => match url[start + 3..at].split_once(':') {
            Some((user, _password)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Anything a migrator can run on: the sqlx pools of the supported databases, or a
/// [`DatabasePool`].
pub trait MigratePool: Sync {
    /// One connection from the pool, held for a whole run.
    fn migrate_connection(&self) -> impl Future<Output = Result<Connection>> + Send;
}

#[cfg(feature = "sqlite")]
impl MigratePool for sqlx::SqlitePool {
    async fn migrate_connection(&self) -> Result<Connection> {
        Ok(Connection::new(Driver::Sqlite(self.acquire().await.map_err(acquiring)?)))
    }
}

#[cfg(feature = "postgres")]
impl MigratePool for sqlx::PgPool {
    async fn migrate_connection(&self) -> Result<Connection> {
        Ok(Connection::new(Driver::Postgres(self.acquire().await.map_err(acquiring)?)))
    }
}

#[cfg(feature = "mysql")]
impl MigratePool for sqlx::MySqlPool {
    async fn migrate_connection(&self) -> Result<Connection> {
        Ok(Connection::new(Driver::MySql(self.acquire().await.map_err(acquiring)?)))
    }
}

impl MigratePool for DatabasePool {
    async fn migrate_connection(&self) -> Result<Connection> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(pool) => pool.migrate_connection().await,
            #[cfg(feature = "postgres")]
            Self::Postgres(pool) => pool.migrate_connection().await,
            #[cfg(feature = "mysql")]
            Self::MySql(pool) => pool.migrate_connection().await,
        }
    }
}

fn acquiring(source: sqlx::Error) -> Error {
    Error::Database { doing: "taking a connection from the pool".to_owned(), source }
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
        match &mut $self.driver {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite($connection) => $body,
            #[cfg(feature = "postgres")]
            Driver::Postgres($connection) => $body,
            #[cfg(feature = "mysql")]
            Driver::MySql($connection) => $body,
        }
    };
}

/// Returns the driver's connection from `$self` when it is the `$variant` one.
macro_rules! driver_connection {
    ($self:expr, $variant:ident, $wanted:literal) => {{
        let database = $self.dialect().name();
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

    /// The dialect of this connection's database: its name, identifier quoting, placeholders.
    pub fn dialect(&self) -> &'static dyn Dialect {
        match &self.driver {
            #[cfg(feature = "sqlite")]
            Driver::Sqlite(_) => &crate::dialect::SqliteDialect,
            #[cfg(feature = "postgres")]
            Driver::Postgres(_) => &crate::dialect::PostgresDialect,
            #[cfg(feature = "mysql")]
            Driver::MySql(_) => &crate::dialect::MySqlDialect,
        }
    }

    /// Closes the connection when dropped instead of returning it to the pool.
    pub(crate) fn close_on_drop(&mut self) {
        on_driver!(self, connection => connection.close_on_drop())
    }

    /// Runs SQL as given (several statements allowed), without binds; the error names the SQL.
    pub async fn execute(&mut self, sql: &str) -> Result<()> {
        self.run_sql(sql)
            .await
            .map_err(|source| Error::Database { doing: format!("running `{sql}`"), source })
    }

    /// Runs SQL as given, with the driver's own error.
    pub(crate) async fn run_sql(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => sqlx::raw_sql(sql).execute(&mut **connection).await.map(drop))
    }

    /// Runs one statement with string binds.
    pub(crate) async fn execute_with(&mut self, sql: &str, binds: &[&str]) -> Result<(), sqlx::Error> {
        on_driver!(self, connection => {
            let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
            for bind in binds {
                query = query.bind((*bind).to_owned());
            }
            query.execute(&mut **connection).await.map(drop)
        })
    }

    /// The first column of every row, as strings.
    pub(crate) async fn fetch_strings(&mut self, sql: &str) -> Result<Vec<String>, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => sqlx::query_scalar::<_, String>(sql).fetch_all(&mut **connection).await)
    }

    /// The first two columns of every row, as strings.
    pub(crate) async fn fetch_pairs(&mut self, sql: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => sqlx::query_as::<_, (String, String)>(sql).fetch_all(&mut **connection).await)
    }

    /// The first three columns of every row: a string and two optional ones.
    pub(crate) async fn fetch_string_triples(
        &mut self,
        sql: &str,
    ) -> Result<Vec<(String, Option<String>, Option<String>)>, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => sqlx::query_as(sql).fetch_all(&mut **connection).await)
    }

    /// Runs one statement without binds, unprepared (statements whose literals change each time,
    /// as batches' do, cost MySQL a server-side prepare each); the number of rows it changed.
    pub(crate) async fn execute_counting(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => sqlx::raw_sql(sql).execute(&mut **connection).await.map(|done| done.rows_affected()))
    }

    /// The first column of the first row, as an integer, if there is a row; unprepared, as above.
    pub(crate) async fn fetch_optional_integer(&mut self, sql: &str) -> Result<Option<i64>, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => {
            let row = sqlx::raw_sql(sql).fetch_optional(&mut **connection).await?;
            row.map(|row| sqlx::Row::try_get::<i64, _>(&row, 0)).transpose()
        })
    }

    /// The first column of the first row, as an integer.
    pub(crate) async fn fetch_integer(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        on_driver!(self, connection => sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut **connection).await)
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_left_out_of_urls_in_messages() {
        assert_eq!(redact("postgres://app:secret@db:5432/app"), "postgres://app:***@db:5432/app");
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(redact("sqlite://app.db"), "sqlite://app.db");
    }
}

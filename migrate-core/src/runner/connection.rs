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
        Ok(Connection::Sqlite(self.acquire().await.map_err(acquiring)?))
    }
}

#[cfg(feature = "postgres")]
impl MigratePool for sqlx::PgPool {
    async fn migrate_connection(&self) -> Result<Connection> {
        Ok(Connection::Postgres(self.acquire().await.map_err(acquiring)?))
    }
}

#[cfg(feature = "mysql")]
impl MigratePool for sqlx::MySqlPool {
    async fn migrate_connection(&self) -> Result<Connection> {
        Ok(Connection::MySql(self.acquire().await.map_err(acquiring)?))
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

/// The one connection a run holds (and its lock).
#[derive(Debug)]
pub enum Connection {
    #[cfg(feature = "sqlite")]
    #[doc(hidden)]
    Sqlite(PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    #[doc(hidden)]
    Postgres(PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    #[doc(hidden)]
    MySql(PoolConnection<sqlx::MySql>),
}

/// Runs `$body` with `$connection` bound to the driver's own connection.
macro_rules! on_driver {
    ($self:expr, $connection:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite($connection) => $body,
            #[cfg(feature = "postgres")]
            Connection::Postgres($connection) => $body,
            #[cfg(feature = "mysql")]
            Connection::MySql($connection) => $body,
        }
    };
}

impl Connection {
    /// The dialect of this connection's database.
    pub(crate) fn dialect(&self) -> &'static dyn Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(_) => &crate::dialect::SqliteDialect,
            #[cfg(feature = "postgres")]
            Connection::Postgres(_) => &crate::dialect::PostgresDialect,
            #[cfg(feature = "mysql")]
            Connection::MySql(_) => &crate::dialect::MySqlDialect,
        }
    }

    /// Closes the connection when dropped instead of returning it to the pool.
    pub(crate) fn close_on_drop(&mut self) {
        on_driver!(self, connection => connection.close_on_drop())
    }

    /// Runs SQL as given (several statements allowed), without binds.
    pub async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
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

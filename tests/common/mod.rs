//! A database of its own for each test: a temporary SQLite file, or a fresh PostgreSQL or MariaDB
//! database created on the server the environment names, dropped when the test ends.

pub mod schema;

use std::sync::atomic::{AtomicU32, Ordering};

use migrate::DatabasePool;
use sqlx::AssertSqlSafe;

/// The registered migrations whose revision starts with `prefix`: one scenario's graph (each
/// scenario's revisions share a prefix no other scenario's start with).
pub fn migrator(prefix: &str) -> migrate::Migrator {
    let migrations =
        migrate::Migration::registered().into_iter().filter(|m| m.revision().starts_with(prefix));
    migrate::Migrator::new(migrations).unwrap_or_else(|e| panic!("{e}"))
}

/// The databases every runner behaviour is checked on: the tests' own list, matched exhaustively
/// (`migrate::Database` is `non_exhaustive`), so a database added to it must be added to every
/// helper that tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

/// A database made for one test.
pub struct TestDatabase {
    pub kind: Kind,
    pub pool: DatabasePool,
    /// The URL the pool connects to, for tests that run a program on the same database.
    #[allow(dead_code, reason = "read only by the tests that run a program")]
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Drop { admin_url: String, name: String },
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("migrate_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Replaces the database name (the URL's path) in a server URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(base, query)| (base, Some(query)));
    let start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[start..].find('/') {
        Some(slash) => &base[..start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// `url` with `user:password@` for its credentials.
#[allow(dead_code, reason = "used only by the tests that log in as other users")]
pub fn with_credentials(url: &str, user: &str, password: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let host = rest[..authority_end].rfind('@').map_or(rest, |at| &rest[at + 1..]);
    format!("{}{user}:{password}@{host}", &url[..start])
}

impl TestDatabase {
    /// A new, empty database; `None` (with one printed line) when that server isn't configured.
    pub async fn create(kind: Kind) -> Option<Self> {
        let name = unique_name();
        let (url, cleanup) = match kind {
            Kind::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (format!("sqlite://{}?mode=rwc", path.display()), Cleanup::File(path))
            }
            Kind::Postgres | Kind::MySql => {
                let variable = if kind == Kind::Postgres {
                    "MIGRATE_TEST_POSTGRES_URL"
                } else {
                    "MIGRATE_TEST_MYSQL_URL"
                };
                let Ok(admin_url) = std::env::var(variable) else {
                    println!(
                        "skipped: set {variable} (see README, 'Databases for the tests') to run this test on {kind:?}"
                    );
                    return None;
                };
                let admin =
                    DatabasePool::connect(&admin_url).await.unwrap_or_else(|e| panic!("{variable}: {e}"));
                execute(&admin, &format!("CREATE DATABASE {name}")).await;
                admin.close().await;
                (with_database(&admin_url, &name), Cleanup::Drop { admin_url, name })
            }
        };
        let pool = DatabasePool::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("connecting to the test database: {e}"));
        Some(Self { kind, pool, url, cleanup })
    }

    /// Drops the database (or deletes the file).
    pub async fn remove(self) {
        self.pool.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Drop { admin_url, name } => {
                let admin = DatabasePool::connect(&admin_url).await.unwrap_or_else(|e| panic!("{e}"));
                let force = if self.kind == Kind::Postgres { " WITH (FORCE)" } else { "" };
                execute(&admin, &format!("DROP DATABASE IF EXISTS {name}{force}")).await;
                admin.close().await;
            }
        }
    }

    /// The value the query's first row and column hold.
    pub async fn scalar<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin,
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        T: for<'r> sqlx::Decode<'r, sqlx::MySql> + sqlx::Type<sqlx::MySql>,
    {
        let sql = AssertSqlSafe(sql.to_owned());
        let result = match &self.pool {
            DatabasePool::Sqlite(pool) => sqlx::query_scalar::<_, T>(sql).fetch_one(pool).await,
            DatabasePool::Postgres(pool) => sqlx::query_scalar::<_, T>(sql).fetch_one(pool).await,
            DatabasePool::MySql(pool) => sqlx::query_scalar::<_, T>(sql).fetch_one(pool).await,
            _ => unreachable!("the tests build with every database"),
        };
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    /// The integer the query's first row and column hold.
    pub async fn integer(&self, sql: &str) -> i64 {
        self.scalar(sql).await
    }

    /// Whether a table exists in the test database.
    pub async fn has_table(&self, table: &str) -> bool {
        // MySQL reads a backslash in a string literal as an escape.
        let escaped = if self.kind == Kind::MySql { table.replace('\\', "\\\\") } else { table.to_owned() };
        let table = escaped.replace('\'', "''");
        let sql = match self.kind {
            Kind::Sqlite => {
                format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
            }
            Kind::Postgres => format!(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
            Kind::MySql => format!(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"
            ),
        };
        self.integer(&sql).await == 1
    }

    /// Runs SQL on the test database.
    pub async fn execute(&self, sql: &str) {
        execute(&self.pool, sql).await;
    }
}

async fn execute(pool: &DatabasePool, sql: &str) {
    use migrate::MigratePool;
    let mut connection = pool.migrate_connection().await.unwrap_or_else(|e| panic!("{e}"));
    connection.execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Runs an async test body once per database, each on a database of its own that is removed
/// afterwards, also when the body panics.
#[macro_export]
macro_rules! on_every_database {
    ($($test:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { $crate::common::run($crate::common::Kind::Sqlite, super::$test).await } )* }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { $crate::common::run($crate::common::Kind::Postgres, super::$test).await } )* }
        mod mysql { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $test() { $crate::common::run($crate::common::Kind::MySql, super::$test).await } )* }
    };
}

/// Creates the database, runs `body` on it, removes it, then reports the body's panic if any.
pub async fn run<F, Fut>(kind: Kind, body: F)
where
    F: FnOnce(std::sync::Arc<TestDatabase>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Some(database) = TestDatabase::create(kind).await else { return };
    let database = std::sync::Arc::new(database);
    let outcome = tokio::spawn(body(database.clone())).await;
    if let Ok(database) = std::sync::Arc::try_unwrap(database) {
        database.remove().await;
    }
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

//! A database of its own for each `#[migrate::test]`: copied from its migrations' template where
//! the database can copy one (`template.rs`), migrated otherwise, handed to the test as a pool, and
//! removed afterwards.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{Failure, template};
use crate::connection::{Connection, DatabasePool, MigratePool};
use crate::database::Database;
use crate::runner::Migrator;

/// What a `#[migrate::test]` function returns when its database isn't configured and it is
/// skipped: `()`, or `Ok(())`.
pub trait Skipped {
    /// The value of a skipped test.
    fn skipped() -> Self;
}

impl Skipped for () {
    fn skipped() -> Self {}
}

impl<E> Skipped for Result<(), E> {
    fn skipped() -> Self {
        Ok(())
    }
}

/// Runs a `#[migrate::test]`: a new database of `database` (a SQLite file, or a database created
/// on the server `MIGRATE_TEST_POSTGRES_URL` / `MIGRATE_TEST_MYSQL_URL` names), migrated to
/// `target` with every registered migration, handed to `test` as a pool, and removed afterwards,
/// also when the test panics. Without the server's URL the test is skipped with a line that says
/// how to run it (see [`skip`] for `expected_panic`). What the attribute expands to; call the
/// attribute instead.
#[doc(hidden)]
pub fn run_test<F, Fut, T>(database: Database, target: &str, expected_panic: Option<&str>, test: F) -> T
where
    F: FnOnce(DatabasePool) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Skipped + Send + 'static,
{
    test_runtime().block_on(async {
        let created = match Migrator::from_registry() {
            Ok(migrator) => TestDatabase::create(database, &migrator, target).await,
            Err(error) => Err(Failure::from(error)),
        };
        let fresh = match created {
            Ok(Some(fresh)) => fresh,
            Ok(None) => return skip(expected_panic),
            Err(error) => panic!("#[migrate::test] can't make a database migrated to '{target}': {error}"),
        };
        let outcome = tokio::spawn(test(fresh.pool.clone())).await;
        let removed = fresh.remove().await;
        match (outcome, removed) {
            (Ok(value), Ok(())) => value,
            (Ok(_), Err(error)) => panic!("#[migrate::test] can't remove the test's database: {error}"),
            (Err(failure), removed) => {
                if let Err(error) = removed {
                    eprintln!("#[migrate::test] can't remove the test's database: {error}");
                }
                std::panic::resume_unwind(failure.into_panic())
            }
        }
    })
}

/// Runs a `#[migrate::test(database = "postgres", transaction)]`: a connection to the database
/// the test binary's transaction tests share (a copy of the migrations' template, made once),
/// inside a transaction that is never committed: the connection is closed when the test drops it,
/// so the server rolls the transaction back, also when the test panics. Skipped as [`run_test`]
/// is. What the attribute expands to; call the attribute instead.
#[doc(hidden)]
pub fn run_transaction_test<F, Fut, T>(
    database: Database,
    target: &str,
    expected_panic: Option<&str>,
    test: F,
) -> T
where
    F: FnOnce(Connection) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Skipped + Send + 'static,
{
    test_runtime().block_on(async {
        let begun = match Migrator::from_registry() {
            Ok(migrator) => TestTransaction::begin(database, &migrator, target).await,
            Err(error) => Err(Failure::from(error)),
        };
        let TestTransaction { pool, connection } = match begun {
            Ok(Some(begun)) => begun,
            Ok(None) => return skip(expected_panic),
            Err(error) => {
                panic!("#[migrate::test] can't begin a transaction on a database at '{target}': {error}")
            }
        };
        let outcome = tokio::spawn(test(connection)).await;
        pool.close().await;
        match outcome {
            Ok(value) => value,
            Err(failure) => std::panic::resume_unwind(failure.into_panic()),
        }
    })
}

/// What a skipped test (its server not configured, said in a printed line) gives the harness: a
/// pass. A `#[should_panic]` test passes by panicking with the text it expects (`expected_panic`,
/// empty for any panic), so its skip panics with that text, saying why.
fn skip<T: Skipped>(expected_panic: Option<&str>) -> T {
    match expected_panic {
        Some(expected) => panic!("skipped, so this panic stands for the one the test expects: {expected}"),
        None => T::skipped(),
    }
}

/// The runtime a `#[migrate::test]` runs on. A test fails by panicking: a runtime that can't
/// start, or a database that can't be made, is the test's failure, said in its message.
fn test_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|error| panic!("#[migrate::test] can't start its runtime: {error}"))
}

/// A connection in a transaction on the database a test binary's transaction tests share: what
/// `run_transaction_test` (and the test-setup benchmark) make. Semver-exempt; use
/// `#[migrate::test(database = "postgres", transaction)]`.
#[doc(hidden)]
#[derive(Debug)]
pub struct TestTransaction {
    /// The pool the connection comes from, to close once the test has dropped it.
    pub pool: DatabasePool,
    /// The connection, in its transaction; closed (not returned to the pool) when dropped.
    pub connection: Connection,
}

impl TestTransaction {
    /// Begins a transaction on the shared database of `migrator`'s migrations at `target` on the
    /// server `MIGRATE_TEST_POSTGRES_URL` names; `None`, with one printed line, when it isn't set.
    /// PostgreSQL only: elsewhere a test's DDL would commit (MySQL) or its writes hold the one
    /// write lock every test needs (SQLite).
    pub async fn begin(
        database: Database,
        migrator: &Migrator,
        target: &str,
    ) -> Result<Option<Self>, Failure> {
        if database != Database::Postgres {
            return Err(Failure::TestDatabase {
                doing: "begin a test's transaction".to_owned(),
                reason: format!("transaction tests run on PostgreSQL, not {}", database.name()),
            });
        }
        let Some(server) = server_url("MIGRATE_TEST_POSTGRES_URL", database) else { return Ok(None) };
        let shared = template::shared_postgres_database(&server, migrator, target).await?;
        let pool = DatabasePool::connect(&with_database(&server, &shared)).await?;
        let begun = async {
            let mut connection = pool.migrate_connection().await?;
            connection.close_on_drop();
            connection.execute("BEGIN").await?;
            Ok::<_, Failure>(connection)
        };
        match begun.await {
            Ok(connection) => Ok(Some(Self { pool, connection })),
            Err(error) => {
                pool.close().await;
                Err(error)
            }
        }
    }
}

/// A database made for one test, migrated to its target: what `run_test` (and the test-setup
/// benchmark) make. Semver-exempt; use `#[migrate::test]`.
#[doc(hidden)]
#[derive(Debug)]
pub struct TestDatabase {
    pool: DatabasePool,
    removal: Removal,
}

#[derive(Debug)]
enum Removal {
    File(PathBuf),
    Drop { server: String, name: String, force: &'static str },
}

impl TestDatabase {
    /// A new database of `database` at `target` of `migrator`'s migrations; `None`, with one
    /// printed line, when the server's URL isn't set.
    pub async fn create(
        database: Database,
        migrator: &Migrator,
        target: &str,
    ) -> Result<Option<Self>, Failure> {
        let name = unique_name("migrate_test");
        match database {
            Database::Sqlite => {
                let image = template::sqlite_image(migrator, target).await?;
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let removal = Removal::File(path.clone());
                std::fs::write(&path, &image[..]).map_err(|error| Failure::TestDatabase {
                    doing: format!("write its SQLite file {}", path.display()),
                    reason: error.to_string(),
                })?;
                Self::connect(&format!("sqlite://{}", path.display()), removal).await.map(Some)
            }
            Database::Postgres => {
                let Some(server) = server_url("MIGRATE_TEST_POSTGRES_URL", database) else { return Ok(None) };
                template::create_postgres_database(&server, migrator, target, &name).await?;
                let url = with_database(&server, &name);
                Self::connect(&url, Removal::Drop { server, name, force: " WITH (FORCE)" }).await.map(Some)
            }
            Database::MySql => {
                // No template: MySQL and MariaDB have no copy of a database that is both exact and
                // faster than running the migrations (see the book's testing chapter).
                let Some(server) = server_url("MIGRATE_TEST_MYSQL_URL", database) else { return Ok(None) };
                execute(&server, &format!("CREATE DATABASE {name}")).await?;
                let url = with_database(&server, &name);
                let fresh = Self::connect(&url, Removal::Drop { server, name, force: "" }).await?;
                if let Err(error) = migrator.upgrade(&fresh.pool, target).await {
                    let _ = fresh.remove().await;
                    return Err(error.into());
                }
                Ok(Some(fresh))
            }
        }
    }

    /// Connects to the database just made; removes it again if that fails.
    async fn connect(url: &str, removal: Removal) -> Result<Self, Failure> {
        match DatabasePool::connect(url).await {
            Ok(pool) => Ok(Self { pool, removal }),
            Err(error) => {
                let _ = removal.run().await;
                Err(error.into())
            }
        }
    }

    /// The pool the test is given.
    pub fn pool(&self) -> &DatabasePool {
        &self.pool
    }

    /// Closes the pool and removes the database (drops it, or deletes the file).
    pub async fn remove(self) -> Result<(), Failure> {
        self.pool.close().await;
        self.removal.run().await
    }
}

impl Removal {
    async fn run(self) -> Result<(), Failure> {
        match self {
            Removal::File(path) => {
                remove_sqlite_files(&path);
                Ok(())
            }
            Removal::Drop { server, name, force } => {
                execute(&server, &format!("DROP DATABASE IF EXISTS {name}{force}")).await
            }
        }
    }
}

/// Deletes a SQLite database file and the files SQLite keeps beside it; missing ones are fine.
pub(super) fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The server URL `variable` names; `None`, with one printed line, when it isn't set.
fn server_url(variable: &str, database: Database) -> Option<String> {
    let url = std::env::var(variable).ok();
    if url.is_none() {
        println!("skipped: set {variable} to a server's URL to run this test on {}", database.name());
    }
    url
}

/// A database (or file) name no other test of any process uses: `prefix`, the process and a count.
pub(super) fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Runs one statement on the server `url` names.
async fn execute(url: &str, sql: &str) -> Result<(), Failure> {
    let pool = DatabasePool::connect(url).await?;
    let executed = match pool.migrate_connection().await {
        Ok(mut connection) => connection.execute(sql).await,
        Err(error) => Err(error),
    };
    pool.close().await;
    Ok(executed?)
}

/// `url` with its database (the path) replaced by `name`.
pub(super) fn with_database(url: &str, name: &str) -> String {
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

//! Templates: a test binary runs its migrations once per target, and each test's database is a
//! copy of the result, so a test's setup doesn't grow with the number of migrations.
//!
//! - PostgreSQL: a template database, `migrate_template_<digest>` (the digest of the migrations,
//!   the target and the test binary's path, [`Migrator::template_digest`]), built under an advisory lock by whichever
//!   process needs it first and published by a rename, so no process sees one half built; each
//!   test's database is `CREATE DATABASE .. TEMPLATE` it. It stays on the server as a cache for
//!   the next run: a test binary has no reliable moment to drop it at exit. A new template removes
//!   those of the same test binary and target it supersedes. Transaction tests share one copy of
//!   it, `<template>_shared`, kept and removed the same way.
//! - SQLite: the migrated file's image, kept in memory; each test writes it to a file of its own.
//!   Nothing stays behind.
//! - MySQL and MariaDB have no template (no copy of a database that is both exact and cheaper than
//!   the migrations: `CREATE TABLE .. LIKE` leaves out foreign keys, and each table costs a DDL
//!   statement anyway), so `fresh.rs` migrates each test's database.
//!
//! Tests run on runtimes of their own, one per test thread, so a template is awaited through a
//! process-wide map of cells, not a runtime's state; tokio's `OnceCell` wakes waiters on any runtime.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::OnceCell;

use super::Failure;
use super::fresh::{remove_sqlite_files, unique_name, with_database};
use crate::connection::{Connection, DatabasePool, MigratePool};
use crate::error::Error;
use crate::runner::Migrator;

/// The prefix of every template database's name.
const TEMPLATE_PREFIX: &str = "migrate_template_";

/// The advisory lock under which templates are built and removed on a PostgreSQL server (any
/// 64-bit key; this one spells "migrtmpl").
const TEMPLATE_LOCK: i64 = 0x6d69_6772_746d_706c;

/// How long a statement that needs a database nobody is connected to waits for the last
/// connection to go: a pool closed a moment ago may leave its server session for a few
/// milliseconds more.
const IN_USE_WAIT: Duration = Duration::from_secs(10);

/// The templates this process knows, each built (or found) once, by key.
struct Cells<T>(Mutex<BTreeMap<String, Arc<OnceCell<T>>>>);

impl<T> Cells<T> {
    const fn new() -> Self {
        Self(Mutex::new(BTreeMap::new()))
    }

    /// The cell of `key`, made empty on first use.
    fn cell(&self, key: &str) -> Arc<OnceCell<T>> {
        // A panic while the map was locked can't leave it half changed: insertion is one call.
        let mut cells = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        cells.entry(key.to_owned()).or_default().clone()
    }

    /// Forgets `cell` (a template found gone), so that the next test builds it again.
    fn forget(&self, key: &str, cell: &Arc<OnceCell<T>>) {
        let mut cells = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if cells.get(key).is_some_and(|known| Arc::ptr_eq(known, cell)) {
            cells.remove(key);
        }
    }
}

static SQLITE_IMAGES: Cells<Arc<Vec<u8>>> = Cells::new();
static POSTGRES_TEMPLATES: Cells<String> = Cells::new();
static POSTGRES_SHARED: Cells<String> = Cells::new();

/// The image of a SQLite database migrated to `target`, made once per process.
pub(super) async fn sqlite_image(migrator: &Migrator, target: &str) -> Result<Arc<Vec<u8>>, Failure> {
    let cell = SQLITE_IMAGES.cell(&migrator.template_digest(target, ""));
    let image = cell.get_or_try_init(|| async { build_sqlite_image(migrator, target).await.map(Arc::new) });
    Ok(image.await?.clone())
}

/// Migrates a new SQLite file to `target` and reads back a compact copy of it (`VACUUM INTO`,
/// so no write-ahead log is left out); both files are deleted.
async fn build_sqlite_image(migrator: &Migrator, target: &str) -> Result<Vec<u8>, Failure> {
    let stem = std::env::temp_dir().join(unique_name("migrate_template"));
    let path = stem.with_extension("db");
    let image_path = stem.with_extension("image.db");
    let image = async {
        let pool = DatabasePool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
        let copied = async {
            migrator.upgrade(&pool, target).await?;
            let into = image_path.display().to_string().replace('\'', "''");
            pool.migrate_connection().await?.execute(&format!("VACUUM INTO '{into}'")).await
        };
        let copied = copied.await;
        pool.close().await;
        copied?;
        std::fs::read(&image_path).map_err(|error| Failure::TestDatabase {
            doing: format!("read the SQLite template {}", image_path.display()),
            reason: error.to_string(),
        })
    };
    let image = image.await;
    remove_sqlite_files(&path);
    remove_sqlite_files(&image_path);
    image
}

/// Creates database `name` on the PostgreSQL server `server` as a copy of the template of
/// `migrator`'s migrations at `target`, building the template first if no process has.
pub(super) async fn create_postgres_database(
    server: &str,
    migrator: &Migrator,
    target: &str,
    name: &str,
) -> Result<(), Failure> {
    let digest = migrator.template_digest(target, &owner(target));
    let key = format!("{server} {digest}");
    let mut built_again = false;
    loop {
        let cell = POSTGRES_TEMPLATES.cell(&key);
        let template = cell.get_or_try_init(|| postgres_template(server, migrator, target, &digest)).await?;
        match create_from_template(server, name, template).await {
            // Another process removed it (superseded, or the cache cleared): build it again, once.
            Err(error) if !built_again && sqlstate(&error).as_deref() == Some("3D000") => {
                POSTGRES_TEMPLATES.forget(&key, &cell);
                built_again = true;
            }
            created => return Ok(created?),
        }
    }
}

/// The database the transaction tests of `migrator`'s migrations at `target` share on the
/// PostgreSQL server `server`: a copy of the template, `<template>_shared`, made by whichever
/// process needs it first (under the template lock) and kept on the server, like the template,
/// whose owner it names, so that a new template of the same test binary and target removes it too.
/// Each test works in a transaction that is never committed, so it stays as the migrations left it.
pub(super) async fn shared_postgres_database(
    server: &str,
    migrator: &Migrator,
    target: &str,
) -> Result<String, Failure> {
    let digest = migrator.template_digest(target, &owner(target));
    let key = format!("{server} {digest}");
    let cell = POSTGRES_SHARED.cell(&key);
    let shared = cell.get_or_try_init(|| async {
        let templates = POSTGRES_TEMPLATES.cell(&key);
        let template =
            templates.get_or_try_init(|| postgres_template(server, migrator, target, &digest)).await?;
        let name = format!("{template}_shared");
        let admin = DatabasePool::connect(server).await?;
        let made = async {
            let mut connection = admin.migrate_connection().await?;
            connection.execute(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})")).await?;
            let made = async {
                let exists = format!("SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'");
                if integer(&mut connection, &exists).await? == 0 {
                    let create = format!("CREATE DATABASE {name} TEMPLATE {template}");
                    execute_when_unused(&mut connection, &create).await?;
                    let owner = owner(target).replace('\'', "''");
                    connection.execute(&format!("COMMENT ON DATABASE {name} IS '{owner}'")).await?;
                }
                Ok::<_, Failure>(())
            };
            let made = made.await;
            let _ = connection.execute(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})")).await;
            made
        };
        let made = made.await;
        admin.close().await;
        made.map(|()| name)
    });
    Ok(shared.await?.clone())
}

/// `CREATE DATABASE name TEMPLATE template`, waiting while the template has a connection.
async fn create_from_template(server: &str, name: &str, template: &str) -> Result<(), Error> {
    let admin = DatabasePool::connect(server).await?;
    let created = match admin.migrate_connection().await {
        Ok(mut connection) => {
            let sql = format!("CREATE DATABASE {name} TEMPLATE {template}");
            execute_when_unused(&mut connection, &sql).await
        }
        Err(error) => Err(error),
    };
    admin.close().await;
    created
}

/// The name of the template database of `migrator`'s migrations at `target` on `server`, built
/// unless a process built it before.
async fn postgres_template(
    server: &str,
    migrator: &Migrator,
    target: &str,
    digest: &str,
) -> Result<String, Failure> {
    let name = format!("{TEMPLATE_PREFIX}{digest}");
    let admin = DatabasePool::connect(server).await?;
    let built = async {
        let mut connection = admin.migrate_connection().await?;
        connection.execute(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})")).await?;
        let built = build_unless_there(&mut connection, server, migrator, target, &name).await;
        // Closing the session would let the lock go too; unlocking first is only quicker.
        let _ = connection.execute(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})")).await;
        built
    };
    let built = built.await;
    admin.close().await;
    built.map(|()| name)
}

/// Under the template lock: builds template `name` unless it exists, then removes the templates
/// it supersedes and the half-built ones of builders that died.
async fn build_unless_there(
    connection: &mut Connection,
    server: &str,
    migrator: &Migrator,
    target: &str,
    name: &str,
) -> Result<(), Failure> {
    let exists = format!("SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'");
    if integer(connection, &exists).await? > 0 {
        return Ok(());
    }
    // Built under another name and renamed when done, so a template that exists is complete. Only
    // a builder holds the lock, so a database under this name is a dead builder's leftover.
    let building = format!("{name}_building");
    connection.execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await?;
    connection.execute(&format!("CREATE DATABASE {building}")).await?;
    let migrated = async {
        let pool = DatabasePool::connect(&with_database(server, &building)).await?;
        let migrated = migrator.upgrade(&pool, target).await;
        pool.close().await;
        migrated
    };
    if let Err(error) = migrated.await {
        let _ = connection.execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await;
        return Err(error.into());
    }
    // The comment says whose template it is: the test binary (its path, without cargo's hash) and
    // the target, which a later build of the same binary's tests supersedes.
    let owner = owner(target);
    connection.execute(&format!("COMMENT ON DATABASE {building} IS '{}'", owner.replace('\'', "''"))).await?;
    // No connection can be opened to a template any more, so none can make a copy wait.
    connection
        .execute(&format!("ALTER DATABASE {building} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"))
        .await?;
    execute_when_unused(connection, &format!("ALTER DATABASE {building} RENAME TO {name}")).await?;
    let superseded = format!(
        "SELECT datname FROM pg_database WHERE datname LIKE '{}%' AND datname <> '{name}' \
         AND (shobj_description(oid, 'pg_database') = '{}' OR datname LIKE '%\\_building')",
        TEMPLATE_PREFIX.replace('_', "\\_"),
        owner.replace('\'', "''"),
    );
    for stale in strings(connection, &superseded).await? {
        drop_template(connection, &stale).await?;
    }
    Ok(())
}

/// Drops a template database (first made an ordinary one again, as PostgreSQL requires).
async fn drop_template(connection: &mut Connection, name: &str) -> Result<(), Error> {
    connection.execute(&format!("ALTER DATABASE {name} WITH IS_TEMPLATE false")).await?;
    connection.execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
}

/// Removes every template `#[migrate::test]` left on the PostgreSQL server `server_url` names:
/// clears the cache. Test binaries running meanwhile build theirs again. The number removed.
pub async fn remove_templates(server_url: &str) -> Result<usize, Failure> {
    let admin = DatabasePool::connect(server_url).await?;
    let removed = async {
        let mut connection = admin.migrate_connection().await?;
        connection.execute(&format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})")).await?;
        let removed = async {
            let all = format!(
                "SELECT datname FROM pg_database WHERE datname LIKE '{}%'",
                TEMPLATE_PREFIX.replace('_', "\\_")
            );
            let templates = strings(&mut connection, &all).await?;
            for template in &templates {
                drop_template(&mut connection, template).await?;
            }
            Ok::<_, Failure>(templates.len())
        };
        let removed = removed.await;
        let _ = connection.execute(&format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})")).await;
        removed
    };
    let removed = removed.await;
    admin.close().await;
    removed
}

/// What a template's comment says: whose it is (the test binary and the target).
fn owner(target: &str) -> String {
    let binary = std::env::current_exe().map_or_else(
        |_| "a test binary".to_owned(),
        |path| {
            // Cargo names a test binary `<crate>-<16 hex digits>`, the digits changing with each build.
            let path = path.display().to_string();
            match path.rsplit_once('-') {
                Some((stem, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    stem.to_owned()
                }
                _ => path,
            }
        },
    );
    format!("migrate test template of {binary} at {target}")
}

/// Runs `sql`, which needs a database nobody is connected to, again while PostgreSQL says one is
/// ("being accessed by other users", SQLSTATE 55006), up to [`IN_USE_WAIT`].
async fn execute_when_unused(connection: &mut Connection, sql: &str) -> Result<(), Error> {
    let started = std::time::Instant::now();
    loop {
        match connection.execute(sql).await {
            Err(error) if sqlstate(&error).as_deref() == Some("55006") && started.elapsed() < IN_USE_WAIT => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            done => return done,
        }
    }
}

/// The SQLSTATE of a database's error.
fn sqlstate(error: &Error) -> Option<String> {
    match error.sqlx_error()? {
        sqlx::Error::Database(database) => database.code().map(|code| code.into_owned()),
        _ => None,
    }
}

async fn integer(connection: &mut Connection, sql: &str) -> Result<i64, Error> {
    connection
        .fetch_integer(sql)
        .await
        .map_err(|cause| Error::Database { doing: format!("running `{sql}`"), cause })
}

async fn strings(connection: &mut Connection, sql: &str) -> Result<Vec<String>, Error> {
    connection
        .fetch_strings(sql)
        .await
        .map_err(|cause| Error::Database { doing: format!("running `{sql}`"), cause })
}

//! Connecting: what a user sees when the database can't be reached or refuses, with passwords kept
//! out of every message.

#[allow(dead_code, reason = "this file uses part of the tests' database helper")]
mod common;

use std::time::{Duration, Instant};

use common::{Kind, TestDatabase};
use migrate::{DatabasePool, Error};

/// The server URL the environment names for `kind`, if any.
fn server_url(kind: Kind) -> Option<String> {
    let variable = match kind {
        Kind::Postgres => "MIGRATE_TEST_POSTGRES_URL",
        Kind::MySql => "MIGRATE_TEST_MYSQL_URL",
        Kind::Sqlite => return None,
    };
    let url = std::env::var(variable).ok();
    if url.is_none() {
        println!(
            "skipped: set {variable} (see README, 'Databases for the tests') to run this test on {kind:?}"
        );
    }
    url
}

#[tokio::test]
async fn a_refused_connection_says_so_at_once_without_the_passwords() {
    for url in [
        "postgres://app:s3cret@127.0.0.1:1/app?password=0ther",
        "mysql://root:s3cret@127.0.0.1:1/app?password=0ther",
    ] {
        let started = Instant::now();
        let error = DatabasePool::connect(url).await.unwrap_err();
        let (shown, debug) = (error.to_string(), format!("{error:?}"));
        assert!(started.elapsed() < Duration::from_secs(5), "{url}: waited {:?}", started.elapsed());
        assert!(shown.contains("refused"), "{shown}");
        assert!(shown.contains(":***@127.0.0.1:1/app?password=***"), "{shown}");
        for secret in ["s3cret", "0ther"] {
            assert!(!shown.contains(secret) && !debug.contains(secret), "{shown} / {debug}");
        }
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_after_the_wait_asked_for() {
    // A port that accepts connections and then says nothing.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("postgres://app@{}/app", silent.local_addr().unwrap());
    let started = Instant::now();
    let error = DatabasePool::connect_within(&url, Duration::from_millis(300)).await.unwrap_err();
    assert!(matches!(error, Error::ConnectTimeout { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "waited {:?}", started.elapsed());
    assert!(error.to_string().starts_with(&format!("no answer from {url} within 300ms")), "{error}");
}

#[tokio::test]
async fn a_missing_database_is_named() {
    for kind in [Kind::Postgres, Kind::MySql] {
        let Some(server) = server_url(kind) else { continue };
        let url = common::with_database(&server, "migrate_no_such_database");
        let error = DatabasePool::connect(&url).await.unwrap_err().to_string();
        assert!(error.contains("migrate_no_such_database"), "{error}");
        assert!(error.contains("does not exist") || error.contains("Unknown database"), "{error}");
        // One level says it all: the driver's words are not repeated as a `source()`.
        let error = DatabasePool::connect(&url).await.unwrap_err();
        assert!(std::error::Error::source(&error).is_none());
        assert!(error.sqlx_error().is_some());
    }
}

#[tokio::test]
async fn a_postgres_error_shows_its_detail_and_not_the_servers_source_line() {
    let Some(db) = TestDatabase::create(Kind::Postgres).await else { return };
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)").await;
    db.execute("INSERT INTO t VALUES (1)").await;
    let mut connection = {
        use migrate::MigratePool;
        db.pool.migrate_connection().await.unwrap()
    };
    let error = connection.execute("INSERT INTO t VALUES (1)").await.unwrap_err().to_string();
    drop(connection);
    db.remove().await;
    assert!(
        error.contains("duplicate key value violates unique constraint \"t_pkey\" (SQLSTATE 23505)"),
        "{error}"
    );
    assert!(error.contains("DETAIL: Key (id)=(1) already exists."), "{error}");
    assert!(!error.contains(" at line "), "{error}");
}

#[tokio::test]
async fn an_unknown_host_is_named_as_such() {
    let error =
        DatabasePool::connect("postgres://app@nonexistent.invalid/app").await.unwrap_err().to_string();
    assert!(error.contains("nonexistent.invalid") && error.contains("lookup"), "{error}");
}

#[tokio::test]
async fn a_failed_login_says_so_without_the_password() {
    let Some(server) = server_url(Kind::MySql) else { return };
    // The same server, as a user that doesn't exist.
    let start = server.find("://").map_or(0, |i| i + 3);
    let host = &server[server[start..].find('@').map_or(start, |at| start + at + 1)..];
    let url = format!("mysql://nobody:wr0ng@{host}");
    let error = DatabasePool::connect(&url).await.unwrap_err().to_string();
    assert!(error.contains("Access denied for user 'nobody'"), "{error}");
    assert!(!error.contains("wr0ng"), "{error}");
}

/// How many connections the pool holds, and how many of them are idle.
fn pool_size(pool: &DatabasePool) -> (u32, usize) {
    match pool {
        DatabasePool::Sqlite(pool) => (pool.size(), pool.num_idle()),
        DatabasePool::Postgres(pool) => (pool.size(), pool.num_idle()),
        DatabasePool::MySql(pool) => (pool.size(), pool.num_idle()),
        _ => unreachable!("a database the tests don't build"),
    }
}

/// The connection that proves the URL works stays in the pool, and a run takes it: a program
/// that connects and migrates opens one connection, not two.
#[tokio::test]
async fn the_connection_that_proves_the_url_is_the_one_a_run_uses() {
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::MySql] {
        let Some(db) = TestDatabase::create(kind).await else { continue };
        let pool = DatabasePool::connect(&db.url).await.unwrap();
        assert_eq!(pool_size(&pool), (1, 1), "{kind:?}: one connection, idle");
        let migrator = migrate::Migrator::new(Vec::new()).unwrap();
        assert!(migrator.upgrade(&pool, "heads").await.unwrap().heads.is_empty());
        assert_eq!(pool_size(&pool).0, 1, "{kind:?}: the run took that connection");
        pool.close().await;
        db.remove().await;
    }
}

/// A connection that died while idle in the pool (the server restarted, a proxy dropped it) is
/// found out before a run takes it, and replaced: the run works.
#[tokio::test]
async fn a_connection_that_died_while_idle_is_replaced_before_a_run_takes_it() {
    use migrate::MigratePool;
    for kind in [Kind::Postgres, Kind::MySql] {
        let Some(db) = TestDatabase::create(kind).await else { continue };
        let pool = DatabasePool::connect(&db.url).await.unwrap();
        let session: i64 = {
            let mut connection = pool.migrate_connection().await.unwrap();
            match kind {
                Kind::Postgres => sqlx::query_scalar::<_, i32>("SELECT pg_backend_pid()")
                    .fetch_one(connection.postgres().unwrap())
                    .await
                    .map(i64::from),
                _ => sqlx::query_scalar::<_, u64>("SELECT CONNECTION_ID()")
                    .fetch_one(connection.mysql().unwrap())
                    .await
                    .map(|id| i64::try_from(id).unwrap()),
            }
            .unwrap()
        };
        // sqlx returns the connection to the pool on a task of its own.
        let started = Instant::now();
        while pool_size(&pool) != (1, 1) {
            assert!(started.elapsed() < Duration::from_secs(5), "{kind:?}: the connection went back");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let kill = match kind {
            Kind::Postgres => format!("SELECT pg_terminate_backend({session})"),
            _ => format!("KILL {session}"),
        };
        db.execute(&kill).await;
        // Idle long enough to be pinged before it is taken.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let migrator = migrate::Migrator::new(Vec::new()).unwrap();
        let report = migrator.upgrade(&pool, "heads").await;
        assert!(report.is_ok(), "{kind:?}: the run got a live connection: {report:?}");
        pool.close().await;
        db.remove().await;
    }
}

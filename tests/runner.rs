//! The runner on SQLite, PostgreSQL and MariaDB: every behaviour is written once and run on each
//! database, each in a database of its own.

mod common;

use std::sync::Arc;

use common::{Kind, TestDatabase, migrator};
use migrate::prelude::*;
use migrate::{Direction, Error, Migrator, TransactionMode};

fn revisions(report: &migrate::Report) -> Vec<&str> {
    report.applied.iter().map(|applied| applied.revision.as_str()).collect()
}

// ---- a linear chain ----

#[migration(revision = "lin1", down_revision = None, downgrade = lin1_down)]
fn lin1(op: &mut Operations) {
    op.execute("CREATE TABLE lin_users (id INTEGER PRIMARY KEY)");
}
fn lin1_down(op: &mut Operations) {
    op.execute("DROP TABLE lin_users");
}
#[migration(revision = "lin2", down_revision = "lin1", downgrade = lin2_down)]
fn lin2(op: &mut Operations) {
    op.execute("CREATE TABLE lin_posts (id INTEGER PRIMARY KEY)");
}
fn lin2_down(op: &mut Operations) {
    op.execute("DROP TABLE lin_posts");
}
#[migration(revision = "lin3", down_revision = "lin2", downgrade = lin3_down)]
fn lin3(op: &mut Operations) {
    op.execute("CREATE TABLE lin_tags (id INTEGER PRIMARY KEY)");
}
fn lin3_down(op: &mut Operations) {
    op.execute("DROP TABLE lin_tags");
}

async fn upgrade_to_head_applies_every_migration_in_order(db: Arc<TestDatabase>) {
    let report = migrator("lin").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["lin1", "lin2", "lin3"]);
    assert!(report.applied.iter().all(|a| a.direction == Direction::Upgrade));
    for table in ["lin_users", "lin_posts", "lin_tags"] {
        assert!(db.has_table(table).await, "{table}");
    }
    assert_eq!(migrator("lin").current(&db.pool).await.unwrap(), ["lin3"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM migrate_version").await, 1);
}

async fn each_migration_is_reported_as_it_finishes(db: Arc<TestDatabase>) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let migrator = migrator("lin").on_applied(move |applied| {
        if let Ok(mut seen) = recorder.lock() {
            seen.push(applied.revision.clone());
        }
    });
    let report = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(*seen.lock().unwrap(), revisions(&report));
    assert_eq!(revisions(&report), ["lin1", "lin2", "lin3"]);
}

async fn upgrading_at_head_runs_nothing(db: Arc<TestDatabase>) {
    let migrator = migrator("lin");
    migrator.upgrade(&db.pool, "head").await.unwrap();
    let again = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert!(again.applied.is_empty());
    assert_eq!(again.heads, ["lin3"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM migrate_version_log").await, 3, "logged once each");
}

async fn upgrade_downgrade_upgrade_restores_the_schema(db: Arc<TestDatabase>) {
    let migrator = migrator("lin");
    migrator.upgrade(&db.pool, "head").await.unwrap();
    let down = migrator.downgrade(&db.pool, "base").await.unwrap();
    assert_eq!(revisions(&down), ["lin3", "lin2", "lin1"]);
    assert!(!db.has_table("lin_users").await);
    assert!(migrator.current(&db.pool).await.unwrap().is_empty());
    migrator.upgrade(&db.pool, "head").await.unwrap();
    for table in ["lin_users", "lin_posts", "lin_tags"] {
        assert!(db.has_table(table).await, "{table}");
    }
}

/// In one transaction for the run, the version table and the log are written as the run ends,
/// with the same outcome as a transaction per migration; a start at head is the fast path again.
async fn whole_run_mode_records_each_migration_once_both_ways(db: Arc<TestDatabase>) {
    let migrator = migrator("lin").transaction_mode(TransactionMode::WholeRun);
    assert_eq!(revisions(&migrator.upgrade(&db.pool, "head").await.unwrap()), ["lin1", "lin2", "lin3"]);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["lin3"]);
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.is_empty());
    assert_eq!(revisions(&migrator.downgrade(&db.pool, "lin1").await.unwrap()), ["lin3", "lin2"]);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["lin1"]);
    assert!(db.has_table("lin_users").await && !db.has_table("lin_posts").await);
    let log = "SELECT COUNT(*) FROM migrate_version_log";
    assert_eq!(db.integer(&format!("{log} WHERE direction = 'upgrade'")).await, 3);
    assert_eq!(db.integer(&format!("{log} WHERE direction = 'downgrade'")).await, 2);
}

#[migration(revision = "wrt1", down_revision = None, irreversible)]
fn wrt1(op: &mut Operations) {
    op.execute("CREATE TABLE wrt_a (id INTEGER)");
}
/// Sets a timeout, which the run puts back right after it: its bookkeeping can't wait for the run's
/// end as the others' does.
#[migration(revision = "wrt2", down_revision = "wrt1", irreversible)]
fn wrt2(op: &mut Operations) {
    op.set_lock_timeout(std::time::Duration::from_secs(5));
    op.execute("CREATE TABLE wrt_b (id INTEGER)");
}
#[migration(revision = "wrt3", down_revision = "wrt2", irreversible)]
fn wrt3(op: &mut Operations) {
    op.execute("CREATE TABLE wrt_c (id INTEGER)");
}

async fn whole_run_mode_records_a_migration_that_sets_a_timeout_between_others(db: Arc<TestDatabase>) {
    let migrator = migrator("wrt").transaction_mode(TransactionMode::WholeRun);
    assert_eq!(revisions(&migrator.upgrade(&db.pool, "head").await.unwrap()), ["wrt1", "wrt2", "wrt3"]);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["wrt3"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM migrate_version_log").await, 3);
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.is_empty());
}

/// `n` migrations made at run time, as `#[migration]` registers them (revisions `<prefix>0000`
/// on), each running `SELECT 1` but the one at `failing`, which fails.
fn runtime_chain(prefix: &str, n: usize, failing: Option<usize>) -> Vec<&'static migrate::Migration> {
    use migrate::__private::{Declaration, Downgrade, Migration, MigrationFn};
    fn leak(text: String) -> &'static str {
        Box::leak(text.into_boxed_str())
    }
    fn select_one(op: &mut Operations) {
        op.execute("SELECT 1");
    }
    fn fail(op: &mut Operations) {
        op.execute("SELECT * FROM runtime_chain_no_such_table");
    }
    (0..n)
        .map(|i| {
            let down = if i == 0 { None } else { Some(format!("{prefix}{:04}", i - 1)) };
            let upgrade = if Some(i) == failing { fail } else { select_one };
            let declaration = Declaration {
                revision: &format!("{prefix}{i:04}"),
                down_revisions: &Vec::from_iter(down.as_deref()),
                message: "select one",
                checksum: &format!("{i:064}"),
                function: "select_one",
                ..Declaration::default()
            };
            &*Box::leak(Box::new(Migration {
                declaration: leak(declaration.encode_at(module_path!(), file!(), line!())),
                upgrade: MigrationFn::Sync(upgrade),
                downgrade: Downgrade::Irreversible,
                transactional: true,
            }))
        })
        .collect()
}

/// In one transaction for the run, the bookkeeping of many steps is sent every so many steps; it
/// is all kept when the run ends well, and all rolled back with the run where DDL rolls back.
async fn whole_run_mode_records_hundreds_of_migrations_or_none(db: Arc<TestDatabase>) {
    let failing = Migrator::new(runtime_chain("wrf", 250, Some(230)))
        .unwrap()
        .transaction_mode(TransactionMode::WholeRun);
    let error = failing.upgrade(&db.pool, "head").await;
    assert!(matches!(error, Err(Error::MigrationFailed(_))), "{error:?}");
    let log = "SELECT COUNT(*) FROM migrate_version_log";
    let current = failing.current(&db.pool).await.unwrap();
    if db.kind == Kind::MySql {
        // DDL commits as it runs there: each migration is recorded as it ends, and the one that
        // failed, without a transaction of its own, waits to be resumed (forgotten here).
        assert_eq!(current, ["wrf0229"]);
        assert_eq!(db.integer(log).await, 230);
        let half = failing.half_applied(&db.pool).await.unwrap().expect("half-applied");
        assert_eq!((half.revision.as_str(), half.done.len()), ("wrf0230", 0), "{half}");
        failing.repair(&db.pool, migrate::Repair::Forget).await.unwrap();
    } else {
        assert!(current.is_empty(), "{current:?}");
        assert_eq!(db.integer(log).await, 0);
    }
    // Another app's migrations from here.
    db.execute("DELETE FROM migrate_version").await;
    let migrator =
        Migrator::new(runtime_chain("wrm", 250, None)).unwrap().transaction_mode(TransactionMode::WholeRun);
    assert_eq!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.len(), 250);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["wrm0249"]);
    assert_eq!(db.integer(&format!("{log} WHERE revision LIKE 'wrm%'")).await, 250);
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.is_empty());
}

async fn relative_targets_move_step_by_step(db: Arc<TestDatabase>) {
    let migrator = migrator("lin");
    assert_eq!(revisions(&migrator.upgrade(&db.pool, "+2").await.unwrap()), ["lin1", "lin2"]);
    assert_eq!(revisions(&migrator.downgrade(&db.pool, "-1").await.unwrap()), ["lin2"]);
    assert_eq!(revisions(&migrator.upgrade(&db.pool, "lin3").await.unwrap()), ["lin2", "lin3"]);
}

// ---- branches and a merge ----

#[migration(revision = "br0", down_revision = None, downgrade = nothing)]
fn br0(op: &mut Operations) {
    op.execute("CREATE TABLE br_base (id INTEGER)");
}
#[migration(revision = "br1a", down_revision = "br0", downgrade = nothing)]
fn br1a(op: &mut Operations) {
    op.execute("INSERT INTO br_base (id) VALUES (1)");
}
#[migration(revision = "br1b", down_revision = "br0", downgrade = nothing)]
fn br1b(op: &mut Operations) {
    op.execute("INSERT INTO br_base (id) VALUES (2)");
}
#[migration(revision = "brm", down_revision = ("br1a", "br1b"), downgrade = nothing)]
fn brm(_op: &mut Operations) {}
fn nothing(_op: &mut Operations) {}

async fn branches_are_applied_once_each_and_merged(db: Arc<TestDatabase>) {
    let migrator = migrator("br");
    let report = migrator.upgrade(&db.pool, "br1a").await.unwrap();
    assert_eq!(revisions(&report), ["br0", "br1a"]);
    migrator.upgrade(&db.pool, "br1b").await.unwrap();
    let mut heads = migrator.current(&db.pool).await.unwrap();
    heads.sort();
    assert_eq!(heads, ["br1a", "br1b"], "the version table holds one row per head");
    let merge = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&merge), ["brm"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM br_base").await, 2, "each branch ran once");
    let mut unmerged = migrator.downgrade(&db.pool, "br1a").await.unwrap().heads;
    unmerged.sort();
    assert_eq!(unmerged, ["br1a", "br1b"]);
}

async fn downgrading_through_a_merge_to_base_reverts_both_branches(db: Arc<TestDatabase>) {
    let migrator = migrator("br");
    migrator.upgrade(&db.pool, "head").await.unwrap();
    let down = migrator.downgrade(&db.pool, "base").await.unwrap();
    let mut reverted = revisions(&down);
    assert_eq!(reverted.remove(0), "brm", "the merge first");
    assert_eq!(reverted.pop(), Some("br0"), "the base last");
    reverted.sort();
    assert_eq!(reverted, ["br1a", "br1b"], "each branch once");
    assert!(migrator.current(&db.pool).await.unwrap().is_empty());
    assert_eq!(db.integer("SELECT COUNT(*) FROM migrate_version").await, 0);
}

// ---- stamp ----

#[migration(revision = "st1", down_revision = None, irreversible)]
fn st1(op: &mut Operations) {
    op.execute("CREATE TABLE st_never (id INTEGER)");
}
#[migration(revision = "st2", down_revision = "st1", irreversible)]
fn st2(op: &mut Operations) {
    op.execute("CREATE TABLE st_never_either (id INTEGER)");
}

async fn stamp_records_a_revision_without_running_it(db: Arc<TestDatabase>) {
    let migrator = migrator("st");
    let report = migrator.stamp(&db.pool, "head", false).await.unwrap();
    assert!(report.applied.is_empty());
    assert_eq!(report.heads, ["st2"]);
    assert!(!db.has_table("st_never").await);
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.is_empty());
    assert_eq!(migrator.stamp(&db.pool, "st1", false).await.unwrap().heads, ["st1"]);
}

async fn stamp_with_purge_replaces_unknown_revisions(db: Arc<TestDatabase>) {
    db.execute("CREATE TABLE migrate_version (version_num VARCHAR(255) NOT NULL PRIMARY KEY)").await;
    db.execute("INSERT INTO migrate_version (version_num) VALUES ('from_a_newer_build')").await;
    let migrator = migrator("st");
    assert!(matches!(migrator.stamp(&db.pool, "st1", false).await, Err(Error::UnknownRevision { .. })));
    assert_eq!(migrator.stamp(&db.pool, "st1", true).await.unwrap().heads, ["st1"]);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["st1"]);
}

async fn downgrading_an_irreversible_migration_is_refused_before_anything_runs(db: Arc<TestDatabase>) {
    let migrator = migrator("st");
    migrator.upgrade(&db.pool, "head").await.unwrap();
    let error = migrator.downgrade(&db.pool, "base").await.unwrap_err();
    assert!(matches!(&error, Error::Irreversible { revision, .. } if revision == "st2"), "{error}");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["st2"]);
}

// ---- drift and unknown revisions ----

async fn an_applied_migration_that_was_edited_is_reported_before_anything_runs(db: Arc<TestDatabase>) {
    let migrator = migrator("lin");
    migrator.upgrade(&db.pool, "lin2").await.unwrap();
    // What an edit of lin1's code after it was applied looks like to the database.
    db.execute("UPDATE migrate_version_log SET checksum = 'edited' WHERE revision = 'lin1'").await;
    let error = migrator.upgrade(&db.pool, "head").await.unwrap_err();
    assert!(matches!(error, Error::ChecksumMismatch { .. }), "{error}");
    assert!(error.to_string().contains("'lin1'") && error.to_string().contains("runner::lin1"), "{error}");
    assert!(!db.has_table("lin_tags").await, "nothing ran");

    let repaired = migrator.repair_checksums(true);
    let report = repaired.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["lin3"]);
    assert_eq!(report.accepted_edits, ["lin1"]);
    // A migrator that doesn't repair now accepts the database: the new checksum was recorded.
    let again = self::migrator("lin").upgrade(&db.pool, "head").await.unwrap();
    assert!(again.accepted_edits.is_empty() && again.applied.is_empty(), "the repair was recorded");
}

async fn a_revision_the_program_does_not_know_is_an_error_unless_allowed(db: Arc<TestDatabase>) {
    migrator("lin").upgrade(&db.pool, "head").await.unwrap();
    db.execute("DELETE FROM migrate_version").await;
    db.execute("INSERT INTO migrate_version (version_num) VALUES ('deadbeef0001')").await;
    let error = migrator("lin").upgrade(&db.pool, "head").await.unwrap_err();
    assert!(error.to_string().contains("Can't locate revision identified by 'deadbeef0001'"), "{error}");
    let allowed = migrator("lin").allow_unknown_revisions(true).upgrade(&db.pool, "head").await.unwrap();
    assert!(allowed.applied.is_empty());
    assert_eq!(allowed.heads, ["deadbeef0001"]);
}

// ---- failures ----

#[migration(revision = "fail1", down_revision = None, downgrade = nothing)]
fn fail1(op: &mut Operations) {
    op.execute("CREATE TABLE fail_kept (id INTEGER)");
}
#[migration(revision = "fail2", down_revision = "fail1", downgrade = nothing)]
fn fail2(op: &mut Operations) {
    op.execute("CREATE TABLE fail_partial (id INTEGER)");
    op.execute("INSERT INTO no_such_table (id) VALUES (1)");
}
#[migration(revision = "fail3", down_revision = "fail2", downgrade = nothing)]
fn fail3(op: &mut Operations) {
    op.execute("CREATE TABLE fail_never (id INTEGER)");
}

async fn a_failing_migration_rolls_back_and_the_version_table_keeps_the_last_success(db: Arc<TestDatabase>) {
    let migrator = migrator("fail");
    let error = migrator.upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    let migrate::MigrationFailure { revision, statement, committed, origin, rolled_back, .. } =
        failure.as_ref();
    assert_eq!(revision, "fail2");
    assert!(origin.contains("runner::fail2"), "{origin}");
    assert!(statement.as_deref().is_some_and(|sql| sql.contains("no_such_table")), "{statement:?}");
    assert!(error.to_string().contains("no_such_table"), "the database's message: {error}");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["fail1"]);
    assert!(db.has_table("fail_kept").await);
    assert!(!db.has_table("fail_never").await);
    if db.kind == Kind::MySql {
        // DDL commits implicitly on MariaDB: the error says what already took effect.
        assert!(db.has_table("fail_partial").await);
        assert_eq!(committed, &["CREATE TABLE fail_partial (id INTEGER)"]);
        assert!(!rolled_back);
    } else {
        assert!(!db.has_table("fail_partial").await, "rolled back");
        assert!(committed.is_empty());
        assert!(rolled_back);
    }
}

async fn a_failure_in_whole_run_mode_reverts_the_whole_run(db: Arc<TestDatabase>) {
    let migrator = migrator("fail").transaction_mode(TransactionMode::WholeRun);
    assert!(migrator.upgrade(&db.pool, "head").await.is_err());
    if db.kind != Kind::MySql {
        assert!(migrator.current(&db.pool).await.unwrap().is_empty());
        assert!(!db.has_table("fail_kept").await);
    }
}

#[migration(revision = "dfail1", down_revision = None, downgrade = dfail1_down)]
fn dfail1(op: &mut Operations) {
    op.execute("CREATE TABLE dfail_a (id INTEGER)");
}
fn dfail1_down(op: &mut Operations) {
    op.execute("DROP TABLE dfail_a");
}
#[migration(revision = "dfail2", down_revision = "dfail1", downgrade = dfail2_down)]
fn dfail2(op: &mut Operations) {
    op.execute("CREATE TABLE dfail_b (id INTEGER)");
}
fn dfail2_down(op: &mut Operations) {
    op.execute("INSERT INTO dfail_b (id) VALUES (1)");
    op.execute("INSERT INTO dfail_no_such_table (id) VALUES (1)");
}
#[migration(revision = "dfail3", down_revision = "dfail2", downgrade = dfail3_down)]
fn dfail3(op: &mut Operations) {
    op.execute("CREATE TABLE dfail_c (id INTEGER)");
}
fn dfail3_down(op: &mut Operations) {
    op.execute("DROP TABLE dfail_c");
}

async fn a_failing_downgrade_stops_at_the_last_revision_reverted(db: Arc<TestDatabase>) {
    let migrator = migrator("dfail");
    migrator.upgrade(&db.pool, "head").await.unwrap();
    let error = migrator.downgrade(&db.pool, "base").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    assert_eq!(failure.revision, "dfail2");
    assert_eq!(failure.direction, Direction::Downgrade);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["dfail2"], "dfail3 was reverted");
    assert!(!db.has_table("dfail_c").await);
    assert!(db.has_table("dfail_a").await, "dfail1 was never reached");
    assert_eq!(db.integer("SELECT COUNT(*) FROM dfail_b").await, 0, "the insert was rolled back");
}

// ---- async migrations: a live connection inside the migration's transaction ----

#[migration(revision = "asy1", down_revision = None, downgrade = asy1_down)]
fn asy1(op: &mut Operations) {
    op.execute(
        "CREATE TABLE asy_users (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, domain VARCHAR(100))",
    );
    op.execute("INSERT INTO asy_users (id, email) VALUES (1, 'ada@example.org'), (2, 'alan@bletchley.uk')");
}
fn asy1_down(op: &mut Operations) {
    op.execute("DROP TABLE asy_users");
}

/// Fills `domain` from `email`, computed in Rust row by row.
#[migration(revision = "asy2", down_revision = "asy1", downgrade = asy2_down)]
async fn asy2(db: &mut Connection) -> migrate::Result<()> {
    let select = "SELECT id, email FROM asy_users ORDER BY id";
    let rows: Vec<(i64, String)> = if let Ok(sqlite) = db.sqlite() {
        sqlx::query_as(select).fetch_all(sqlite).await?
    } else if let Ok(postgres) = db.postgres() {
        sqlx::query_as(select).fetch_all(postgres).await?
    } else {
        sqlx::query_as(select).fetch_all(db.mysql()?).await?
    };
    let update = match db.database() {
        Database::Postgres => "UPDATE asy_users SET domain = $1 WHERE id = $2",
        _ => "UPDATE asy_users SET domain = ? WHERE id = ?",
    };
    for (id, email) in rows {
        let domain = email.split_once('@').map_or("", |(_, domain)| domain).to_owned();
        let update = sqlx::AssertSqlSafe(update);
        if let Ok(sqlite) = db.sqlite() {
            sqlx::query(update).bind(domain).bind(id).execute(sqlite).await?;
        } else if let Ok(postgres) = db.postgres() {
            sqlx::query(update).bind(domain).bind(id).execute(postgres).await?;
        } else {
            sqlx::query(update).bind(domain).bind(id).execute(db.mysql()?).await?;
        }
    }
    Ok(())
}
async fn asy2_down(db: &mut Connection) -> migrate::Result<()> {
    db.execute("UPDATE asy_users SET domain = NULL").await
}

async fn an_async_migration_reads_and_writes_through_its_connection(db: Arc<TestDatabase>) {
    let migrator = migrator("asy");
    let report = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["asy1", "asy2"]);
    let first: String = db.scalar("SELECT domain FROM asy_users WHERE id = 1").await;
    let second: String = db.scalar("SELECT domain FROM asy_users WHERE id = 2").await;
    assert_eq!([first, second], ["example.org", "bletchley.uk"]);
    migrator.downgrade(&db.pool, "-1").await.unwrap();
    assert_eq!(db.integer("SELECT COUNT(domain) FROM asy_users").await, 0, "the async downgrade ran");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["asy1"]);
    assert!(migrator.upgrade(&db.pool, "head").await.unwrap().applied.len() == 1);
}

#[migration(revision = "port1", down_revision = None, downgrade = port1_down)]
fn port1(op: &mut Operations) {
    op.create_table("port_users", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("email", Type::Varchar(100)).not_null();
        t.column("domain", Type::Varchar(100));
        t.column("active", Type::Boolean);
    });
    op.bulk_insert(
        "port_users",
        ["id", "email", "active"],
        [
            vec![Value::Integer(1), "ada@example.org".into(), Value::Boolean(true)],
            vec![Value::Integer(2), "alan@bletchley.uk".into(), Value::Null],
        ],
    );
}
fn port1_down(op: &mut Operations) {
    op.drop_table("port_users");
}

/// The same data migration as `asy2`, written once for every database.
#[migration(revision = "port2", down_revision = "port1", irreversible)]
async fn port2(db: &mut Connection) -> migrate::Result<()> {
    let rows = db
        .query("SELECT id, email, active FROM port_users WHERE domain IS NULL ORDER BY id")
        .fetch_all()
        .await?;
    for row in rows {
        let (id, email): (i64, String) = (row.get("id")?, row.get("email")?);
        let active: Option<bool> = row.get("active")?;
        let domain = email.split_once('@').map_or("", |(_, domain)| domain).to_owned();
        let domain = if active == Some(true) { domain } else { format!("{domain} (inactive)") };
        db.query("UPDATE port_users SET domain = ? WHERE id = ? AND email <> '?'")
            .bind(domain)
            .bind(id)
            .execute()
            .await?;
    }
    Ok(())
}

async fn a_portable_data_migration_runs_the_same_on_every_database(db: Arc<TestDatabase>) {
    migrator("port").upgrade(&db.pool, "head").await.unwrap();
    let first: String = db.scalar("SELECT domain FROM port_users WHERE id = 1").await;
    let second: String = db.scalar("SELECT domain FROM port_users WHERE id = 2").await;
    assert_eq!([first, second], ["example.org", "bletchley.uk (inactive)"]);
}

async fn portable_queries_bind_and_read_each_kind_of_value(db: Arc<TestDatabase>) {
    db.execute(
        "CREATE TABLE port_values (i BIGINT, f DOUBLE PRECISION, t VARCHAR(20), b BOOLEAN, n VARCHAR(5), d DATE)",
    )
    .await;
    use migrate::MigratePool;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let inserted = connection
        .query("INSERT INTO port_values (i, f, t, b, n, d) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(-7_i64)
        .bind(2.5)
        .bind("it's ?")
        .bind(true)
        .bind(None::<String>)
        .bind(Value::Date("2026-12-01".into()))
        .execute()
        .await
        .unwrap();
    assert_eq!(inserted, 1);
    let row = connection
        .query("SELECT i, f, t, b, n, CAST(d AS CHAR(10)) AS d FROM port_values WHERE t = ?")
        .bind("it's ?")
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(row.get::<i64>("i").unwrap(), -7);
    assert_eq!(row.get::<f64>("f").unwrap(), 2.5);
    assert_eq!(row.get::<String>("t").unwrap(), "it's ?");
    assert!(row.get::<bool>("b").unwrap());
    assert_eq!(row.get::<Option<String>>("n").unwrap(), None);
    assert_eq!(row.get::<String>("d").unwrap(), "2026-12-01");
    let mismatch =
        connection.query("SELECT i FROM port_values WHERE i = ? AND t = ?").bind(1).fetch_all().await;
    assert!(mismatch.unwrap_err().to_string().contains("it has 2 `?` placeholder(s) and 1 bound value(s)"));
    assert!(
        connection.query("SELECT i FROM port_values WHERE i = 99").fetch_optional().await.unwrap().is_none()
    );
}

#[migration(revision = "afail1", down_revision = None, irreversible)]
fn afail1(op: &mut Operations) {
    op.execute("CREATE TABLE afail_items (id INTEGER)");
}
#[migration(revision = "afail2", down_revision = "afail1", irreversible)]
async fn afail2(db: &mut Connection) -> migrate::Result<()> {
    db.execute("INSERT INTO afail_items (id) VALUES (1)").await?;
    db.execute("INSERT INTO afail_missing (id) VALUES (1)").await
}

async fn a_failing_async_migration_rolls_back_its_writes(db: Arc<TestDatabase>) {
    let migrator = migrator("afail");
    let error = migrator.upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    assert_eq!(failure.revision, "afail2");
    assert_eq!(failure.statement, None, "an async migration's error names its statement itself");
    assert!(failure.message.contains("INSERT INTO afail_missing"), "{}", failure.message);
    assert!(error.to_string().contains("runner::afail2"), "{error}");
    assert_eq!(db.integer("SELECT COUNT(*) FROM afail_items").await, 0, "the first insert was rolled back");
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["afail1"]);
    // Data statements roll back on every database, MySQL included, and the error says so.
    assert!(failure.rolled_back, "{error}");
    assert!(error.to_string().contains("its changes were rolled back"), "{error}");
}

async fn a_connection_hands_out_only_its_own_driver(db: Arc<TestDatabase>) {
    use migrate::MigratePool;
    let mut connection = db.pool.migrate_connection().await.unwrap();
    let database = connection.database().name();
    let answers = [
        ("SQLite", connection.sqlite().err()),
        ("PostgreSQL", connection.postgres().err()),
        ("MySQL", connection.mysql().err()),
    ];
    for (wanted, error) in answers {
        match error {
            None => assert_eq!(wanted, database),
            Some(error) => {
                assert_ne!(wanted, database);
                let message = error.to_string();
                assert!(message.contains(wanted) && message.contains(database), "{message}");
            }
        }
    }
}

// ---- concurrency ----

#[migration(revision = "race1", down_revision = None, irreversible)]
fn race1(op: &mut Operations) {
    op.execute("CREATE TABLE race_runs (revision VARCHAR(20))");
    op.execute("INSERT INTO race_runs (revision) VALUES ('race1')");
}
#[migration(revision = "race2", down_revision = "race1", irreversible)]
fn race2(op: &mut Operations) {
    op.execute("INSERT INTO race_runs (revision) VALUES ('race2')");
}
#[migration(revision = "race3", down_revision = "race2", irreversible)]
fn race3(op: &mut Operations) {
    op.execute("INSERT INTO race_runs (revision) VALUES ('race3')");
}

async fn eight_replicas_upgrading_at_once_run_each_migration_exactly_once(db: Arc<TestDatabase>) {
    let replicas: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { migrator("race").upgrade(&db.pool, "head").await })
        })
        .collect();
    let mut applied = 0;
    for replica in replicas {
        let report = replica.await.unwrap().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.heads, ["race3"]);
        applied += report.applied.len();
    }
    assert_eq!(applied, 3, "the migrations were applied once in all");
    assert_eq!(db.integer("SELECT COUNT(*) FROM race_runs").await, 3);
    assert_eq!(migrator("race").current(&db.pool).await.unwrap(), ["race3"]);
}

// ---- options ----

#[migration(revision = "ntx1", down_revision = None, transaction = false, irreversible)]
fn ntx1(op: &mut Operations) {
    op.execute("CREATE TABLE ntx_outside (id INTEGER)");
}

async fn a_migration_can_run_outside_a_transaction(db: Arc<TestDatabase>) {
    let report = migrator("ntx").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["ntx1"]);
    assert!(db.has_table("ntx_outside").await);
    assert_eq!(migrator("ntx").current(&db.pool).await.unwrap(), ["ntx1"]);
}

async fn the_version_table_can_have_any_name(db: Arc<TestDatabase>) {
    // Spaces and quotes in the name: every identifier is quoted.
    let migrator = migrator("lin").version_table("app \"versions\"");
    migrator.upgrade(&db.pool, "lin1").await.unwrap();
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["lin1"]);
    assert!(db.has_table("app \"versions\"").await);
    assert!(db.has_table("app \"versions\"_log").await);
    assert!(!db.has_table("migrate_version").await, "the default table is not used");
}

/// Takes the run lock on a connection of its own, as another run would; returns the connection
/// and the statement that releases the lock. The lock names are pinned here: runs of different
/// releases of migrate must keep excluding each other.
async fn hold_the_run_lock(db: &TestDatabase) -> (migrate::Connection, String) {
    use migrate::MigratePool;
    // FNV-1a (64 bits) of the version table's name, shifted to fit a positive bigint.
    let key = "migrate_version".bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    }) >> 1;
    let mysql_name = "CONCAT('migrate:', SHA1(CONCAT(DATABASE(), ':', 'migrate_version')))";
    let (acquire, release) = match db.kind {
        Kind::Sqlite => ("BEGIN IMMEDIATE".to_owned(), "ROLLBACK".to_owned()),
        Kind::Postgres => {
            (format!("SELECT pg_advisory_lock({key})"), format!("SELECT pg_advisory_unlock({key})"))
        }
        Kind::MySql => {
            (format!("SELECT GET_LOCK({mysql_name}, 0)"), format!("SELECT RELEASE_LOCK({mysql_name})"))
        }
    };
    let mut holder = db.pool.migrate_connection().await.unwrap();
    holder.execute(&acquire).await.unwrap();
    (holder, release)
}

async fn a_run_waits_for_the_lock_no_longer_than_the_timeout(db: Arc<TestDatabase>) {
    migrator("lin").upgrade(&db.pool, "lin1").await.unwrap();
    let (mut holder, release) = hold_the_run_lock(&db).await;
    let waiting = migrator("lin").lock_timeout(std::time::Duration::from_millis(300));
    let error = waiting.upgrade(&db.pool, "head").await.unwrap_err();
    assert!(matches!(error, Error::LockTimeout { .. }), "{error}");
    // Reading where the database is doesn't wait for the lock.
    assert_eq!(waiting.current(&db.pool).await.unwrap(), ["lin1"]);
    holder.execute(&release).await.unwrap();
    assert_eq!(revisions(&waiting.upgrade(&db.pool, "head").await.unwrap()), ["lin2", "lin3"]);
}

#[tokio::test]
async fn sqlite_a_run_gives_the_connection_back_with_its_own_busy_timeout() {
    let pool =
        sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
    let busy_timeout = || sqlx::query_scalar::<_, i64>("PRAGMA busy_timeout").fetch_one(&pool);
    let before = busy_timeout().await.unwrap();
    migrator("lin").lock_timeout(std::time::Duration::from_secs(42)).upgrade(&pool, "head").await.unwrap();
    assert_eq!(busy_timeout().await.unwrap(), before, "the application's setting, not the lock timeout");
}

async fn an_upgrade_at_head_reads_without_waiting_for_the_lock(db: Arc<TestDatabase>) {
    let impatient = migrator("lin").lock_timeout(std::time::Duration::from_millis(200));
    impatient.upgrade(&db.pool, "head").await.unwrap();
    // After a downgrade and an upgrade, as after the first upgrade, starting at head needs no lock.
    for round in 0..2 {
        let (mut holder, release) = hold_the_run_lock(&db).await;
        let report =
            impatient.upgrade(&db.pool, "head").await.unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(report.applied.is_empty());
        assert_eq!(report.heads, ["lin3"]);
        holder.execute(&release).await.unwrap();
        drop(holder);
        impatient.downgrade(&db.pool, "lin1").await.unwrap();
        impatient.upgrade(&db.pool, "head").await.unwrap();
    }
}

async fn editing_an_applied_migration_is_caught_at_head_too(db: Arc<TestDatabase>) {
    use migrate::__private::Declaration;
    migrator("lin").upgrade(&db.pool, "head").await.unwrap();
    // The next build of the program, in which lin2's code was edited.
    let edited = Migration::registered().into_iter().filter(|m| m.revision().starts_with("lin")).map(|m| {
        if m.revision() != "lin2" {
            return m;
        }
        let downs: Vec<&str> = m.down_revisions().collect();
        let declaration = Declaration {
            revision: m.revision(),
            down_revisions: &downs,
            message: m.message(),
            checksum: "edited",
            function: m.function(),
            ..Declaration::default()
        };
        let (file, line) = m.location();
        let declaration = Box::leak(declaration.encode_at(module_path!(), file, line).into_boxed_str());
        &*Box::leak(Box::new(Migration { declaration, ..*m }))
    });
    let edited: Vec<_> = edited.collect();
    let error = Migrator::new(edited.clone()).unwrap().upgrade(&db.pool, "head").await.unwrap_err();
    assert!(
        matches!(&error, Error::ChecksumMismatch { migrations } if migrations[0].contains("'lin2'")),
        "{error}"
    );
    // Accepted by a run with nothing else to do, once.
    let accepted = Migrator::new(edited.clone()).unwrap().repair_checksums(true);
    let report = accepted.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!((report.applied.len(), report.accepted_edits.as_slice()), (0, ["lin2".to_owned()].as_slice()));
    let again = Migrator::new(edited).unwrap().upgrade(&db.pool, "head").await.unwrap();
    assert!(again.applied.is_empty() && again.accepted_edits.is_empty(), "the new checksum was recorded");
}

async fn history_lists_the_applied_revisions_newest_first(db: Arc<TestDatabase>) {
    let migrator = migrator("lin");
    migrator.upgrade(&db.pool, "lin2").await.unwrap();
    let applied: Vec<&str> =
        migrator.history(&db.pool, "base:current").await.unwrap().iter().map(|r| r.id()).collect();
    assert_eq!(applied, ["lin2", "lin1"]);
    let ahead: Vec<&str> =
        migrator.history(&db.pool, "current:heads").await.unwrap().iter().map(|r| r.id()).collect();
    assert_eq!(ahead, ["lin3", "lin2"]);
}

async fn the_version_tables_can_live_in_another_schema(db: Arc<TestDatabase>) {
    // SQLite's schema is an attached database ("main" is the file itself); PostgreSQL's a schema.
    // On MySQL a schema is another database: covered by naming the test database itself.
    let schema = match db.kind {
        Kind::Sqlite => "main".to_owned(),
        Kind::Postgres => {
            db.execute("CREATE SCHEMA migrate_meta").await;
            "migrate_meta".to_owned()
        }
        Kind::MySql => db.scalar::<String>("SELECT DATABASE()").await,
    };
    let migrator = migrator("lin").schema(schema.clone());
    migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["lin3"]);
    let quoted = if db.kind == Kind::MySql { format!("`{schema}`") } else { format!("\"{schema}\"") };
    assert_eq!(db.integer(&format!("SELECT COUNT(*) FROM {quoted}.migrate_version")).await, 1);
    if db.kind == Kind::Postgres {
        assert!(!db.has_table("migrate_version").await, "not in the default schema");
    }
}

#[migration(revision = "nout1", down_revision = None, transaction = false, irreversible)]
fn nout1(op: &mut Operations) {
    op.execute("CREATE TABLE nout_done (id INTEGER)");
    op.execute("INSERT INTO nout_missing (id) VALUES (1)");
}

async fn a_failure_outside_a_transaction_says_what_already_took_effect(db: Arc<TestDatabase>) {
    let error = migrator("nout").upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    assert!(
        migrator("nout").current(&db.pool).await.unwrap().is_empty(),
        "the version table tells the truth"
    );
    if db.kind == Kind::Sqlite {
        // SQLite runs every step inside the run's write transaction, so it still rolls back.
        assert!(failure.committed.is_empty());
        assert!(!db.has_table("nout_done").await);
    } else {
        assert_eq!(failure.committed, ["CREATE TABLE nout_done (id INTEGER)"]);
        assert!(
            error.to_string().contains("took effect and are recorded as done (`CREATE TABLE nout_done"),
            "{error}"
        );
        assert!(db.has_table("nout_done").await);
    }
}

// ---- label@-1 never reverts other branches (the data-loss case of issue 9) ----

#[migration(revision = "lbl0", down_revision = None, downgrade = lbl0_down)]
fn lbl0(op: &mut Operations) {
    op.execute("CREATE TABLE lbl_shared (id INTEGER)");
}
fn lbl0_down(op: &mut Operations) {
    op.execute("DROP TABLE lbl_shared");
}
#[migration(revision = "lbl1shop", down_revision = "lbl0", branch_labels = ["lblshop"], downgrade = lbl1shop_down)]
fn lbl1shop(op: &mut Operations) {
    op.execute("CREATE TABLE lbl_orders (id INTEGER)");
}
fn lbl1shop_down(op: &mut Operations) {
    op.execute("DROP TABLE lbl_orders");
}
#[migration(revision = "lbl1comm", down_revision = "lbl0", branch_labels = ["lblcomments"], downgrade = lbl1comm_down)]
fn lbl1comm(op: &mut Operations) {
    op.execute("CREATE TABLE lbl_comments (id INTEGER)");
}
fn lbl1comm_down(op: &mut Operations) {
    op.execute("DROP TABLE lbl_comments");
}

async fn a_branch_relative_downgrade_of_an_unapplied_branch_touches_nothing(db: Arc<TestDatabase>) {
    let migrator = migrator("lbl");
    migrator.upgrade(&db.pool, "lblcomments@head").await.unwrap();
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["lbl1comm"]);
    let error = migrator.downgrade(&db.pool, "lblshop@-1").await.unwrap_err();
    assert!(matches!(&error, Error::BranchNotApplied { branch, .. } if branch == "lblshop"), "{error}");
    // The comments branch and the shared revision are still there.
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["lbl1comm"]);
    assert!(db.has_table("lbl_comments").await && db.has_table("lbl_shared").await);
    // With the shop branch applied, `lblshop@-1` reverts its revision alone.
    migrator.upgrade(&db.pool, "lblshop@head").await.unwrap();
    let report = migrator.downgrade(&db.pool, "lblshop@-1").await.unwrap();
    assert_eq!(revisions(&report), ["lbl1shop"]);
    assert!(!db.has_table("lbl_orders").await && db.has_table("lbl_comments").await);
}

#[migration(revision = "half1", down_revision = None, irreversible)]
fn half1(op: &mut Operations) {
    // One `execute` holding two statements: the first takes effect before the second fails.
    op.execute("CREATE TABLE half_coupons (id INTEGER); INSERT INTO half_missing (id) VALUES (1)");
}

async fn a_failed_statement_is_said_to_be_rolled_back_only_where_it_was(db: Arc<TestDatabase>) {
    let error = migrator("half").upgrade(&db.pool, "head").await.unwrap_err();
    let Error::MigrationFailed(failure) = &error else { panic!("{error}") };
    let left_behind = db.has_table("half_coupons").await;
    // MySQL commits DDL as it runs: the first statement stays, and the error must not say otherwise.
    assert_eq!(left_behind, db.kind == Kind::MySql);
    assert_eq!(failure.rolled_back, !left_behind, "{error}");
    if left_behind {
        assert!(!error.to_string().contains("were rolled back"), "{error}");
        assert!(
            error.to_string().contains("check that the failing statement left nothing behind"),
            "{error}"
        );
    }
    assert!(
        migrator("half").current(&db.pool).await.unwrap().is_empty(),
        "the version table tells the truth"
    );
}

#[migration(revision = "pgc1", down_revision = None, irreversible)]
fn pgc1(op: &mut Operations) {
    op.execute("CREATE TABLE pgc_items (id INTEGER, name TEXT)");
}
#[migration(revision = "pgc2", down_revision = "pgc1", transaction = false, irreversible)]
fn pgc2(op: &mut Operations) {
    op.execute("CREATE INDEX CONCURRENTLY pgc_items_name ON pgc_items (name)");
}
#[migration(revision = "pgc3", down_revision = "pgc2", irreversible)]
fn pgc3(op: &mut Operations) {
    op.execute("INSERT INTO pgc_items (id, name) VALUES (1, 'one')");
}

async fn create_index_concurrently_runs_outside_the_transaction(
    db: Arc<TestDatabase>,
    mode: TransactionMode,
) {
    let report = migrator("pgc").transaction_mode(mode).upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["pgc1", "pgc2", "pgc3"]);
    assert_eq!(migrator("pgc").current(&db.pool).await.unwrap(), ["pgc3"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'pgc_items_name'").await, 1);
    assert_eq!(db.integer("SELECT COUNT(*) FROM pgc_items").await, 1);
}

#[tokio::test]
async fn postgres_create_index_concurrently_works_with_a_transaction_per_migration() {
    common::run(Kind::Postgres, |db| {
        create_index_concurrently_runs_outside_the_transaction(db, TransactionMode::PerMigration)
    })
    .await;
}

#[tokio::test]
async fn postgres_create_index_concurrently_works_in_whole_run_mode() {
    common::run(Kind::Postgres, |db| {
        create_index_concurrently_runs_outside_the_transaction(db, TransactionMode::WholeRun)
    })
    .await;
}

// ---- a squash ----

#[migration(revision = "squ1", down_revision = None)]
fn squ1(op: &mut Operations) {
    op.create_table("squ_a", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}
#[migration(revision = "squ2", down_revision = "squ1")]
fn squ2(op: &mut Operations) {
    op.create_table("squ_b", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}
#[migration(revision = "squ3", down_revision = "squ2")]
fn squ3(op: &mut Operations) {
    op.create_table("squ_c", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}
/// Stands in for squ2 and squ3.
#[migration(revision = "squs", down_revision = "squ1", replaces = ["squ2", "squ3"])]
fn squs(op: &mut Operations) {
    op.create_table("squ_b", |t| {
        t.column("id", Type::Integer).primary_key();
    });
    op.create_table("squ_c", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}
#[migration(revision = "squ4", down_revision = "squs")]
fn squ4(op: &mut Operations) {
    op.create_table("squ_d", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

/// The squash's revisions, as a build before the squash had them (no `squs`, no `squ4`), or as a
/// build after it that deleted the squashed files (no `squ2`, no `squ3`).
fn squash_migrator(revisions: &[&str]) -> Migrator {
    let migrations =
        migrate::Migration::registered().into_iter().filter(|m| revisions.contains(&m.revision()));
    Migrator::new(migrations).unwrap()
}

async fn a_squash_stands_in_for_its_range_on_a_new_database(db: Arc<TestDatabase>) {
    let report = migrator("squ").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["squ1", "squs", "squ4"]);
    assert_eq!(report.heads, ["squ4"]);
}

async fn a_database_inside_a_squashed_range_finishes_it_with_the_old_migrations(db: Arc<TestDatabase>) {
    squash_migrator(&["squ1", "squ2", "squ3"]).upgrade(&db.pool, "squ2").await.unwrap();
    let report = migrator("squ").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["squ3", "squ4"], "the rest of the range, then what follows the squash");
    assert_eq!(report.heads, ["squ4"]);
    for table in ["squ_a", "squ_b", "squ_c", "squ_d"] {
        assert!(db.has_table(table).await, "{table}");
    }
    assert_eq!(migrator("squ").current(&db.pool).await.unwrap(), ["squ4"]);
}

async fn a_database_at_the_end_of_a_squashed_range_is_at_the_squash(db: Arc<TestDatabase>) {
    squash_migrator(&["squ1", "squ2", "squ3"]).upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(migrator("squ").current(&db.pool).await.unwrap(), ["squ3"], "read as it is");
    let report = migrator("squ").upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(revisions(&report), ["squ4"]);
    let at_squash = migrator("squ").downgrade(&db.pool, "-1").await.unwrap();
    assert_eq!(at_squash.heads, ["squs"]);
}

async fn a_squashed_range_whose_code_is_gone_is_refused_with_what_to_do(db: Arc<TestDatabase>) {
    squash_migrator(&["squ1", "squ2", "squ3"]).upgrade(&db.pool, "squ2").await.unwrap();
    let refused = squash_migrator(&["squ1", "squs", "squ4"]).upgrade(&db.pool, "head").await.unwrap_err();
    assert!(matches!(&refused, Error::SquashedCodeGone { missing, .. } if missing == "squ3"), "{refused}");
    assert!(refused.to_string().contains("a build that still has the squashed migrations"), "{refused}");
    let downgrade = migrator("squ").downgrade(&db.pool, "base").await.unwrap_err();
    assert!(matches!(downgrade, Error::InsideSquash { .. }), "{downgrade}");
    assert_eq!(migrator("squ").current(&db.pool).await.unwrap(), ["squ2"], "nothing moved");
}

on_every_database!(
    upgrade_to_head_applies_every_migration_in_order,
    each_migration_is_reported_as_it_finishes,
    upgrading_at_head_runs_nothing,
    upgrade_downgrade_upgrade_restores_the_schema,
    relative_targets_move_step_by_step,
    whole_run_mode_records_each_migration_once_both_ways,
    whole_run_mode_records_a_migration_that_sets_a_timeout_between_others,
    whole_run_mode_records_hundreds_of_migrations_or_none,
    branches_are_applied_once_each_and_merged,
    downgrading_through_a_merge_to_base_reverts_both_branches,
    a_failing_downgrade_stops_at_the_last_revision_reverted,
    an_async_migration_reads_and_writes_through_its_connection,
    a_failing_async_migration_rolls_back_its_writes,
    a_connection_hands_out_only_its_own_driver,
    stamp_records_a_revision_without_running_it,
    stamp_with_purge_replaces_unknown_revisions,
    downgrading_an_irreversible_migration_is_refused_before_anything_runs,
    an_applied_migration_that_was_edited_is_reported_before_anything_runs,
    a_revision_the_program_does_not_know_is_an_error_unless_allowed,
    a_failing_migration_rolls_back_and_the_version_table_keeps_the_last_success,
    a_failure_in_whole_run_mode_reverts_the_whole_run,
    eight_replicas_upgrading_at_once_run_each_migration_exactly_once,
    a_migration_can_run_outside_a_transaction,
    the_version_table_can_have_any_name,
    a_run_waits_for_the_lock_no_longer_than_the_timeout,
    an_upgrade_at_head_reads_without_waiting_for_the_lock,
    editing_an_applied_migration_is_caught_at_head_too,
    history_lists_the_applied_revisions_newest_first,
    the_version_tables_can_live_in_another_schema,
    a_failure_outside_a_transaction_says_what_already_took_effect,
    a_failed_statement_is_said_to_be_rolled_back_only_where_it_was,
    a_branch_relative_downgrade_of_an_unapplied_branch_touches_nothing,
    a_portable_data_migration_runs_the_same_on_every_database,
    portable_queries_bind_and_read_each_kind_of_value,
    a_squash_stands_in_for_its_range_on_a_new_database,
    a_database_inside_a_squashed_range_finishes_it_with_the_old_migrations,
    a_database_at_the_end_of_a_squashed_range_is_at_the_squash,
    a_squashed_range_whose_code_is_gone_is_refused_with_what_to_do,
);

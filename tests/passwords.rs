//! Passwords in URLs (`user:password@` and `?password=`, plain and percent-encoded) appear in no
//! error message, no `Debug` output of an error, a pool or a migrator, and no `tracing` event,
//! whether connecting fails or succeeds and a run follows.

#[allow(dead_code, reason = "this file uses part of the tests' database helper")]
mod common;

use std::sync::{Arc, Mutex};

use common::{with_credentials, with_database};
use migrate::prelude::*;
use migrate::{DatabasePool, MigratePool, Migration, Migrator};

/// Passwords no message could contain by chance.
const PASSWORD: &str = "S3cr3t-pw-7781";
const ENCODED_PASSWORD: &str = "p%40ss-S3cr3t-4417";
const DECODED_PASSWORD: &str = "p@ss-S3cr3t-4417";

/// The server URLs the environment names.
fn servers() -> Vec<String> {
    let urls: Vec<String> = ["MIGRATE_TEST_POSTGRES_URL", "MIGRATE_TEST_MYSQL_URL"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .collect();
    if urls.is_empty() {
        println!("skipped: set MIGRATE_TEST_POSTGRES_URL or MIGRATE_TEST_MYSQL_URL to run these tests");
    }
    urls
}

/// URLs with a password that can't log in: a user that doesn't exist, the password in each place.
fn refused_urls(server: &str) -> Vec<String> {
    let separator = if server.contains('?') { '&' } else { '?' };
    let nobody = with_credentials(server, "nobody_pw_test", PASSWORD);
    let nobody_encoded = with_credentials(server, "nobody_pw_test", ENCODED_PASSWORD);
    let query = format!(
        "{}{separator}password={PASSWORD}",
        with_credentials(server, "nobody_pw_test", "").replace(":@", "@")
    );
    vec![nobody, nobody_encoded, query]
}

fn assert_no_password(text: &str, context: &str) {
    for password in [PASSWORD, ENCODED_PASSWORD, DECODED_PASSWORD] {
        assert!(!text.contains(password), "{context}: the password is shown in {text}");
    }
}

#[tokio::test]
async fn a_refused_login_shows_no_password_in_its_message_or_debug_output() {
    for server in servers() {
        for url in refused_urls(&server) {
            let error = DatabasePool::connect(&url).await.expect_err("an unknown user is refused");
            assert!(error.to_string().contains("nobody_pw_test"), "the message names the user: {error}");
            assert_no_password(&error.to_string(), &url);
            assert_no_password(&format!("{error:?}"), &url);
            assert_no_password(&format!("{error:#?}"), &url);
        }
    }
}

#[migration(revision = "pw1", down_revision = None)]
fn pw1(op: &mut Operations) {
    op.execute("CREATE TABLE pw_table (id INTEGER PRIMARY KEY)");
}
#[migration(revision = "pw2", down_revision = "pw1")]
fn pw2(op: &mut Operations) {
    op.execute("THIS IS NOT SQL");
}

/// Every event's fields and message, as `Debug` shows them.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<String>>>);

struct Recorder(Recorded);

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut text = String::new();
        span.record(&mut Fields(&mut text));
        self.push(text);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut text = String::new();
        values.record(&mut Fields(&mut text));
        self.push(text);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = String::new();
        event.record(&mut Fields(&mut text));
        self.push(text);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Recorder {
    fn push(&self, text: String) {
        if let Ok(mut events) = self.0.0.lock() {
            events.push(text);
        }
    }
}

struct Fields<'t>(&'t mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={value:?} ", field.name()));
    }
}

#[test]
fn no_tracing_event_carries_a_password_whether_connecting_fails_or_a_run_follows() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for server in servers() {
        // A database, and a login the server accepts password and all, made before recording
        // (the statement that sets a MariaDB password shows it, as it should).
        let database = format!("migrate_pw_{}", std::process::id());
        let (admin, url) = runtime.block_on(async {
            let admin = DatabasePool::connect(&server).await.unwrap();
            admin
                .migrate_connection()
                .await
                .unwrap()
                .execute(&format!("CREATE DATABASE {database}"))
                .await
                .unwrap();
            let url = accepted_url(&with_database(&server, &database)).await;
            (admin, url)
        });
        let recorded = Recorded::default();
        let guard = tracing::subscriber::set_default(Recorder(recorded.clone()));
        runtime.block_on(async {
            for url in refused_urls(&server) {
                let _ = DatabasePool::connect(&url).await;
            }
            let migrator =
                Migrator::new(Migration::registered().into_iter().filter(|m| m.revision().starts_with("pw")))
                    .unwrap();
            let pool = DatabasePool::connect(&url).await.unwrap();
            assert_no_password(&format!("{pool:?}"), "the pool's Debug output");
            assert_no_password(&format!("{migrator:?}"), "the migrator's Debug output");
            migrator.upgrade(&pool, "pw1").await.unwrap();
            let error = migrator.upgrade(&pool, "head").await.unwrap_err();
            assert_no_password(&format!("{error} {error:?}"), "a failed run's error");
            pool.close().await;
        });
        drop(guard);
        let events = recorded.0.lock().unwrap();
        assert!(events.len() > 5, "events were recorded: {events:?}");
        for event in events.iter() {
            assert_no_password(event, "a tracing event");
        }
        runtime.block_on(async {
            let mut connection = admin.migrate_connection().await.unwrap();
            if server.starts_with("postgres") {
                connection.execute(&format!("DROP DATABASE {database} WITH (FORCE)")).await.unwrap();
            } else {
                connection.execute(&format!("DROP DATABASE {database}")).await.unwrap();
                connection.execute("DROP USER IF EXISTS 'pw_test'@'%'").await.unwrap();
            }
            // `close` waits for every connection to come back to the pool.
            drop(connection);
            admin.close().await;
        });
    }
}

/// A URL carrying a password that the server accepts: PostgreSQL's trust authentication takes
/// any password; a MariaDB user is made with it.
async fn accepted_url(url: &str) -> String {
    if url.starts_with("postgres") {
        let start = url.find("://").map_or(0, |i| i + 3);
        let user = url[start..].split(['@', ':', '/']).next().unwrap_or("postgres").to_owned();
        return with_credentials(url, &user, PASSWORD);
    }
    let admin = DatabasePool::connect(url).await.unwrap();
    let mut connection = admin.migrate_connection().await.unwrap();
    for sql in [
        format!("CREATE USER IF NOT EXISTS 'pw_test'@'%' IDENTIFIED BY '{PASSWORD}'"),
        format!("ALTER USER 'pw_test'@'%' IDENTIFIED BY '{PASSWORD}'"),
        "GRANT ALL ON *.* TO 'pw_test'@'%'".to_owned(),
    ] {
        connection.execute(&sql).await.unwrap();
    }
    with_credentials(url, "pw_test", PASSWORD)
}

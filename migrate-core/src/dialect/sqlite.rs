//! SQLite.

use super::{Dialect, RunLock, VersionTables, quote_with};

/// SQLite: transactional DDL; the run holds the database's write lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with(identifier, '"')
    }

    fn integer_type(&self) -> &'static str {
        "INTEGER"
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn create_version_tables(&self, tables: &VersionTables) -> Vec<String> {
        let VersionTables { heads, log, state } = tables;
        vec![
            format!("CREATE TABLE IF NOT EXISTS {heads} (version_num TEXT NOT NULL PRIMARY KEY)"),
            format!(
                "CREATE TABLE IF NOT EXISTS {log} (id INTEGER PRIMARY KEY AUTOINCREMENT, revision TEXT NOT NULL, \
                 direction TEXT NOT NULL, checksum TEXT NOT NULL, \
                 applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), duration_ms INTEGER NOT NULL)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {state} (layout VARCHAR(16) NOT NULL, applied_digest VARCHAR(32))"
            ),
        ]
    }

    fn run_lock(&self, _key: &str) -> RunLock {
        RunLock::WriteTransaction { begin: "BEGIN IMMEDIATE".to_owned() }
    }
}

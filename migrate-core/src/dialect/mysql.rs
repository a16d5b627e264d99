//! MySQL and MariaDB.

use super::{Dialect, RunLock, VersionTables, quote_with};

/// MySQL/MariaDB: DDL commits implicitly; the run holds a named `GET_LOCK` lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlDialect;

impl Dialect for MySqlDialect {
    fn name(&self) -> &'static str {
        "MySQL"
    }

    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with(identifier, '`')
    }

    fn integer_type(&self) -> &'static str {
        "SIGNED"
    }

    fn quote_literal(&self, value: &str) -> String {
        // Backslashes escape in MySQL string literals unless NO_BACKSLASH_ESCAPES is set.
        quote_with(&value.replace('\\', "\\\\"), '\'')
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn create_version_tables(&self, tables: &VersionTables) -> Vec<String> {
        let VersionTables { heads, log, state } = tables;
        vec![
            format!("CREATE TABLE IF NOT EXISTS {heads} (version_num VARCHAR(255) NOT NULL PRIMARY KEY)"),
            format!(
                "CREATE TABLE IF NOT EXISTS {log} (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
                 revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, \
                 applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), duration_ms BIGINT NOT NULL)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {state} (layout VARCHAR(16) NOT NULL, applied_digest VARCHAR(32))"
            ),
        ]
    }

    fn run_lock(&self, key: &str) -> RunLock {
        // GET_LOCK names are per server, so the database name is part of the lock name; hashed,
        // because MySQL refuses lock names longer than 64 characters.
        let name =
            format!("CONCAT('migrate:', SHA1(CONCAT(DATABASE(), ':', '{}')))", key.replace('\'', "''"));
        RunLock::Advisory {
            acquire: format!("SELECT CAST(COALESCE(GET_LOCK({name}, 0), 0) AS SIGNED)"),
            release: format!("SELECT RELEASE_LOCK({name})"),
        }
    }
}

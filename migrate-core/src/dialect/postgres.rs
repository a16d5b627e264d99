//! PostgreSQL.

use super::{Dialect, RunLock, VersionTables, quote_with};

/// PostgreSQL: transactional DDL; the run holds a session advisory lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with(identifier, '"')
    }

    fn placeholder(&self, index: usize) -> String {
        format!("${index}")
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn create_version_tables(&self, tables: &VersionTables) -> Vec<String> {
        let VersionTables { heads, log, state } = tables;
        vec![
            format!("CREATE TABLE IF NOT EXISTS {heads} (version_num VARCHAR(255) NOT NULL PRIMARY KEY)"),
            format!(
                "CREATE TABLE IF NOT EXISTS {log} (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
                 revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, \
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), duration_ms BIGINT NOT NULL)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {state} (layout VARCHAR(16) NOT NULL, applied_digest VARCHAR(32))"
            ),
        ]
    }

    fn run_lock(&self, key: &str) -> RunLock {
        // The lock key is derived from the version table's name, so runs on different version
        // tables in one database don't block each other.
        let key = lock_key(key);
        RunLock::Advisory {
            acquire: format!(
                "SELECT CASE WHEN pg_try_advisory_lock({key}) THEN 1::BIGINT ELSE 0::BIGINT END"
            ),
            release: format!("SELECT pg_advisory_unlock({key})"),
        }
    }
}

/// A stable 63-bit key from a name (FNV-1a), for `pg_try_advisory_lock(bigint)`.
fn lock_key(name: &str) -> i64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::try_from(hash >> 1).unwrap_or(i64::MAX)
}

//! What differs between databases, behind one trait with one implementation per database: the
//! version tables' DDL, the run lock, placeholders, and identifier quoting (in exactly one
//! function per dialect).

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "mysql")]
pub use mysql::MySqlDialect;
#[cfg(feature = "postgres")]
pub use postgres::PostgresDialect;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteDialect;

/// The tables migrate keeps in a database, named from the version table's name and schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTables {
    /// One row per applied head, like `alembic_version`.
    pub heads: String,
    /// One row per step run or stamped: revision, direction, checksum, when, how long.
    pub log: String,
    /// One row: the layout version of these tables (so a later release can migrate them) and a
    /// digest of the applied migrations' checksums (so a start at head needn't read the log).
    pub state: String,
}

/// How a dialect holds the lock that serialises concurrent runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunLock {
    /// A session-level lock: `acquire` returns 1 when taken (tried until the timeout), `release`
    /// frees it.
    Advisory { acquire: String, release: String },
    /// The database's write lock, held by one transaction around the whole run (each migration in
    /// a savepoint): SQLite.
    WriteTransaction { begin: String },
}

/// The SQL one database needs; every statement migrate runs on its own tables comes from here.
pub trait Dialect: Send + Sync + std::fmt::Debug {
    /// The database's name, for messages.
    fn name(&self) -> &'static str;

    /// An identifier, quoted so that any name works (spaces, quotes, reserved words).
    fn quote_identifier(&self, identifier: &str) -> String;

    /// A string literal, for SQL rendered offline where nothing can be bound.
    fn quote_literal(&self, value: &str) -> String {
        quote_with(value, '\'')
    }

    /// The `index`-th (1-based) bind placeholder.
    fn placeholder(&self, index: usize) -> String {
        let _ = index;
        "?".to_owned()
    }

    /// The type name `CAST(... AS <type>)` takes for a 64-bit integer.
    fn integer_type(&self) -> &'static str {
        "BIGINT"
    }

    /// Whether DDL statements can be rolled back inside a transaction.
    fn transactional_ddl(&self) -> bool;

    /// The statements that create the version tables if they are missing.
    fn create_version_tables(&self, tables: &VersionTables) -> Vec<String>;

    /// How this database serialises concurrent runs; `key` names the version table.
    fn run_lock(&self, key: &str) -> RunLock;

    /// A table name, qualified with a schema when one is given.
    fn qualified(&self, schema: Option<&str>, table: &str) -> String {
        match schema {
            Some(schema) => format!("{}.{}", self.quote_identifier(schema), self.quote_identifier(table)),
            None => self.quote_identifier(table),
        }
    }

    /// The names of the version tables for a version table name.
    fn version_tables(&self, schema: Option<&str>, name: &str) -> VersionTables {
        VersionTables {
            heads: self.qualified(schema, name),
            log: self.qualified(schema, &format!("{name}_log")),
            state: self.qualified(schema, &format!("{name}_state")),
        }
    }
}

/// The dialect of a database URL (`sqlite:`, `postgres:`/`postgresql:`, `mysql:`/`mariadb:`), for
/// rendering SQL offline without connecting.
pub fn from_url(url: &str) -> Option<&'static dyn Dialect> {
    match url.split(':').next().unwrap_or_default() {
        #[cfg(feature = "sqlite")]
        "sqlite" => Some(&SqliteDialect),
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => Some(&PostgresDialect),
        #[cfg(feature = "mysql")]
        "mysql" | "mariadb" => Some(&MySqlDialect),
        _ => None,
    }
}

/// Quotes `identifier` with `quote`, doubling any `quote` inside it.
fn quote_with(identifier: &str, quote: char) -> String {
    let mut quoted = String::with_capacity(identifier.len() + 2);
    quoted.push(quote);
    for character in identifier.chars() {
        if character == quote {
            quoted.push(quote);
        }
        quoted.push(character);
    }
    quoted.push(quote);
    quoted
}

//! What differs between databases, behind one trait with one implementation per database: the
//! SQL of every operation, identifier quoting (in exactly one function per dialect), literals and
//! placeholders, the column types of migrate's own tables, and how a run locks out other runs
//! ([`RunLock`]) and wraps each migration in a transaction ([`StepTransaction`]). Rendering needs
//! no driver, so every dialect is built whatever the cargo features: offline SQL works for any
//! database.

pub(crate) mod definition;
mod lock;
mod mysql;
mod postgres;
mod sqlite;
mod standard;
mod transaction;

pub(crate) use lock::RunLock;
pub(crate) use mysql::MySqlDialect;
pub(crate) use postgres::PostgresDialect;
pub(crate) use sqlite::{CLAUSE_STARTS as SQLITE_CLAUSE_STARTS, SqliteDialect};
pub(crate) use transaction::StepTransaction;
pub use transaction::TransactionMode;

use crate::database::Database;
use crate::error::Result;
use crate::ops::Operation;
use crate::schema::{Type, Value};
use crate::sql::{Argument, Statement};

/// The version table's name when a migrator's settings don't give one (its log and state
/// tables take it as a prefix).
pub(crate) const DEFAULT_VERSION_TABLE: &str = "migrate_version";

/// The dialect of a database's server, by the version it reports (`SELECT VERSION()`): MariaDB
/// and MySQL differ.
pub(crate) fn for_server(database: Database, version: &str) -> &'static dyn Dialect {
    match database {
        Database::MySql if MySqlDialect::for_version(version).native_conditionals() => &MySqlDialect::MARIADB,
        other => of(other),
    }
}

/// The dialect of a database.
pub(crate) fn of(database: Database) -> &'static dyn Dialect {
    match database {
        Database::Sqlite => &SqliteDialect,
        Database::Postgres => &PostgresDialect,
        // Offline, the server isn't known: forms both MySQL and MariaDB accept.
        Database::MySql => &MySqlDialect::PORTABLE,
    }
}

/// What a dialect reads of a live table to render an operation on it: SQLite's batch mode
/// rebuilds the table from it, MariaDB restates a column from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LiveTable {
    /// The table's name.
    pub name: String,
    /// The `CREATE TABLE` statement the database holds; empty when there is no such table.
    pub definition: String,
    /// The indexes created apart from the table: name and `CREATE INDEX` statement.
    pub indexes: Vec<(String, String)>,
    /// The columns of each index: index name and column name (empty for an expression).
    pub index_columns: Vec<(String, String)>,
    /// The table's triggers: name and `CREATE TRIGGER` statement.
    pub triggers: Vec<(String, String)>,
}

/// The part of a [`LiveTable`] a query reads; every such query returns rows of two strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LivePart {
    /// Table name and `CREATE TABLE` statement.
    Definition,
    /// Index name and `CREATE INDEX` statement.
    Indexes,
    /// Index name and column name.
    IndexColumns,
    /// Trigger name and `CREATE TRIGGER` statement.
    Triggers,
}

/// How a run turns foreign-key enforcement off and on again, and checks what it would have
/// enforced: SQLite rebuilds tables (batch mode) only without enforcement, and switches it
/// only outside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForeignKeySwitch {
    /// Reads whether enforcement is on (1) or off (0).
    pub read: &'static str,
    /// Turns enforcement off.
    pub off: &'static str,
    /// Turns enforcement on.
    pub on: &'static str,
    /// Lists the rows that break a foreign key, one string each.
    pub violations: &'static str,
}

/// The SQL one database needs; every statement migrate runs on its own tables comes from here.
pub(crate) trait Dialect: Send + Sync + std::fmt::Debug {
    /// The database's name, for messages.
    fn name(&self) -> &'static str {
        self.database().name()
    }

    /// An identifier, quoted so that any name works (spaces, quotes, reserved words).
    fn quote_identifier(&self, identifier: &str) -> String;

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

    /// Whether the database runs in this process, where a statement costs no round trip and one
    /// with its arguments bound is prepared once per connection: sending statements together
    /// saves nothing there.
    fn in_process(&self) -> bool {
        false
    }

    /// How this database serialises concurrent runs; `key` names the version table.
    fn run_lock(&self, key: &str) -> RunLock;

    /// Which database this is.
    fn database(&self) -> Database;

    /// The definition of an auto-numbered 64-bit primary key column, after its name (the
    /// migration log's `id`).
    fn identity_primary_key(&self) -> &'static str {
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    }

    /// The definition of a column that records when its row was written, after its name (the
    /// migration log's `applied_at`).
    fn written_at_column(&self) -> &'static str {
        "TIMESTAMPTZ NOT NULL DEFAULT now()"
    }

    /// A statement with bind placeholders, to run with its arguments bound.
    fn bound(&self, statement: &Statement) -> String {
        statement.render(|index, _| self.placeholder(index))
    }

    /// A statement with its arguments written as literals, for offline SQL.
    fn inline(&self, statement: &Statement) -> String {
        statement.render(|_, argument| match argument {
            Argument::Text(text) => self.text_literal(text),
            Argument::Integer(number) => number.to_string(),
            Argument::Null => "NULL".to_owned(),
        })
    }

    /// A value as an SQL literal of this database.
    fn literal(&self, value: &Value) -> String {
        match value {
            Value::Null => "NULL".to_owned(),
            Value::Boolean(true) => self.boolean_literals()[1].to_owned(),
            Value::Boolean(false) => self.boolean_literals()[0].to_owned(),
            Value::Integer(number) => number.to_string(),
            Value::Float(number) => format!("{number:?}"),
            Value::Decimal(number) => number.clone(),
            // Untyped: the column gives the literal its type (date, timestamp, uuid, json, ...).
            Value::Text(text)
            | Value::Date(text)
            | Value::Time(text)
            | Value::Timestamp(text)
            | Value::Uuid(text)
            | Value::Json(text) => self.text_literal(text),
            Value::Binary(bytes) => self.binary_literal(bytes),
        }
    }

    /// How this database writes false and true.
    fn boolean_literals(&self) -> [&'static str; 2] {
        ["FALSE", "TRUE"]
    }

    /// Text as a string literal.
    fn text_literal(&self, text: &str) -> String {
        quote_string(text)
    }

    /// Bytes as a binary literal.
    fn binary_literal(&self, bytes: &[u8]) -> String {
        format!("X'{}'", standard::hex(bytes))
    }

    /// A portable type as this database's column type.
    fn column_type(&self, column_type: &Type) -> String;

    /// The statements that carry out `operation`, after checking it asks for something possible.
    /// `live` is the live table [`Dialect::live_table_needed`] asked for; without it, an operation
    /// that needs one is refused with an error that says so.
    fn render(&self, operation: &Operation, live: Option<&LiveTable>) -> Result<Vec<String>> {
        operation.validate()?;
        self.render_valid(operation, live)
    }

    /// The statements that carry out an operation already validated.
    fn render_valid(&self, operation: &Operation, live: Option<&LiveTable>) -> Result<Vec<String>>;

    /// The table whose live definition rendering `operation` needs, if it needs one.
    fn live_table_needed<'o>(&self, operation: &'o Operation) -> Option<&'o str> {
        let _ = operation;
        None
    }

    /// The queries that read a live table.
    fn live_table_queries(&self, table: &str) -> Vec<(LivePart, String)> {
        let _ = table;
        Vec::new()
    }

    /// What puts back the timeouts a migration set (`set_lock_timeout`, `set_statement_timeout`),
    /// run when the migration ends.
    fn reset_timeouts(&self) -> Vec<&'static str> {
        Vec::new()
    }

    /// Whether `error`, from a statement run again after a run was interrupted right after it,
    /// says that the statement had already taken effect (the table it creates exists, the column
    /// it drops is gone). Where each DDL statement is atomic and commits as it runs (MySQL,
    /// MariaDB), that settles the one statement a kill leaves in doubt; elsewhere it is never
    /// assumed.
    fn already_applied(&self, error: &sqlx::Error) -> bool {
        let _ = error;
        false
    }

    /// Whether `statement` commits the transaction it runs in and itself (MySQL's DDL): read from
    /// its first word, as the database's documentation lists them.
    fn commits_implicitly(&self, statement: &str) -> bool {
        let _ = statement;
        false
    }

    /// How a run suspends foreign-key enforcement, where rendering may rebuild tables.
    fn foreign_key_switch(&self) -> Option<ForeignKeySwitch> {
        None
    }

    /// Whether `operation` renders differently on the servers of this database (MariaDB and
    /// MySQL), so that a run asks the server which it is first.
    fn server_specific(&self, operation: &Operation) -> bool {
        let _ = operation;
        false
    }

    /// A table name, qualified with a schema when one is given.
    fn qualified(&self, schema: Option<&str>, table: &str) -> String {
        match schema {
            Some(schema) => format!("{}.{}", self.quote_identifier(schema), self.quote_identifier(table)),
            None => self.quote_identifier(table),
        }
    }
}

/// Quotes `text` as a string literal: single quotes, doubled inside.
fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
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

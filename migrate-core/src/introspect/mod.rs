//! Reading a live database's schema into plain data ([`Schema`]), and comparing two schemas
//! ([`SchemaDiff`]). One reader per database (`sqlite.rs` through its pragmas and
//! `sqlite_master`, `postgres.rs` through `pg_catalog`, `mysql.rs` through
//! `information_schema`); each normalises what its database reports differently for the same
//! thing (`normalise.rs`), so that two databases of a kind built by the same migrations read
//! equal, and a schema reads back as the operations declared it.

mod declared;
mod diff;
mod mysql;
mod normalise;
mod postgres;
mod sqlite;

pub use diff::{SchemaChange, SchemaDiff, SchemaDifference};

pub(crate) use declared::{column_of, function_of, server_default_of, trigger_of};

use std::fmt;

use crate::connection::{Connection, MigratePool};
use crate::database::Database;
use crate::dialect::DEFAULT_VERSION_TABLE;
use crate::error::{Error, Result};
use crate::schema::{Constraint, Index, TriggerEvent, TriggerTiming, Type};

/// A database's schema as read from the database: its tables, views, functions, triggers and
/// enum types.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Schema {
    /// The tables, sorted by name (migrate's own version tables left out).
    pub tables: Vec<TableSchema>,
    /// The views, sorted by name.
    pub views: Vec<ViewSchema>,
    /// The stored functions, sorted by name (PostgreSQL's of the current schema that no
    /// extension owns, MariaDB's; SQLite has none).
    pub functions: Vec<FunctionSchema>,
    /// The triggers, sorted by name (PostgreSQL's internal ones, behind foreign keys, left out).
    pub triggers: Vec<TriggerSchema>,
    /// The enum types, sorted by name: PostgreSQL's, which are types of their own (elsewhere an
    /// enum is its column's type, and this is empty).
    pub enums: Vec<EnumSchema>,
}

/// A table as read from the database.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TableSchema {
    /// The table's name.
    pub name: String,
    /// The columns, in the table's order.
    pub columns: Vec<ColumnSchema>,
    /// The primary key's columns, in key order; empty when the table has none.
    pub primary_key: Vec<String>,
    /// Unique, foreign-key and check constraints, sorted by kind and name.
    pub constraints: Vec<Constraint>,
    /// The indexes that back no constraint, sorted by name.
    pub indexes: Vec<Index>,
    /// The table's comment (PostgreSQL, MariaDB).
    pub comment: Option<String>,
}

/// A column as read from the database.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ColumnSchema {
    /// The column's name.
    pub name: String,
    /// The column's type.
    pub column_type: ColumnType,
    /// Whether the column accepts NULL.
    pub nullable: bool,
    /// The default's SQL, normalised (`'x'`, `0`, `CURRENT_TIMESTAMP`); `None` for no default.
    pub default: Option<String>,
    /// Whether the database numbers new rows itself: an identity or serial column,
    /// `AUTO_INCREMENT`, or on SQLite an `INTEGER` primary key (the rowid), however declared.
    pub auto_increment: bool,
    /// The column's comment (PostgreSQL, MariaDB).
    pub comment: Option<String>,
}

/// A column's type: a portable [`Type`] where the database's type maps to one, else the
/// database's own name for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnType {
    /// A portable type.
    Portable(Type),
    /// A type with no portable equivalent, as the database names it (lowercase).
    Native(String),
}

/// An enum type as read from the database (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnumSchema {
    /// The type's name.
    pub name: String,
    /// Its variants, in order.
    pub variants: Vec<String>,
}

impl EnumSchema {
    /// An enum type of this name and variants.
    pub fn new(name: impl Into<String>, variants: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self { name: name.into(), variants: variants.into_iter().map(Into::into).collect() }
    }
}

/// A view as read from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ViewSchema {
    /// The view's name.
    pub name: String,
    /// The view's query, as the database keeps it, whitespace collapsed.
    pub definition: String,
}

/// A stored function as read from the database, each part in the one spelling of
/// `normalise.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionSchema {
    /// The function's name.
    pub name: String,
    /// The parameters (`x integer, y integer`), lowercase, with one name per type.
    pub arguments: String,
    /// The type it returns, lowercase.
    pub returns: String,
    /// The body's language, lowercase (PostgreSQL; empty elsewhere).
    pub language: String,
    /// The body, whitespace collapsed.
    pub body: String,
}

/// A trigger as read from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TriggerSchema {
    /// The trigger's name.
    pub name: String,
    /// The table it watches.
    pub table: String,
    /// Before or after the change.
    pub timing: TriggerTiming,
    /// The change it fires on.
    pub event: TriggerEvent,
    /// What it runs: the function's name on PostgreSQL, the body (whitespace collapsed)
    /// elsewhere.
    pub action: String,
}

impl Schema {
    /// Reads the schema of the database `connection` is to (PostgreSQL: the current schema;
    /// MariaDB: the connection's database), leaving out the version tables of a migrator with
    /// the default settings (`migrate_version*`).
    pub async fn read(connection: &mut Connection) -> Result<Self> {
        Self::read_without_version_tables(connection, DEFAULT_VERSION_TABLE).await
    }

    /// Reads the schema of the database a pool connects to, as [`Schema::read`] does.
    pub async fn read_pool(pool: &impl MigratePool) -> Result<Self> {
        Self::read(&mut pool.migrate_connection().await?).await
    }

    /// Reads the schema, leaving out the version tables named after `version_table` (the
    /// table itself and `<version_table>_*`), as set with `Migrator::version_table`;
    /// [`Migrator::read_schema`](crate::Migrator::read_schema) reads with its own settings.
    pub async fn read_without_version_tables(
        connection: &mut Connection,
        version_table: &str,
    ) -> Result<Self> {
        let mut schema = match connection.database() {
            Database::Sqlite => sqlite::read(connection).await,
            Database::Postgres => postgres::read(connection).await,
            Database::MySql => mysql::read(connection).await,
        }
        .map_err(|source| Error::Database {
            doing: "reading the database's schema".to_owned(),
            cause: source,
        })?;
        schema.tables.retain(|table| !is_version_table(&table.name, version_table));
        schema.triggers.retain(|trigger| !is_version_table(&trigger.table, version_table));
        schema.sort();
        Ok(schema)
    }

    /// The table named `name`, if there is one.
    pub fn table(&self, name: &str) -> Option<&TableSchema> {
        self.tables.iter().find(|table| table.name == name)
    }

    /// The view named `name`, if there is one.
    pub fn view(&self, name: &str) -> Option<&ViewSchema> {
        self.views.iter().find(|view| view.name == name)
    }

    /// The function named `name`, if there is one.
    pub fn function(&self, name: &str) -> Option<&FunctionSchema> {
        self.functions.iter().find(|function| function.name == name)
    }

    /// The trigger named `name`, if there is one.
    pub fn trigger(&self, name: &str) -> Option<&TriggerSchema> {
        self.triggers.iter().find(|trigger| trigger.name == name)
    }

    /// The table named `name`, to fill in as a reader finds its parts.
    fn table_mut(&mut self, name: &str) -> Option<&mut TableSchema> {
        self.tables.iter_mut().find(|table| table.name == name)
    }

    /// How `other` differs from this schema: what this one has that `other` lacks (missing),
    /// what only `other` has (extra), and what both have but differently (changed).
    ///
    /// ```
    /// use migrate_core::{ColumnSchema, ColumnType, Schema, TableSchema, Type};
    ///
    /// let users = |email: Type| {
    ///     let mut table = TableSchema::new("users");
    ///     table.columns.push(ColumnSchema::new("email", ColumnType::Portable(email)));
    ///     let mut schema = Schema::default();
    ///     schema.tables.push(table);
    ///     schema
    /// };
    /// let diff = users(Type::Varchar(255)).diff(&users(Type::Text));
    /// assert_eq!(diff.to_string(), r#"table "users": column "email": type VARCHAR(255) -> TEXT"#);
    /// assert!(users(Type::Text).diff(&users(Type::Text)).is_empty());
    /// ```
    pub fn diff(&self, other: &Schema) -> SchemaDiff {
        diff::schemas(self, other)
    }

    /// Puts tables, views, constraints and indexes in name order, so that equal schemas are
    /// equal data whatever order the database listed them in.
    fn sort(&mut self) {
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        self.functions.sort_by(|a, b| a.name.cmp(&b.name));
        self.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        for table in &mut self.tables {
            table.constraints.sort_by(|a, b| {
                (constraint_order(a), a.name(), constraint_key(a)).cmp(&(
                    constraint_order(b),
                    b.name(),
                    constraint_key(b),
                ))
            });
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

impl TableSchema {
    /// A table of this name with nothing in it yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), ..Self::default() }
    }

    /// The column named `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// The index named `name`, if there is one.
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|index| index.name == name)
    }

    /// The constraint named `name`, if there is one.
    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|constraint| constraint.name() == name)
    }
}

impl ColumnSchema {
    /// A nullable column of this type, without default.
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> Self {
        Self {
            name: name.into(),
            column_type,
            nullable: true,
            default: None,
            auto_increment: false,
            comment: None,
        }
    }
}

impl ViewSchema {
    /// A view of this name and query.
    pub fn new(name: impl Into<String>, definition: impl Into<String>) -> Self {
        Self { name: name.into(), definition: definition.into() }
    }
}

impl fmt::Display for ColumnType {
    /// The type in SQL's standard spelling (`VARCHAR(255)`), or as the database names it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let portable = match self {
            ColumnType::Native(name) => return f.write_str(name),
            ColumnType::Portable(portable) => portable,
        };
        match portable {
            Type::SmallInt => f.write_str("SMALLINT"),
            Type::Integer => f.write_str("INTEGER"),
            Type::BigInt => f.write_str("BIGINT"),
            Type::Text => f.write_str("TEXT"),
            Type::Varchar(length) => write!(f, "VARCHAR({length})"),
            Type::Boolean => f.write_str("BOOLEAN"),
            Type::Numeric { precision, scale } => write!(f, "NUMERIC({precision}, {scale})"),
            Type::Float => f.write_str("REAL"),
            Type::Double => f.write_str("DOUBLE PRECISION"),
            Type::Date => f.write_str("DATE"),
            Type::Time => f.write_str("TIME"),
            Type::Timestamp { with_time_zone: false } => f.write_str("TIMESTAMP"),
            Type::Timestamp { with_time_zone: true } => f.write_str("TIMESTAMP WITH TIME ZONE"),
            Type::Uuid => f.write_str("UUID"),
            Type::Json => f.write_str("JSON"),
            Type::Binary => f.write_str("BLOB"),
            Type::Enum { name, variants } => write!(f, "ENUM {name} {}", variant_list(variants)),
        }
    }
}

/// `('a', 'b')`.
fn variant_list(variants: &[String]) -> String {
    let variants: Vec<String> =
        variants.iter().map(|variant| format!("'{}'", variant.replace('\'', "''"))).collect();
    format!("({})", variants.join(", "))
}

/// The first `N` columns of a row, NULL as empty text.
fn texts<const N: usize>(row: Vec<Option<String>>) -> [String; N] {
    let mut values = row.into_iter().map(Option::unwrap_or_default);
    std::array::from_fn(|_| values.next().unwrap_or_default())
}

/// A list the query joined with `chr(1)` (names can hold any printable character).
fn list(joined: &str) -> Vec<String> {
    if joined.is_empty() { Vec::new() } else { joined.split('\u{1}').map(str::to_owned).collect() }
}

/// Whether `table` is one of the version tables named after `version_table`.
fn is_version_table(table: &str, version_table: &str) -> bool {
    table == version_table || table.strip_prefix(version_table).is_some_and(|rest| rest.starts_with('_'))
}

/// Unique constraints first, then foreign keys, then checks.
fn constraint_order(constraint: &Constraint) -> u8 {
    match constraint {
        Constraint::Unique { .. } => 0,
        Constraint::ForeignKey(_) => 1,
        Constraint::Check { .. } => 2,
    }
}

/// What tells apart constraints without a name: their columns, or their expression.
fn constraint_key(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Unique { columns, .. } => columns.join(","),
        Constraint::ForeignKey(foreign_key) => foreign_key.columns.join(","),
        Constraint::Check { expression, .. } => expression.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tables_are_the_table_and_its_underscored_companions() {
        assert!(is_version_table("migrate_version", "migrate_version"));
        assert!(is_version_table("migrate_version_log", "migrate_version"));
        assert!(!is_version_table("migrate_versions", "migrate_version"));
        assert!(!is_version_table("users", "migrate_version"));
    }

    #[test]
    fn portable_types_display_in_standard_spelling() {
        assert_eq!(ColumnType::Portable(Type::Varchar(255)).to_string(), "VARCHAR(255)");
        assert_eq!(
            ColumnType::Portable(Type::Numeric { precision: 10, scale: 2 }).to_string(),
            "NUMERIC(10, 2)"
        );
        assert_eq!(ColumnType::Native("inet".to_owned()).to_string(), "inet");
    }
}

//! Reading a test database's schema back: through migrate's own reader (`migrate::Schema`) for
//! column names, indexes, constraints and foreign keys; columns with the type as the database
//! names it (which `Schema` normalises away) for tests of the exact DDL; rows as text.
//!
//! Used by tests/operations.rs; other test crates include the module too, hence `dead_code`.
#![allow(dead_code)]

use migrate::{Constraint, ConstraintKind, DatabasePool, Schema, TableSchema};
use sqlx::{AssertSqlSafe, Row};

use super::{Kind, TestDatabase};

/// A column as the database describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    /// The type as the database names it, lowercase: `varchar(255)`, `character varying(255)`.
    pub column_type: String,
    pub nullable: bool,
    /// The default's SQL as the database keeps it.
    pub default: Option<String>,
}

/// An index created apart from a constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    pub name: String,
    pub unique: bool,
    pub columns: Vec<String>,
}

/// A foreign key, one referencing column each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyInfo {
    pub column: String,
    pub referenced_table: String,
    pub referenced_column: String,
    /// `CASCADE`, `SET NULL`, `NO ACTION`, ...
    pub on_delete: String,
}

/// `'text'` for SQL, quotes doubled.
pub fn string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl TestDatabase {
    /// An identifier quoted for this database.
    pub fn quote(&self, name: &str) -> String {
        match self.kind {
            Kind::MySql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// An SQL expression's value as text.
    pub fn as_text(&self, expression: &str) -> String {
        match self.kind {
            Kind::Sqlite => format!("CAST({expression} AS TEXT)"),
            Kind::Postgres => format!("({expression})::text"),
            Kind::MySql => format!("CAST({expression} AS CHAR)"),
        }
    }

    /// Every row of a query, each column as text (the query casts what isn't text).
    pub async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        fn texts<R: Row>(row: &R) -> Vec<Option<String>>
        where
            for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            (0..row.len())
                .map(|i| row.try_get::<Option<String>, _>(i).unwrap_or_else(|e| panic!("column {i}: {e}")))
                .collect()
        }
        // Not prepared once and kept: the tests change the tables these queries read.
        macro_rules! query {
            () => {
                sqlx::query(AssertSqlSafe(sql.to_owned())).persistent(false)
            };
        }
        match &self.pool {
            DatabasePool::Sqlite(pool) => {
                query!().fetch_all(pool).await.map(|rows| rows.iter().map(texts).collect())
            }
            DatabasePool::Postgres(pool) => {
                query!().fetch_all(pool).await.map(|rows| rows.iter().map(texts).collect())
            }
            DatabasePool::MySql(pool) => {
                query!().fetch_all(pool).await.map(|rows| rows.iter().map(texts).collect())
            }
            _ => unreachable!("the tests build with every database"),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Rows as text, NULL as `"NULL"`: easy to compare with string literals.
    pub async fn texts(&self, sql: &str) -> Vec<Vec<String>> {
        self.rows(sql)
            .await
            .into_iter()
            .map(|row| row.into_iter().map(|value| value.unwrap_or_else(|| "NULL".to_owned())).collect())
            .collect()
    }

    /// How many rows a table has.
    pub async fn count(&self, table: &str) -> i64 {
        self.integer(&format!("SELECT COUNT(*) FROM {}", self.quote(table))).await
    }

    /// The columns of a table, in order.
    pub async fn columns(&self, table: &str) -> Vec<ColumnInfo> {
        let name = string(table);
        let sql = match self.kind {
            Kind::Sqlite => format!(
                "SELECT name, lower(type), CAST(\"notnull\" AS TEXT), dflt_value FROM pragma_table_info({name}) ORDER BY cid"
            ),
            Kind::Postgres => format!(
                "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN '1' ELSE '0' END, \
                 pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a \
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                 WHERE a.attrelid = to_regclass(quote_ident({name})) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
            ),
            Kind::MySql => format!(
                "SELECT COLUMN_NAME, LOWER(COLUMN_TYPE), IF(IS_NULLABLE = 'NO', '1', '0'), COLUMN_DEFAULT \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {name} ORDER BY ORDINAL_POSITION"
            ),
        };
        self.rows(&sql)
            .await
            .into_iter()
            .map(|row| ColumnInfo {
                name: row[0].clone().unwrap_or_default(),
                column_type: row[1].clone().unwrap_or_default(),
                nullable: row[2].as_deref() == Some("0"),
                // MariaDB reports "no default" of a nullable column as the text NULL.
                default: row[3].clone().filter(|default| !(self.kind == Kind::MySql && default == "NULL")),
            })
            .collect()
    }

    /// The column named `name` of a table.
    pub async fn column(&self, table: &str, name: &str) -> ColumnInfo {
        let columns = self.columns(table).await;
        columns
            .iter()
            .find(|column| column.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("table {table} has no column {name}: {columns:?}"))
    }

    /// The database's schema, as migrate reads it (version tables left out).
    pub async fn schema(&self) -> Schema {
        Schema::read_pool(&self.pool).await.unwrap_or_else(|e| panic!("reading the schema: {e}"))
    }

    /// A table as migrate reads it; an empty one when there is no such table.
    pub async fn table_schema(&self, table: &str) -> TableSchema {
        self.schema().await.table(table).cloned().unwrap_or_else(|| TableSchema::new(table))
    }

    /// The names of a table's columns, in order.
    pub async fn column_names(&self, table: &str) -> Vec<String> {
        self.table_schema(table).await.columns.into_iter().map(|column| column.name).collect()
    }

    /// The indexes of a table that are no constraint's (not the primary key's, a unique
    /// constraint's or a foreign key's), by name. On MariaDB a unique index is a unique
    /// constraint: [`TestDatabase::constraints`] lists it.
    pub async fn indexes(&self, table: &str) -> Vec<IndexInfo> {
        let indexes = self.table_schema(table).await.indexes;
        indexes
            .into_iter()
            .map(|index| IndexInfo { name: index.name, unique: index.unique, columns: index.columns })
            .collect()
    }

    /// The named constraints of a table and their kinds: `unique`, `foreign key`, `check`.
    pub async fn constraints(&self, table: &str) -> Vec<(String, String)> {
        let mut constraints: Vec<(String, String)> = self
            .table_schema(table)
            .await
            .constraints
            .iter()
            .filter(|constraint| !constraint.name().is_empty())
            .map(|constraint| {
                let kind = match constraint.kind() {
                    ConstraintKind::Unique => "unique",
                    ConstraintKind::ForeignKey => "foreign key",
                    _ => "check",
                };
                (constraint.name().to_owned(), kind.to_owned())
            })
            .collect();
        constraints.sort();
        constraints
    }

    /// The foreign keys of a table, by referencing column.
    pub async fn foreign_keys(&self, table: &str) -> Vec<ForeignKeyInfo> {
        let mut foreign_keys = Vec::new();
        for constraint in self.table_schema(table).await.constraints {
            let Constraint::ForeignKey(key) = constraint else { continue };
            let on_delete = match key.on_delete {
                Some(action) => action.sql(),
                // MariaDB reports its default, the same as NO ACTION there, as RESTRICT.
                None if self.kind == Kind::MySql => "RESTRICT",
                None => "NO ACTION",
            };
            for (column, referenced_column) in key.columns.iter().zip(&key.referenced_columns) {
                foreign_keys.push(ForeignKeyInfo {
                    column: column.clone(),
                    referenced_table: key.referenced_table.clone(),
                    referenced_column: referenced_column.clone(),
                    on_delete: on_delete.to_owned(),
                });
            }
        }
        foreign_keys.sort_by(|a, b| a.column.cmp(&b.column));
        foreign_keys
    }

    /// Runs SQL that should fail, and returns the database's message.
    pub async fn failure(&self, sql: &str) -> String {
        use migrate::MigratePool;
        let mut connection = self.pool.migrate_connection().await.unwrap_or_else(|e| panic!("{e}"));
        match connection.execute(sql).await {
            Ok(()) => panic!("`{sql}` succeeded"),
            Err(error) => error.to_string(),
        }
    }
}

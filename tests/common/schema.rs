//! Reading a test database's schema back, the same way on every database: columns with their
//! type, nullability and default; indexes; constraints; foreign keys; rows as text.
//!
//! Used by tests/operations.rs; other test crates include the module too, hence `dead_code`.
#![allow(dead_code)]

use migrate::DatabasePool;
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

    /// The names of a table's columns, in order.
    pub async fn column_names(&self, table: &str) -> Vec<String> {
        self.columns(table).await.into_iter().map(|column| column.name).collect()
    }

    /// The indexes of a table that are no constraint's (not the primary key's, a unique
    /// constraint's or a foreign key's), by name. On MariaDB a unique index is a unique
    /// constraint: [`TestDatabase::constraints`] lists it.
    pub async fn indexes(&self, table: &str) -> Vec<IndexInfo> {
        let name = string(table);
        let sql = match self.kind {
            Kind::Sqlite => format!(
                "SELECT list.name, CAST(list.\"unique\" AS TEXT), info.name FROM pragma_index_list({name}) AS list, \
                 pragma_index_info(list.name) AS info WHERE list.origin = 'c' ORDER BY list.name, info.seqno"
            ),
            Kind::Postgres => format!(
                "SELECT c.relname::text, CASE WHEN ix.indisunique THEN '1' ELSE '0' END, a.attname::text \
                 FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid \
                 CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, position) \
                 JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum \
                 WHERE ix.indrelid = to_regclass(quote_ident({name})) \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid) \
                 ORDER BY c.relname, k.position"
            ),
            Kind::MySql => format!(
                "SELECT INDEX_NAME, IF(NON_UNIQUE = 0, '1', '0'), COLUMN_NAME FROM information_schema.STATISTICS s \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {name} AND INDEX_NAME <> 'PRIMARY' \
                 AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS t WHERE t.CONSTRAINT_SCHEMA = s.TABLE_SCHEMA \
                 AND t.TABLE_NAME = s.TABLE_NAME AND t.CONSTRAINT_NAME = s.INDEX_NAME) ORDER BY INDEX_NAME, SEQ_IN_INDEX"
            ),
        };
        let mut indexes: Vec<IndexInfo> = Vec::new();
        for row in self.texts(&sql).await {
            match indexes.last_mut() {
                Some(index) if index.name == row[0] => index.columns.push(row[2].clone()),
                _ => indexes.push(IndexInfo {
                    name: row[0].clone(),
                    unique: row[1] == "1",
                    columns: vec![row[2].clone()],
                }),
            }
        }
        indexes
    }

    /// The named constraints of a table and their kinds: `unique`, `foreign key`, `check`.
    pub async fn constraints(&self, table: &str) -> Vec<(String, String)> {
        let name = string(table);
        let mut constraints = match self.kind {
            // SQLite keeps constraint names only in the table's SQL.
            Kind::Sqlite => {
                let sql: String =
                    self.scalar(&format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = {name}")).await;
                named_constraints(&sql)
            }
            Kind::Postgres => self
                .texts(&format!(
                    "SELECT conname::text, CASE contype WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' END \
                     FROM pg_constraint WHERE conrelid = to_regclass(quote_ident({name})) AND contype IN ('u', 'f', 'c')"
                ))
                .await
                .into_iter()
                .map(|row| (row[0].clone(), row[1].clone()))
                .collect(),
            Kind::MySql => self
                .texts(&format!(
                    "SELECT CONSTRAINT_NAME, LOWER(CONSTRAINT_TYPE) FROM information_schema.TABLE_CONSTRAINTS \
                     WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = {name} AND CONSTRAINT_TYPE <> 'PRIMARY KEY'"
                ))
                .await
                .into_iter()
                .map(|row| (row[0].clone(), row[1].clone()))
                .collect(),
        };
        constraints.sort();
        constraints
    }

    /// The foreign keys of a table, by referencing column.
    pub async fn foreign_keys(&self, table: &str) -> Vec<ForeignKeyInfo> {
        let name = string(table);
        let sql = match self.kind {
            Kind::Sqlite => format!(
                "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list({name}) ORDER BY \"from\""
            ),
            Kind::Postgres => format!(
                "SELECT a.attname::text, r.relname::text, ra.attname::text, \
                 CASE con.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' \
                 WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END \
                 FROM pg_constraint con JOIN pg_class r ON r.oid = con.confrelid \
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] \
                 JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1] \
                 WHERE con.contype = 'f' AND con.conrelid = to_regclass(quote_ident({name})) ORDER BY 1"
            ),
            Kind::MySql => format!(
                "SELECT k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE \
                 FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
                 ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
                 WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = {name} AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY 1"
            ),
        };
        self.texts(&sql)
            .await
            .into_iter()
            .map(|row| ForeignKeyInfo {
                column: row[0].clone(),
                referenced_table: row[1].clone(),
                referenced_column: row[2].clone(),
                on_delete: row[3].clone(),
            })
            .collect()
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

/// `CONSTRAINT "name" KIND` pairs in a `CREATE TABLE` statement, kinds lowercase.
fn named_constraints(sql: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = sql;
    while let Some(at) = rest.find("CONSTRAINT \"") {
        rest = &rest[at + "CONSTRAINT \"".len()..];
        let mut name = String::new();
        let mut chars = rest.char_indices();
        let mut end = rest.len();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if rest[i + 1..].starts_with('"') {
                    name.push('"');
                    chars.next();
                    continue;
                }
                end = i + 1;
                break;
            }
            name.push(c);
        }
        rest = &rest[end..];
        let kind = rest.trim_start();
        let kind = if kind.starts_with("UNIQUE") {
            "unique"
        } else if kind.starts_with("FOREIGN") || kind.starts_with("REFERENCES") {
            "foreign key"
        } else {
            "check"
        };
        found.push((name, kind.to_owned()));
    }
    found
}

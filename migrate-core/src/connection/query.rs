//! Portable queries for data migrations: SQL written once with `?` placeholders, values bound
//! from [`Value`]s, rows read back as [`Value`]s, on whichever database the run is on. The
//! placeholders are rewritten for PostgreSQL (`$1`, `$2`, ...) outside quotes and comments.

use std::sync::Arc;

use super::Connection;
use crate::database::Database;
use crate::error::{Error, Result};
use crate::schema::Value;

/// A query being built on a migration's connection: [`Connection::query`].
#[must_use = "a query does nothing until it is executed or fetched"]
pub struct Query<'c> {
    connection: &'c mut Connection,
    sql: String,
    values: Vec<Value>,
}

/// One row a [`Query`] fetched: its values by column, in the database's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Connection {
    /// A query with `?` placeholders on every database, the values given with [`Query::bind`]:
    /// for data migrations that run on SQLite, PostgreSQL and MySQL alike.
    ///
    /// ```no_run
    /// # async fn example(db: &mut migrate_core::Connection) -> migrate_core::Result<()> {
    /// for row in db.query("SELECT id, email FROM users WHERE domain IS NULL").fetch_all().await? {
    ///     let (id, email): (i64, String) = (row.get("id")?, row.get("email")?);
    ///     let domain = email.split_once('@').map_or("", |(_, domain)| domain).to_owned();
    ///     db.query("UPDATE users SET domain = ? WHERE id = ?").bind(domain).bind(id).execute().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Every `?` outside quotes and comments is a placeholder (on PostgreSQL, write the `jsonb`
    /// operators `?`, `?|`, `?&` as the functions `jsonb_exists`, `jsonb_exists_any`,
    /// `jsonb_exists_all`). Rows read booleans, integers, floating-point numbers, text and bytes;
    /// cast other columns to text in the query (`CAST(created_at AS TEXT)`).
    pub fn query(&mut self, sql: &str) -> Query<'_> {
        Query { connection: self, sql: sql.to_owned(), values: Vec::new() }
    }
}

impl<'c> Query<'c> {
    /// Binds the value of the next `?`.
    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.values.push(value.into());
        self
    }

    /// Runs the query; the number of rows it changed.
    pub async fn execute(self) -> Result<u64> {
        let (connection, sql, values) = self.prepared()?;
        connection.execute_values(&sql, &values).await.map_err(|cause| failed(&sql, cause))
    }

    /// Runs the query; every row it returns.
    pub async fn fetch_all(self) -> Result<Vec<Row>> {
        let (connection, sql, values) = self.prepared()?;
        let (columns, rows) =
            connection.fetch_values(&sql, &values).await.map_err(|cause| failed(&sql, cause))?;
        let columns: Arc<[String]> = columns.into();
        Ok(rows.into_iter().map(|values| Row { columns: columns.clone(), values }).collect())
    }

    /// Runs the query; its first row, if it returns one.
    pub async fn fetch_optional(self) -> Result<Option<Row>> {
        Ok(self.fetch_all().await?.into_iter().next())
    }

    /// Runs the query; its one row (an error if it returns none).
    pub async fn fetch_one(self) -> Result<Row> {
        let sql = self.sql.clone();
        self.fetch_optional().await?.ok_or_else(|| failed(&sql, sqlx::Error::RowNotFound))
    }

    /// The connection, the SQL with the database's placeholders, and the values they bind,
    /// checked to match the placeholders.
    fn prepared(self) -> Result<(&'c mut Connection, String, Vec<Value>)> {
        let database = self.connection.database();
        let count = with_placeholders(&self.sql, |_| String::new()).1;
        if count != self.values.len() {
            return Err(Error::InvalidQuery {
                sql: self.sql,
                reason: format!("it has {count} `?` placeholder(s) and {} bound value(s)", self.values.len()),
            });
        }
        if let Some(reason) = self.values.iter().find_map(Value::invalid) {
            return Err(Error::InvalidQuery { sql: self.sql, reason });
        }
        let mut bound = Vec::with_capacity(self.values.len());
        let (sql, _) = with_placeholders(&self.sql, |index| {
            let value = &self.values[index];
            match database {
                // PostgreSQL types each parameter: a NULL is written out, and text that stands
                // for another type is cast to it.
                Database::Postgres if *value == Value::Null => "NULL".to_owned(),
                Database::Postgres => {
                    bound.push(value.clone());
                    format!("${}{}", bound.len(), postgres_cast(value))
                }
                _ => {
                    bound.push(value.clone());
                    "?".to_owned()
                }
            }
        });
        Ok((self.connection, sql, bound))
    }
}

/// The cast a PostgreSQL parameter bound as text needs to be its column's type.
fn postgres_cast(value: &Value) -> &'static str {
    match value {
        Value::Decimal(_) => "::numeric",
        Value::Date(_) => "::date",
        Value::Time(_) => "::time",
        // An offset (`+02`, `-05:00`, `Z`) after the time makes it zoned.
        Value::Timestamp(text)
            if text
                .split_once(' ')
                .or(text.split_once('T'))
                .is_some_and(|(_, time)| time.contains(['+', '-', 'Z'])) =>
        {
            "::timestamptz"
        }
        Value::Timestamp(_) => "::timestamp",
        Value::Uuid(_) => "::uuid",
        Value::Json(_) => "::jsonb",
        _ => "",
    }
}

fn failed(sql: &str, cause: sqlx::Error) -> Error {
    Error::Database { doing: format!("running `{sql}`"), cause }
}

impl Row {
    /// The value of a column, by position (from 0) or name, converted to `T`: `i64`, `i32`,
    /// `f64`, `bool`, `String`, `Vec<u8>`, [`Value`], or an `Option` of them for a nullable one.
    pub fn get<T: FromValue>(&self, column: impl ColumnIndex) -> Result<T> {
        let index = column.index(&self.columns).ok_or_else(|| Error::InvalidQuery {
            sql: String::new(),
            reason: format!(
                "the row has no column {}; it has {}",
                column.describe(),
                self.columns.join(", ")
            ),
        })?;
        let value = &self.values[index];
        T::from_value(value).ok_or_else(|| Error::InvalidQuery {
            sql: String::new(),
            reason: format!("column '{}' holds {value:?}, which isn't {}", self.columns[index], T::WHAT),
        })
    }

    /// The names of the columns.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// A column named by position or by name.
pub trait ColumnIndex {
    /// The position of the column among `columns`.
    fn index(&self, columns: &[String]) -> Option<usize>;
    /// The column, for messages.
    fn describe(&self) -> String;
}

impl ColumnIndex for usize {
    fn index(&self, columns: &[String]) -> Option<usize> {
        (*self < columns.len()).then_some(*self)
    }
    fn describe(&self) -> String {
        format!("at position {self}")
    }
}

impl ColumnIndex for &str {
    fn index(&self, columns: &[String]) -> Option<usize> {
        columns.iter().position(|column| column.eq_ignore_ascii_case(self))
    }
    fn describe(&self) -> String {
        format!("named '{self}'")
    }
}

/// A Rust value a [`Row`] column converts to.
pub trait FromValue: Sized {
    /// What `Self` is, for messages: "an integer".
    const WHAT: &'static str;
    /// The value as `Self`, if it is one.
    fn from_value(value: &Value) -> Option<Self>;
}

impl FromValue for Value {
    const WHAT: &'static str = "a value";
    fn from_value(value: &Value) -> Option<Self> {
        Some(value.clone())
    }
}

impl FromValue for i64 {
    const WHAT: &'static str = "an integer";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Integer(number) => Some(*number),
            Value::Boolean(flag) => Some(i64::from(*flag)),
            _ => None,
        }
    }
}

impl FromValue for i32 {
    const WHAT: &'static str = "a 32-bit integer";
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|number| i32::try_from(number).ok())
    }
}

impl FromValue for f64 {
    const WHAT: &'static str = "a number";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Float(number) => Some(*number),
            Value::Integer(number) => Some(*number as f64),
            Value::Decimal(text) => text.parse().ok(),
            _ => None,
        }
    }
}

impl FromValue for bool {
    const WHAT: &'static str = "a boolean";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Boolean(flag) => Some(*flag),
            // SQLite and MySQL store booleans as 0 and 1.
            Value::Integer(0) => Some(false),
            Value::Integer(1) => Some(true),
            _ => None,
        }
    }
}

impl FromValue for String {
    const WHAT: &'static str = "text";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            // MySQL reports text of a binary collation as bytes.
            Value::Binary(bytes) => String::from_utf8(bytes.clone()).ok(),
            other => other.as_text().map(str::to_owned),
        }
    }
}

impl FromValue for Vec<u8> {
    const WHAT: &'static str = "bytes";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Binary(bytes) => Some(bytes.clone()),
            Value::Text(text) => Some(text.clone().into_bytes()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const WHAT: &'static str = T::WHAT;
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// `sql` with its `?` placeholders replaced by what `write` gives for each (numbered from 0), and
/// how many there are. Quotes (`'...'`, `"..."`, `` `...` ``), PostgreSQL's dollar quotes and
/// comments are kept as they are.
fn with_placeholders(sql: &str, mut write: impl FnMut(usize) -> String) -> (String, usize) {
    let mut written = String::with_capacity(sql.len() + 8);
    let mut count = 0;
    let mut rest = sql;
    while let Some(character) = rest.chars().next() {
        let skipped = match character {
            '\'' | '"' | '`' => closing(rest, 1, &character.to_string()),
            '-' if rest.starts_with("--") => rest.find('\n').map_or(rest.len(), |end| end + 1),
            '/' if rest.starts_with("/*") => closing(rest, 2, "*/"),
            '$' => dollar_quoted(rest).unwrap_or(1),
            '?' => {
                written.push_str(&write(count));
                count += 1;
                rest = &rest[1..];
                continue;
            }
            _ => character.len_utf8(),
        };
        written.push_str(&rest[..skipped]);
        rest = &rest[skipped..];
    }
    (written, count)
}

/// The length of a quoted part that opens with `open_len` bytes and ends with `close` (a doubled
/// quote inside stays inside); the rest of the text when it doesn't end.
fn closing(text: &str, open_len: usize, close: &str) -> usize {
    text[open_len..].find(close).map_or(text.len(), |end| open_len + end + close.len())
}

/// The length of a `$tag$ ... $tag$` string at the start of `text`, if one starts there.
fn dollar_quoted(text: &str) -> Option<usize> {
    let tag_end = text[1..].find('$')? + 2;
    let tag = &text[..tag_end];
    if !tag[1..tag.len() - 1].chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    Some(text[tag_end..].find(tag).map_or(text.len(), |end| tag_end + end + tag.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_are_numbered_outside_quotes_and_comments() {
        let sql =
            "UPDATE t SET a = ?, b = 'what?', \"c?\" = ? -- really?\nWHERE d = $x$?$x$ AND e = ? /* ? */";
        let (written, count) = with_placeholders(sql, |index| format!("${}", index + 1));
        assert_eq!(count, 3);
        assert_eq!(
            written,
            "UPDATE t SET a = $1, b = 'what?', \"c?\" = $2 -- really?\nWHERE d = $x$?$x$ AND e = $3 /* ? */"
        );
    }

    #[test]
    fn quoted_question_marks_are_not_placeholders() {
        let (written, count) =
            with_placeholders("SELECT ? FROM `a?b` WHERE x = 'it''s?'", |_| "?".to_owned());
        assert_eq!((written.as_str(), count), ("SELECT ? FROM `a?b` WHERE x = 'it''s?'", 1));
    }

    #[test]
    fn a_row_converts_its_values_by_name_or_position() {
        let row = Row {
            columns: vec!["id".to_owned(), "email".to_owned(), "active".to_owned()].into(),
            values: vec![Value::Integer(7), Value::Null, Value::Integer(1)],
        };
        assert_eq!(row.get::<i64>("ID").ok(), Some(7));
        assert_eq!(row.get::<Option<String>>(1).ok(), Some(None));
        assert_eq!(row.get::<bool>("active").ok(), Some(true));
        let error = row.get::<String>("id").unwrap_err().to_string();
        assert!(error.contains("column 'id' holds Integer(7), which isn't text"), "{error}");
        assert!(row.get::<i64>("missing").unwrap_err().to_string().contains("it has id, email, active"));
    }
}

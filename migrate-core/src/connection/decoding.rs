//! A row of any driver read as [`Value`]s, by the type each database reports for each value:
//! booleans, integers, floating-point numbers, text and bytes (and PostgreSQL's UUIDs, MySQL's
//! decimals, JSON). Other types are an error that says to cast the column to text.

#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code, unused_imports, reason = "with no driver there are no rows")
)]

use sqlx::{Row as _, TypeInfo as _, ValueRef as _};

use crate::schema::Value;

/// A driver's row, read as values.
pub(super) trait RowValues {
    fn values(&self) -> Result<Vec<Value>, sqlx::Error>;
}

/// The values of `row`, column by column.
pub(super) fn row_values<R: RowValues>(row: &R) -> Result<Vec<Value>, sqlx::Error> {
    row.values()
}

/// A column of a type these rows don't read.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn unreadable(index: usize, type_name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!(
            "its type is {type_name}, which a portable row doesn't read: cast it to text in the query"
        )
        .into(),
    }
}

#[cfg(feature = "sqlite")]
impl RowValues for sqlx::sqlite::SqliteRow {
    fn values(&self) -> Result<Vec<Value>, sqlx::Error> {
        (0..self.len())
            .map(|index| {
                let raw = self.try_get_raw(index)?;
                if raw.is_null() {
                    return Ok(Value::Null);
                }
                // The type of the value stored, whatever the column declares.
                let type_name = raw.type_info().name().to_owned();
                Ok(match type_name.as_str() {
                    "INTEGER" | "BOOLEAN" => Value::Integer(self.try_get_unchecked(index)?),
                    "REAL" => Value::Float(self.try_get_unchecked(index)?),
                    "BLOB" => Value::Binary(self.try_get_unchecked(index)?),
                    _ => Value::Text(self.try_get_unchecked(index)?),
                })
            })
            .collect()
    }
}

#[cfg(feature = "postgres")]
impl RowValues for sqlx::postgres::PgRow {
    fn values(&self) -> Result<Vec<Value>, sqlx::Error> {
        (0..self.len())
            .map(|index| {
                let raw = self.try_get_raw(index)?;
                if raw.is_null() {
                    return Ok(Value::Null);
                }
                let type_name = raw.type_info().name().to_owned();
                Ok(match type_name.as_str() {
                    "BOOL" => Value::Boolean(self.try_get_unchecked(index)?),
                    "INT2" => Value::Integer(self.try_get_unchecked::<i16, _>(index)?.into()),
                    "INT4" => Value::Integer(self.try_get_unchecked::<i32, _>(index)?.into()),
                    "INT8" => Value::Integer(self.try_get_unchecked(index)?),
                    "FLOAT4" => Value::Float(self.try_get_unchecked::<f32, _>(index)?.into()),
                    "FLOAT8" => Value::Float(self.try_get_unchecked(index)?),
                    "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" | "CITEXT" => {
                        Value::Text(self.try_get_unchecked(index)?)
                    }
                    "JSON" => Value::Json(self.try_get_unchecked(index)?),
                    "BYTEA" => Value::Binary(self.try_get_unchecked(index)?),
                    "UUID" => {
                        let bytes: &[u8] = raw.as_bytes().map_err(|source| sqlx::Error::ColumnDecode {
                            index: index.to_string(),
                            source,
                        })?;
                        Value::Uuid(hyphenated(bytes))
                    }
                    other => return Err(unreadable(index, other)),
                })
            })
            .collect()
    }
}

/// A UUID's 16 bytes in the 8-4-4-4-12 form.
#[cfg(feature = "postgres")]
fn hyphenated(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    match (hex.get(..8), hex.get(8..12), hex.get(12..16), hex.get(16..20), hex.get(20..)) {
        (Some(a), Some(b), Some(c), Some(d), Some(e)) => format!("{a}-{b}-{c}-{d}-{e}"),
        _ => hex,
    }
}

#[cfg(feature = "mysql")]
impl RowValues for sqlx::mysql::MySqlRow {
    fn values(&self) -> Result<Vec<Value>, sqlx::Error> {
        (0..self.len())
            .map(|index| {
                let raw = self.try_get_raw(index)?;
                if raw.is_null() {
                    return Ok(Value::Null);
                }
                let type_name = raw.type_info().name().to_owned();
                let base = type_name.trim_end_matches(" UNSIGNED");
                Ok(match base {
                    "BOOLEAN" => Value::Boolean(self.try_get_unchecked(index)?),
                    "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR" => {
                        Value::Integer(self.try_get_unchecked(index)?)
                    }
                    "FLOAT" => Value::Float(self.try_get_unchecked::<f32, _>(index)?.into()),
                    "DOUBLE" => Value::Float(self.try_get_unchecked(index)?),
                    "DECIMAL" => Value::Decimal(self.try_get_unchecked(index)?),
                    "JSON" => Value::Json(self.try_get_unchecked(index)?),
                    "CHAR" | "VARCHAR" | "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM" | "SET" => {
                        Value::Text(self.try_get_unchecked(index)?)
                    }
                    "BINARY" | "VARBINARY" | "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB" => {
                        Value::Binary(self.try_get_unchecked(index)?)
                    }
                    other => return Err(unreadable(index, other)),
                })
            })
            .collect()
    }
}

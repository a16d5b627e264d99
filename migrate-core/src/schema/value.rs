//! Typed values, for rows inserted by a migration and for column defaults.

/// A value a migration writes: rendered as a literal of the column's database.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// True or false.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A floating-point number (finite).
    Float(f64),
    /// An exact decimal number, as text: `-12.50`.
    Decimal(String),
    /// Text.
    Text(String),
    /// Bytes.
    Binary(Vec<u8>),
    /// A date, `YYYY-MM-DD`.
    Date(String),
    /// A time of day, `HH:MM:SS[.ffffff]`.
    Time(String),
    /// A date and time, `YYYY-MM-DD HH:MM:SS[.ffffff]`, with an offset for zoned columns.
    Timestamp(String),
    /// A UUID in its hyphenated form.
    Uuid(String),
    /// A JSON document, as text.
    Json(String),
}

impl Value {
    /// The text of a value written as text: text itself, and decimals, dates, times, timestamps,
    /// UUIDs and JSON, which the column gives their type.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text)
            | Value::Decimal(text)
            | Value::Date(text)
            | Value::Time(text)
            | Value::Timestamp(text)
            | Value::Uuid(text)
            | Value::Json(text) => Some(text),
            _ => None,
        }
    }

    /// Why no database can take this value, if none can.
    pub(crate) fn invalid(&self) -> Option<String> {
        match self {
            Value::Float(number) if !number.is_finite() => Some(format!(
                "{number} is not a number every database can store; use NULL or a finite number"
            )),
            Value::Decimal(text) if !is_decimal(text) => {
                Some(format!("'{text}' is not a decimal number (digits, an optional sign and point)"))
            }
            Value::Uuid(text) if !is_uuid(text) => {
                Some(format!("'{text}' is not a UUID (8-4-4-4-12 hexadecimal digits)"))
            }
            Value::Text(text)
            | Value::Date(text)
            | Value::Time(text)
            | Value::Timestamp(text)
            | Value::Json(text)
                if text.contains('\0') =>
            {
                Some("text values can't contain NUL characters; use Value::Binary".to_owned())
            }
            _ => None,
        }
    }
}

fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|group| group.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Boolean(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Integer(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Value::Integer(value.into())
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Value::Float(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<Vec<u8>> for Value {
    fn from(value: Vec<u8>) -> Self {
        Value::Binary(value)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

//! The portable column types.

/// A column type that means the same on every database (the guide's type table shows what each
/// database gets).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Type {
    /// A 16-bit integer.
    SmallInt,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInt,
    /// Text of any length.
    Text,
    /// Text of at most this many characters.
    Varchar(u32),
    /// True or false.
    Boolean,
    /// An exact decimal number of `precision` digits, `scale` of them after the point.
    Numeric { precision: u32, scale: u32 },
    /// A 32-bit floating-point number.
    Float,
    /// A 64-bit floating-point number.
    Double,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time, with or without a time zone.
    Timestamp { with_time_zone: bool },
    /// A UUID.
    Uuid,
    /// A JSON document.
    Json,
    /// Bytes of any length.
    Binary,
    /// One of a fixed set of strings; `name` names the type where enums are types of their own
    /// (PostgreSQL).
    Enum { name: String, variants: Vec<String> },
}

impl Type {
    /// An enum type named `name` with these variants.
    pub fn enumeration(
        name: impl Into<String>,
        variants: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Type::Enum { name: name.into(), variants: variants.into_iter().map(Into::into).collect() }
    }

    /// Whether the type is one of the integer types.
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::SmallInt | Type::Integer | Type::BigInt)
    }

    /// Why no database can have a column of this type, if none can.
    pub(crate) fn invalid(&self) -> Option<String> {
        match self {
            Type::Varchar(0) => Some("varchar(0) holds nothing; give a length of at least 1".to_owned()),
            Type::Numeric { precision: 0, .. } => Some("numeric needs a precision of at least 1".to_owned()),
            Type::Numeric { precision, scale } if scale > precision => Some(format!(
                "numeric({precision}, {scale}) has more digits after the point than in all; make scale <= precision"
            )),
            Type::Enum { name, .. } if name.is_empty() => Some("an enum needs a name".to_owned()),
            Type::Enum { name, variants } if variants.is_empty() => {
                Some(format!("enum '{name}' has no variants"))
            }
            Type::Enum { name, variants } => {
                let duplicate =
                    variants.iter().enumerate().find(|(i, variant)| variants[..*i].contains(variant));
                duplicate.map(|(_, variant)| format!("enum '{name}' lists variant '{variant}' twice"))
            }
            _ => None,
        }
    }
}

//! The portable column type of a Rust type: what `#[derive(Model)]` gives a field when no
//! `column_type = ..` says otherwise.

use super::Type;

/// A Rust type stored in one column: its portable [`Type`], and whether it holds NULL.
///
/// `#[derive(Model)]` reads a field's column type from here; `#[derive(Enum)]` implements it for
/// an enum. A type without an implementation needs `column_type = ..` on its field.
///
/// ```
/// use migrate_core::{SqlType, Type};
///
/// assert_eq!(<Option<i64>>::sql_type(), Type::BigInt);
/// assert!(<Option<i64>>::NULLABLE);
/// assert!(!<String>::NULLABLE);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no portable column type",
    label = "no column type for `{Self}`",
    note = "give the field `#[model(column_type = migrate::Type::...)]`, or `#[derive(migrate::Enum)]` on an enum of unit variants"
)]
pub trait SqlType {
    /// The column's portable type.
    fn sql_type() -> Type;

    /// Whether the column accepts NULL: true for `Option<T>` only.
    const NULLABLE: bool = false;
}

/// A Rust type stored as text, whose column `max_length = n` makes `varchar(n)`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`max_length` goes on a `String` field, not `{Self}`",
    label = "not a `String`",
    note = "give the field `#[model(column_type = migrate::Type::...)]` instead"
)]
pub trait TextColumn: SqlType {}

impl TextColumn for String {}

impl<T: TextColumn> TextColumn for Option<T> {}

/// The type of a `max_length = length` field: `#[derive(Model)]` calls it with the field's type,
/// so that `max_length` on a field that isn't text fails to compile.
#[doc(hidden)]
pub fn varchar<T: TextColumn>(length: u32) -> Type {
    Type::Varchar(length)
}

macro_rules! sql_types {
    ($($rust:ty => $type:expr),* $(,)?) => {
        $(
            impl SqlType for $rust {
                fn sql_type() -> Type {
                    $type
                }
            }
        )*
    };
}

sql_types! {
    i16 => Type::SmallInt,
    i32 => Type::Integer,
    i64 => Type::BigInt,
    String => Type::Text,
    bool => Type::Boolean,
    f32 => Type::Float,
    f64 => Type::Double,
    Vec<u8> => Type::Binary,
}

impl<T: SqlType> SqlType for Option<T> {
    fn sql_type() -> Type {
        T::sql_type()
    }

    const NULLABLE: bool = true;
}

#[cfg(feature = "chrono")]
sql_types! {
    chrono::NaiveDate => Type::Date,
    chrono::NaiveTime => Type::Time,
    chrono::NaiveDateTime => Type::Timestamp { with_time_zone: false },
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> SqlType for chrono::DateTime<Tz> {
    fn sql_type() -> Type {
        Type::Timestamp { with_time_zone: true }
    }
}

#[cfg(feature = "time")]
sql_types! {
    time::Date => Type::Date,
    time::Time => Type::Time,
    time::PrimitiveDateTime => Type::Timestamp { with_time_zone: false },
    time::OffsetDateTime => Type::Timestamp { with_time_zone: true },
}

#[cfg(feature = "uuid")]
sql_types! {
    uuid::Uuid => Type::Uuid,
}

#[cfg(feature = "json")]
sql_types! {
    serde_json::Value => Type::Json,
}

#[cfg(feature = "json")]
impl<T> SqlType for sqlx::types::Json<T> {
    fn sql_type() -> Type {
        Type::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_map_to_integers_of_their_width() {
        assert_eq!(i16::sql_type(), Type::SmallInt);
        assert_eq!(i32::sql_type(), Type::Integer);
        assert_eq!(i64::sql_type(), Type::BigInt);
    }

    #[test]
    fn an_option_has_its_inner_type_and_accepts_null() {
        assert_eq!(<Option<String>>::sql_type(), Type::Text);
        const { assert!(<Option<String>>::NULLABLE) };
        const { assert!(!String::NULLABLE) };
    }

    #[test]
    fn bytes_map_to_binary() {
        assert_eq!(<Vec<u8>>::sql_type(), Type::Binary);
    }
}

#[cfg(all(test, feature = "chrono", feature = "time", feature = "uuid"))]
mod feature_tests {
    use super::*;

    #[test]
    fn dates_and_times_map_alike_from_chrono_and_time() {
        assert_eq!(chrono::NaiveDate::sql_type(), time::Date::sql_type());
        assert_eq!(chrono::NaiveTime::sql_type(), Type::Time);
        assert_eq!(chrono::NaiveDateTime::sql_type(), time::PrimitiveDateTime::sql_type());
        assert_eq!(<chrono::DateTime<chrono::Utc>>::sql_type(), Type::Timestamp { with_time_zone: true });
        assert_eq!(time::OffsetDateTime::sql_type(), Type::Timestamp { with_time_zone: true });
    }

    #[test]
    fn a_uuid_maps_to_the_uuid_type() {
        assert_eq!(uuid::Uuid::sql_type(), Type::Uuid);
    }
}

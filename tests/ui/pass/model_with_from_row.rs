//! A model that also derives sqlx's `FromRow` and `Type`: both read the same column and value names.

use migrate::{Enum, Model, ModelDefinition, SqlType, Type};

#[derive(Debug, Enum, sqlx::Type)]
#[sqlx(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Happy,
    #[sqlx(rename = "so-so")]
    SoSo,
}

#[derive(Model, sqlx::FromRow)]
#[sqlx(rename_all = "camelCase")]
#[model(table = "users", index(columns = ["lastName"]))]
struct User {
    #[model(primary_key)]
    id: i64,
    last_name: String,
    #[sqlx(rename = "mail")]
    #[model(unique)]
    email: String,
    #[sqlx(skip)]
    cached: Vec<String>,
    #[sqlx(try_from = "i64")]
    visits: u64,
    mood: Mood,
    #[sqlx(default)]
    nickname: Option<String>,
}

fn main() {
    let model = User::model();
    let columns: Vec<&str> = model.table.columns.iter().map(|column| column.name.as_str()).collect();
    assert_eq!(columns, ["id", "lastName", "mail", "visits", "mood", "nickname"]);
    assert_eq!(model.table.columns[3].column_type, Type::BigInt);
    assert!(!model.table.columns[3].nullable);
    assert_eq!(model.indexes[0].name, "ix_users_lastName");
    assert_eq!(model.table.all_constraints()[0].name(), "uq_users_mail");
    assert_eq!(Mood::sql_type(), Type::enumeration("mood", ["happy", "so-so"]));
}

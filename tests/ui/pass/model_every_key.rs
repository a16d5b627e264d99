//! Every key of `#[derive(Model)]` in one place, with the type mapping of every built-in type.

use migrate::{Model, ModelDefinition, Type};

#[derive(Model)]
#[model(table = "accounts", comment = "one per customer")]
#[model(primary_key = ["tenant", "number"])]
#[model(index(name = "ix_accounts_owner", columns = ["owner"], unique, partial = "closed = false"))]
#[model(unique(name = "uq_accounts_iban", columns = ["iban"]))]
#[model(check(name = "ck_accounts_balance", expression = "balance >= 0"))]
struct Account {
    tenant: i16,
    number: i32,
    #[model(references(table = "customers", column = "id", on_delete = "restrict", on_update = "no action"))]
    owner: i64,
    #[model(max_length = 34, comment = "international number")]
    iban: String,
    #[model(default = 0.0)]
    balance: f64,
    #[model(default = 1.5)]
    rate: f32,
    #[model(default = false)]
    closed: bool,
    #[model(index, unique)]
    token: Vec<u8>,
    #[model(default_expression = "current_date", column_type = migrate::Type::Date)]
    opened: String,
    #[model(default_expression = "lower('X')")]
    code: Option<String>,
    #[model(column = "r#type")]
    r#kind: String,
}

fn main() {
    let model = Account::model();
    assert_eq!(model.table.name, "accounts");
    assert_eq!(model.table.columns[0].column_type, Type::SmallInt);
    assert_eq!(model.table.columns[3].column_type, Type::Varchar(34));
    assert_eq!(model.table.columns[5].column_type, Type::Float);
    assert_eq!(model.table.columns[7].column_type, Type::Binary);
    assert_eq!(model.table.columns[10].name, "r#type");
    assert_eq!(model.indexes.len(), 2);
    assert_eq!(model.table.constraints.len(), 3);
    assert!(Model::registered().iter().any(|registered| registered.table.name == "accounts"));
}

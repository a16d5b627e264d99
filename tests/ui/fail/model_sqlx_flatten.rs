use migrate::Model;

#[derive(sqlx::FromRow)]
struct Address {
    street: String,
    city: String,
}

#[derive(Model, sqlx::FromRow)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[sqlx(flatten)]
    address: Address,
}

fn main() {}

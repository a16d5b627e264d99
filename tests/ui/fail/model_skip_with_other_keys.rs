use migrate::Model;

#[derive(Model, sqlx::FromRow)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(skip, unique, column = "cache")]
    cache: String,
    #[sqlx(skip)]
    #[model(index)]
    session: String,
}

fn main() {}

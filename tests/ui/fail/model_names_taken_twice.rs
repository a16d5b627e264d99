use migrate::Model;

#[derive(Model, sqlx::FromRow)]
#[model(index(name = "ix_user_email", columns = ["email"]))]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(index)]
    email: String,
    #[sqlx(rename = "email")]
    email_again: String,
    #[sqlx(rename = "login")]
    #[model(column = "user_name")]
    name: String,
}

fn main() {}

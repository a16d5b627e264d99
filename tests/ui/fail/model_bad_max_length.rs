use migrate::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(max_length = 0)]
    name: String,
    #[model(max_length = 255, column_type = migrate::Type::Varchar(255))]
    email: String,
}

fn main() {}

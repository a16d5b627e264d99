use migrate::Model;

#[derive(Model)]
#[model(table = "users", tabel = "people")]
#[model(table = "accounts")]
struct User {
    #[model(primary, unique, unique)]
    id: i64,
    #[model(migrate::index)]
    name: String,
}

fn main() {}

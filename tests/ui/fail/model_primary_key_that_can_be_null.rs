use migrate::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: Option<i64>,
    #[model(primary_key, nullable)]
    tenant: i64,
}

fn main() {}

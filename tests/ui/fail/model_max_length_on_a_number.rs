use migrate::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(max_length = 10)]
    age: i32,
}

fn main() {}

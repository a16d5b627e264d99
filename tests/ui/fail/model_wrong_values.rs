use migrate::Model;

#[derive(Model)]
#[model(table = users, primary_key = [1, 2], check(expression = "age >= 0"))]
struct User {
    #[model(primary_key = true, auto_increment)]
    id: i64,
    #[model(default = [1], column = "")]
    age: i32,
    #[model(default = 0, default_expression = "0")]
    score: i32,
    #[model(auto_increment)]
    counter: i64,
}

fn main() {}

use migrate::Model;

#[derive(Model)]
#[model(primary_key = ["id", "tenant"])]
#[model(index(columns = ["name", "email"]), unique(columns = ["login"]))]
#[model(index(columns = ["cache"]))]
struct User {
    id: i64,
    name: String,
    #[model(column = "email_address")]
    email: String,
    #[model(skip)]
    cache: Vec<String>,
}

fn main() {}

use migrate::Model;

struct Money(i64);

#[derive(Model)]
struct Account {
    #[model(primary_key)]
    id: i64,
    balance: Money,
}

fn main() {}

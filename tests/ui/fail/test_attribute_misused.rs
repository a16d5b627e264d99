use migrate::DatabasePool;

#[migrate::test]
fn not_async(_pool: DatabasePool) {}

#[migrate::test(database = "oracle")]
async fn unknown_database(_pool: DatabasePool) {}

#[migrate::test]
async fn no_pool() {}

#[migrate::test(transaction)]
async fn transaction_off_postgres(_db: migrate::Connection) {}

fn main() {}

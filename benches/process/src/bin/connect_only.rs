//! The floor of a no-op at head: `connect-only URL` connects with `DatabasePool::connect` and
//! closes the pool, running nothing. Time it against a migrate binary's `upgrade URL` at head
//! (BENCHMARKS.md, "Whole process", the no-op at N = 100).

use migrate::DatabasePool;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(url) = std::env::args().nth(1) else {
        return Err("usage: connect-only URL".into());
    };
    DatabasePool::connect(&url).await?.close().await;
    Ok(())
}

//! migrate with the line of 10 migrations build.rs writes (see `bench_process::migrate_main`).

include!(concat!(env!("OUT_DIR"), "/line_10.rs"));

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    bench_process::migrate_main().await
}

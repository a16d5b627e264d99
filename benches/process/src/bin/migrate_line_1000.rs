//! migrate with the line of 1000 migrations build.rs writes (see `bench_process::migrate_main`).

include!(concat!(env!("OUT_DIR"), "/line_1000.rs"));

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    bench_process::migrate_main().await
}

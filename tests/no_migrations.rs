//! A program that registers no migration (a library of migrations the binary doesn't link, say):
//! the startup upgrade has nothing to run, and says why in a warning rather than starting quietly
//! on a database no migration touched.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Where the log lines go: a buffer the test reads.
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_startup_upgrade_with_no_migration_registered_warns() {
    let logged = Arc::new(Mutex::new(Vec::new()));
    let buffer = logged.clone();
    let subscriber =
        tracing_subscriber::fmt().with_ansi(false).with_writer(move || Log(buffer.clone())).finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let report = runtime.block_on(async {
        let pool = migrate::sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        migrate::upgrade_to_head(&pool).await.unwrap()
    });
    assert!(report.applied.is_empty() && report.heads.is_empty(), "{report:?}");
    let logged = String::from_utf8(logged.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("WARN")
            && logged.contains("no migration is registered: a library that holds them must be linked"),
        "{logged}"
    );
}

//! The app's binary, with a migration of its own: prints every registered migration as
//! `revision function checksum`, one a line, in registry order.

use migrate::prelude::*;

// A binary links its library only if it mentions it; this line keeps the library's migrations.
use registry_app as _;

#[migration(revision = "bin0001", down_revision = "lib0001")]
fn binary_only(op: &mut Operations) {
    op.execute("CREATE TABLE binary_only (id INTEGER)");
}

fn main() {
    for migration in Migration::registered() {
        println!("{} {} {}", migration.revision(), migration.function(), migration.checksum());
    }
}

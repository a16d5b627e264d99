use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
async fn create(op: &mut Operations) -> migrate::Result<()> {
    op.execute("CREATE TABLE t (id INTEGER)");
    Ok(())
}

fn main() {}

use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
async fn create(_db: &mut Connection) {}

fn main() {}

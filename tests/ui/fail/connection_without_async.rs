use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
fn backfill(_db: &mut Connection) {}

fn main() {}

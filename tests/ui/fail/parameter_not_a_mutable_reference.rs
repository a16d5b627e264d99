use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
fn create(_op: Operations) {}

fn main() {}

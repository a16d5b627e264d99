use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
fn create<T>(_op: &mut Operations) {}

fn main() {}

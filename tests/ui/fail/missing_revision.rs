use migrate::prelude::*;

#[migration(down_revision = None)]
fn create(_op: &mut Operations) {}

fn main() {}

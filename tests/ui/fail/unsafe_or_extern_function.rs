use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
unsafe fn create(_op: &mut Operations) {}

#[migration(revision = "a2", down_revision = "a1")]
extern "C" fn update(_op: &mut Operations) {}

fn main() {}

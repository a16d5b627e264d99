use migrate::prelude::*;

#[migration(revision = "", down_revision = "", colour = "red")]
fn create(_op: &mut Operations, _extra: u32) -> bool { true }

fn main() {}

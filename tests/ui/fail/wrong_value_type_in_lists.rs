use migrate::prelude::*;

#[migration(revision = "a1", down_revision = (None, "a0"), message = 1, branch_labels = [core], depends_on = 3)]
fn create(_op: &mut Operations) {}

fn main() {}
